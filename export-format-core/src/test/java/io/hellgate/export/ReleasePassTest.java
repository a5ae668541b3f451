package io.hellgate.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.hellgate.export.ExportFormatException.Reason;
import io.hellgate.export.internal.ChunkedGcm;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release pass (pass 2) trusts neither a re-read archive file nor the spool: each 1 MiB chunk
 * must reproduce the chunk tag recorded in pass 1 before any of its lines is released.
 */
class ReleasePassTest {
  private static byte[] big;
  private static List<String> lines;

  @BeforeAll
  static void writeBigArchive() throws Exception {
    List<TokenRecord> records = new ArrayList<>();
    for (int i = 0; records.size() * 300 < 3 * ChunkedGcm.CHUNK_BYTES; i++) {
      records.add(Fixtures.record(i));
    }
    big = Fixtures.writeArchive(Fixtures.writerOptions(), records);
    lines = new ArrayList<>();
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(big), Fixtures.readerOptions())) {
      for (String line; (line = r.nextLine()) != null; ) {
        lines.add(line);
      }
    }
    assertThat(lines).hasSize(records.size());
  }

  /** Writes {@code bytes} to {@code export.tgz} in {@code dir}. */
  private static Path archiveFile(Path dir, byte[] bytes) throws java.io.IOException {
    return Files.write(dir.resolve("export.tgz"), bytes);
  }

  /** Drains the reader; returns the failure after checking that only authentic lines came out. */
  private static ExportFormatException drain(ExportReader r) {
    List<String> released = new ArrayList<>();
    ExportFormatException e = catchThrowableOfType(ExportFormatException.class, () -> {
      for (String line; (line = r.nextLine()) != null; ) {
        released.add(line);
      }
    });
    assertThat(released).isEqualTo(lines.subList(0, released.size()));
    return e;
  }

  /** How many lines end within the first {@code bytes} bytes of plaintext. */
  private static long linesWithin(long bytes) {
    long end = 0;
    long n = 0;
    for (String line : lines) {
      end += line.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1;
      if (end > bytes) {
        break;
      }
      n++;
    }
    return n;
  }

  private static byte[] withCiphertextByteFlipped(int position) {
    byte[] ct = TestArchives.data(big, "tokens.jsonl.enc");
    ct[position] ^= 0x01;
    return TestArchives.replaceData(big, "tokens.jsonl.enc", ct);
  }

  @Test
  void readsAFileWithoutSpoolingIt(@TempDir Path dir) throws Exception {
    Path archive = archiveFile(dir, big);
    Path spoolDir = Files.createDirectory(dir.resolve("spool"));
    ExportReader.Options options = ExportReader.options()
        .key(RecipientKey.of(Fixtures.RECIPIENT_KEY, Fixtures.RECIPIENT_CERT))
        .spoolDirectory(spoolDir).memorySpoolBytes(0).build();
    try (ExportReader r = ExportReader.open(archive, options)) {
      r.verify();
      try (Stream<Path> files = Files.list(spoolDir)) {
        assertThat(files).as("spool files").isEmpty();
      }
      assertThat(drain(r)).isNull();
      assertThat(r.linesRead()).isEqualTo(lines.size());
      assertThat(r.releaseReadInPlace).as("pass 2 read the stored blocks in place").isTrue();
    }
  }

  @Test
  void progressCountsTheArchiveBytesOfTheVerificationPass(@TempDir Path dir) throws Exception {
    Path archive = archiveFile(dir, big);
    for (boolean fromFile : new boolean[] {true, false}) {
      List<Long> seen = new ArrayList<>();
      ExportReader.Options options = ExportReader.options()
          .key(RecipientKey.of(Fixtures.RECIPIENT_KEY, Fixtures.RECIPIENT_CERT)).progress(seen::add).build();
      try (ExportReader r = fromFile
          ? ExportReader.open(archive, options)
          : ExportReader.open(new ByteArrayInputStream(big), options)) {
        r.verify();
        assertThat(seen).isSorted().isNotEmpty();
        assertThat(seen.get(seen.size() - 1)).isEqualTo(big.length);
        int calls = seen.size();
        assertThat(drain(r)).isNull();
        if (fromFile) {
          assertThat(seen).as("the release pass re-reads the file without reporting").hasSize(calls);
        }
      }
    }
  }

  /** A file in the writer's layout is read without inflating in pass 1 too; its CRC-32 still counts. */
  @Test
  void rejectsAWriterArchiveWithAWrongGzipCrcOpenedAsAFile(@TempDir Path dir) throws Exception {
    byte[] bad = big.clone();
    bad[bad.length - 8] ^= 1;
    Path archive = archiveFile(dir, bad);
    try (ExportReader r = ExportReader.open(archive, Fixtures.readerOptions())) {
      ExportFormatException e = catchThrowableOfType(ExportFormatException.class, r::verify);
      assertThat(e.reason()).isEqualTo(Reason.MALFORMED_ARCHIVE);
      assertThat(e.getMessage()).contains("CRC-32");
    }
  }

  /** Second review: an interrupt is not tampering; it surfaces as an I/O error of its own. */
  @Test
  void interruptingTheReleasePassIsNotReportedAsTampering(@TempDir Path dir) throws Exception {
    Path archive = archiveFile(dir, big);
    try (ExportReader r = ExportReader.open(archive, Fixtures.readerOptions())) {
      r.verify();
      assertThat(r.nextLine()).isEqualTo(lines.get(0));
      Thread.currentThread().interrupt();
      Throwable t = catchThrowable(() -> {
        while (r.nextLine() != null) {
          // until the interrupt is noticed
        }
      });
      assertThat(Thread.interrupted()).isTrue(); // clears the flag for the next test
      assertThat(t).isInstanceOf(IOException.class).isNotInstanceOf(ExportFormatException.class);
    } finally {
      Thread.interrupted();
    }
  }

  /** Second review: a malformed gzip FEXTRA field was accepted from a file, rejected from a stream. */
  @Test
  void malformedGzipExtraFieldIsRejectedFromAFileAsFromAStream(@TempDir Path dir) throws Exception {
    byte[] withExtra = new byte[big.length + 3];
    System.arraycopy(big, 0, withExtra, 0, 10);
    withExtra[3] |= 4; // FEXTRA
    withExtra[10] = 1; // XLEN = 1: one byte, too short for a subfield header
    withExtra[11] = 0;
    withExtra[12] = 1;
    System.arraycopy(big, 10, withExtra, 13, big.length - 10);
    Path archive = archiveFile(dir, withExtra);
    for (boolean fromFile : new boolean[] {true, false}) {
      ExportFormatException e = catchThrowableOfType(ExportFormatException.class, () -> {
        try (ExportReader r = fromFile
            ? ExportReader.open(archive, Fixtures.readerOptions())
            : ExportReader.open(new ByteArrayInputStream(withExtra), Fixtures.readerOptions())) {
          r.verify();
        }
      });
      assertThat(e).as(fromFile ? "from a file" : "from a stream").isNotNull();
      assertThat(e.reason()).isEqualTo(Reason.MALFORMED_ARCHIVE);
    }
  }

  /** Second review: a file cut short between the passes is tampering, not a corrupt archive. */
  @Test
  void fileShortenedBetweenThePassesIsTampering(@TempDir Path dir) throws Exception {
    Path archive = archiveFile(dir, big);
    try (ExportReader r = ExportReader.open(archive, Fixtures.readerOptions())) {
      r.verify();
      try (RandomAccessFile f = new RandomAccessFile(archive.toFile(), "rw")) {
        f.setLength(big.length / 2);
      }
      ExportFormatException e = drain(r);
      assertThat(e).isInstanceOf(AuthenticationFailedException.class);
      assertThat(e.reason()).isEqualTo(Reason.TAMPERED_CONTENT);
    }
  }

  /** Review finding: a file cut short under the in-place read failed with a bare EOFException. */
  @Test
  void inPlaceReleaseReportsAFileShortenedWhileReadingAsTampered(@TempDir Path dir) throws Exception {
    Path archive = archiveFile(dir, big);
    try (ExportReader r = ExportReader.open(archive, Fixtures.readerOptions())) {
      assertThat(r.nextLine()).isEqualTo(lines.get(0)); // the in-place stream is open now
      try (RandomAccessFile f = new RandomAccessFile(archive.toFile(), "rw")) {
        f.setLength(big.length / 2);
      }
      ExportFormatException e = catchThrowableOfType(ExportFormatException.class, () -> {
        for (int i = 1; r.nextLine() != null; i++) {
          // lines before the cut are authentic: each chunk is checked before release
        }
      });
      assertThat(r.releaseReadInPlace).isTrue();
      assertThat(e).isInstanceOf(AuthenticationFailedException.class);
      assertThat(e.reason()).isEqualTo(Reason.TAMPERED_CONTENT);
      assertThat(e.getMessage()).contains("changed after it was authenticated");
    }
  }

  /** The in-place read of pass 2 trusts the file no more than the inflating one did. */
  @Test
  void inPlaceReleaseRejectsACiphertextByteChangedInTheFile(@TempDir Path dir) throws Exception {
    Path archive = archiveFile(dir, big);
    // The writer's layout: 10-byte gzip header, then a 5-byte header before every 65,535 tar bytes.
    int manifestLength = TestArchives.data(big, "manifest.json").length;
    long dataStart = 512 + (manifestLength + 511) / 512 * 512 + 512;
    long tarOffset = dataStart + 2L * ChunkedGcm.CHUNK_BYTES + 100;
    long fileOffset = 10 + 5 * (tarOffset / 65535 + 1) + tarOffset;
    try (ExportReader r = ExportReader.open(archive, Fixtures.readerOptions())) {
      r.verify();
      try (RandomAccessFile f = new RandomAccessFile(archive.toFile(), "rw")) {
        f.seek(fileOffset);
        int b = f.read();
        f.seek(fileOffset);
        f.write(b ^ 0x40);
      }
      ExportFormatException e = drain(r);
      assertThat(r.releaseReadInPlace).isTrue();
      assertThat(e).isInstanceOf(AuthenticationFailedException.class);
      assertThat(e.reason()).isEqualTo(Reason.TAMPERED_CONTENT);
      assertThat(r.linesRead()).isLessThanOrEqualTo(linesWithin(2L * ChunkedGcm.CHUNK_BYTES)).isGreaterThan(0);
    }
    Files.write(archive, big);
    try (ExportReader r = ExportReader.open(archive, Fixtures.readerOptions())) {
      r.verify();
      try (RandomAccessFile f = new RandomAccessFile(archive.toFile(), "rw")) {
        f.setLength(fileOffset);
      }
      assertThat(drain(r)).isInstanceOf(ExportFormatException.class);
      assertThat(r.linesRead()).isLessThanOrEqualTo(linesWithin(2L * ChunkedGcm.CHUNK_BYTES));
    }
  }

  @Test
  void rejectsAFileChangedAfterVerificationAndReleasesOnlyChunksBeforeTheChange(@TempDir Path dir) throws Exception {
    Path archive = archiveFile(dir, big);
    try (ExportReader r = ExportReader.open(archive, Fixtures.readerOptions())) {
      r.verify();
      Files.write(archive, withCiphertextByteFlipped(2 * ChunkedGcm.CHUNK_BYTES + 100));
      ExportFormatException e = drain(r);
      assertThat(e).isInstanceOf(AuthenticationFailedException.class);
      assertThat(e.reason()).isEqualTo(Reason.TAMPERED_CONTENT);
      assertThat(e.getMessage()).contains("changed after it was authenticated");
      // Lines wholly inside the first two chunks may come out; none from the changed chunk.
      assertThat(r.linesRead()).isLessThanOrEqualTo(linesWithin(2L * ChunkedGcm.CHUNK_BYTES));
    }
  }

  @Test
  void rejectsAFileTruncatedOrReplacedAfterVerification(@TempDir Path dir) throws Exception {
    Path archive = archiveFile(dir, big);
    try (ExportReader r = ExportReader.open(archive, Fixtures.readerOptions())) {
      r.verify();
      Files.write(archive, withCiphertextByteFlipped(7));
      assertThat(drain(r).reason()).isEqualTo(Reason.TAMPERED_CONTENT);
      assertThat(r.linesRead()).isZero();
    }
    Files.write(archive, big);
    try (ExportReader r = ExportReader.open(archive, Fixtures.readerOptions())) {
      r.verify();
      try (RandomAccessFile f = new RandomAccessFile(archive.toFile(), "rw")) {
        f.setLength(big.length / 2);
      }
      assertThat(drain(r)).isInstanceOf(ExportFormatException.class);
    }
  }

  /** Regression for the gap security.md used to list: the second pass trusted the spool file. */
  @Test
  void rejectsASpoolChangedAfterVerification(@TempDir Path dir) throws Exception {
    ExportReader.Options options = ExportReader.options()
        .key(RecipientKey.of(Fixtures.RECIPIENT_KEY, Fixtures.RECIPIENT_CERT))
        .spoolDirectory(dir).memorySpoolBytes(0).build();
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(big), options)) {
      r.verify();
      Path spool;
      try (Stream<Path> files = Files.list(dir)) {
        spool = files.findFirst().orElseThrow();
      }
      try (RandomAccessFile f = new RandomAccessFile(spool.toFile(), "rw")) {
        f.seek(ChunkedGcm.CHUNK_BYTES + 5);
        int b = f.read();
        f.seek(ChunkedGcm.CHUNK_BYTES + 5);
        f.write(b ^ 0x80);
      }
      ExportFormatException e = drain(r);
      assertThat(e).isInstanceOf(AuthenticationFailedException.class);
      assertThat(e.reason()).isEqualTo(Reason.TAMPERED_CONTENT);
      assertThat(r.linesRead()).isLessThanOrEqualTo(linesWithin(ChunkedGcm.CHUNK_BYTES));
    }
  }
}
