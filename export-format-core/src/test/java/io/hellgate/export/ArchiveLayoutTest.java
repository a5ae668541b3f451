package io.hellgate.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;

class ArchiveLayoutTest {
  private static TarArchiveEntry parse(byte[] header) throws Exception {
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(header))) {
      return in.getNextTarEntry();
    }
  }

  @Test
  void writesOctalUstarSizesBelowEightGibibytes() throws Exception {
    byte[] h = ArchiveLayout.header(ExportWriter.DATA_ENTRY, 077777777777L, 1_700_000_000L);
    assertThat(new String(h, 124, 11, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("77777777777");
    TarArchiveEntry e = parse(h);
    assertThat(e.getName()).isEqualTo(ExportWriter.DATA_ENTRY);
    assertThat(e.getSize()).isEqualTo(077777777777L);
    assertThat(e.getModTime().getTime()).isEqualTo(1_700_000_000_000L);
  }

  /** Exports may reach 2^36 − 32 bytes; ustar's octal size field stops at 8 GiB − 1. */
  @Test
  void writesBase256SizesFromEightGibibytesToTheGcmLimit() throws Exception {
    for (long size : new long[] {1L << 33, io.hellgate.export.internal.AesGcm.MAX_PLAINTEXT_BYTES}) {
      byte[] h = ArchiveLayout.header(ExportWriter.DATA_ENTRY, size, 0);
      assertThat(h[124] & 0x80).as("base-256 marker").isEqualTo(0x80);
      assertThat(parse(h).getSize()).isEqualTo(size);
    }
  }
}
