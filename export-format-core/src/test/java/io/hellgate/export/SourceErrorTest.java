package io.hellgate.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A source that fails while being read is an I/O error, never a "malformed archive". */
class SourceErrorTest {
  private static byte[] archive() throws IOException {
    List<TokenRecord> records = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      records.add(Fixtures.record(i));
    }
    return Fixtures.writeArchive(Fixtures.writerOptions(), records);
  }

  /** {@code data}'s first {@code good} bytes, then EIO. */
  private static InputStream failingAfter(byte[] data, int good) {
    InputStream eio = new InputStream() {
      @Override
      public int read() throws IOException {
        throw new IOException("Input/output error");
      }
    };
    return new SequenceInputStream(new ByteArrayInputStream(data, 0, good), eio);
  }

  /** Regression (fault injection): EIO after the gzip header was reported as malformed_archive, exit 1. */
  @Test
  void aReadErrorOfTheSourceIsAnIoExceptionNotAMalformedArchive() throws IOException {
    byte[] a = archive();
    for (int good : new int[] {0, 1, 20, 600, a.length / 2, a.length - 10}) {
      assertThatThrownBy(() -> {
            try (ExportReader r = ExportReader.open(failingAfter(a, good), Fixtures.readerOptions())) {
              r.verify();
            }
          })
          .as("failing after %d bytes", good)
          .isInstanceOf(IOException.class)
          .isNotInstanceOf(ExportFormatException.class)
          .hasMessageContaining("Input/output error");
    }
  }

  @Test
  void aTruncatedSourceIsStillAMalformedArchive() throws IOException {
    byte[] a = archive();
    assertThatThrownBy(() -> {
          try (ExportReader r = ExportReader.open(new ByteArrayInputStream(a, 0, a.length / 2), Fixtures.readerOptions())) {
            r.verify();
          }
        })
        .isInstanceOf(ExportFormatException.class)
        .satisfies(e -> assertThat(((ExportFormatException) e).reason()).isEqualTo(ExportFormatException.Reason.MALFORMED_ARCHIVE));
  }
}
