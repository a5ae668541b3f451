package io.hellgate.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.hellgate.export.ExportFormatException.Reason;
import io.hellgate.export.TestArchives.Entry;
import io.hellgate.export.TestArchives.Format;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One regression test per finding of the first code review. */
class ReviewRegressionTest {
  private static byte[] big; // > 1 MiB of content: the two-thread paths
  private static int bigRecords;

  @BeforeAll
  static void writeBigArchive() throws Exception {
    List<TokenRecord> records = new ArrayList<>();
    for (int i = 0; records.size() * 300 < (3 << 19); i++) {
      records.add(Fixtures.record(i));
    }
    bigRecords = records.size();
    big = Fixtures.writeArchive(Fixtures.writerOptions(), records);
  }

  private static final ExportReader.Options STREAMING = ExportReader.options()
      .key(RecipientKey.of(Fixtures.RECIPIENT_KEY, Fixtures.RECIPIENT_CERT)).unverifiedStreaming(true).build();

  /** Reads everything in verified mode; a failure must come before any line is released. */
  private static ExportFormatException readAll(byte[] tgz, ExportReader.Options options) throws Exception {
    ExportReader opened;
    try {
      opened = ExportReader.open(new ByteArrayInputStream(tgz), options);
    } catch (ExportFormatException e) {
      return e; // rejected while reading the manifest: nothing can have been released
    }
    try (ExportReader r = opened) {
      ExportFormatException e = catchThrowableOfType(ExportFormatException.class, () -> {
        while (r.nextLine() != null) {
          // drain
        }
      });
      if (e != null && e.reason() != Reason.CHECKSUM_MISMATCH) { // the checksum alone is confirmed at the end
        assertThat(r.linesRead()).as("released before the failure").isZero();
      }
      return e;
    }
  }

  @Test
  void twoThreadVerificationRejectsTamperingAndWrongCounts() throws Exception {
    assertThat(readAll(big, Fixtures.readerOptions())).isNull();
    byte[] ct = TestArchives.data(big, "tokens.jsonl.enc");
    assertThat(ct.length).isGreaterThan(1 << 20);
    for (int pos : new int[] {0, ct.length / 2, ct.length - 1}) {
      byte[] changed = ct.clone();
      changed[pos] ^= 0x40;
      ExportFormatException e = readAll(TestArchives.replaceData(big, "tokens.jsonl.enc", changed), Fixtures.readerOptions());
      assertThat(e.reason()).as("byte %d", pos).isEqualTo(Reason.TAMPERED_CONTENT);
    }
    byte[] wrongCount = TestArchives.editManifest(big, m -> ((com.fasterxml.jackson.databind.node.ObjectNode) m.get("content"))
        .put("record_count", bigRecords + 1));
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(wrongCount), Fixtures.readerOptions())) {
      assertThat(catchThrowableOfType(ExportFormatException.class, r::verify).reason()).isEqualTo(Reason.RECORD_COUNT_MISMATCH);
      assertThat(r.linesRead()).isZero();
    }
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(wrongCount), Fixtures.readerOptions())) {
      ExportFormatException e = catchThrowableOfType(ExportFormatException.class, () -> {
        while (r.nextLine() != null) {
          // the count is checked in pass 1, before the first line
        }
      });
      assertThat(e.reason()).isEqualTo(Reason.RECORD_COUNT_MISMATCH);
      assertThat(r.linesRead()).isZero();
    }
  }

  /** Finding 2: an interrupt during writing or finish() must never yield a corrupt archive reported as written. */
  @Test
  void interruptedWriterFailsOrWritesAValidArchive() throws Exception {
    String line = "{\"id\":\"x\",\"card\":{\"expiry_month\":1,\"expiry_year\":2031,\"account_number\":\"4111111111111111\"},"
        + "\"created_at\":\"2023-10-01T12:00:00Z\",\"metadata\":{\"pad\":\"" + "p".repeat(120_000) + "\"}}";
    java.util.Random random = new java.util.Random(42);
    int written = 0;
    int refused = 0;
    for (int round = 0; round < 60; round++) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Thread writerThread = Thread.currentThread();
      long delayNanos = random.nextInt(3_000_000);
      Thread interrupter = new Thread(() -> {
        java.util.concurrent.locks.LockSupport.parkNanos(delayNanos);
        writerThread.interrupt();
      });
      boolean finished = false;
      try (ExportWriter w = ExportWriter.open(out, Fixtures.writerOptions())) {
        interrupter.start();
        for (int i = 0; i < 12; i++) {
          w.writeLine(line);
        }
        w.finish();
        finished = true;
      } catch (InterruptedIOException e) {
        refused++;
      } finally {
        // The interrupt may come after the writer is done, while this thread waits here: it was
        // meant for the writer, so waiting goes on (join() alone would throw it).
        while (true) {
          try {
            interrupter.join();
            break;
          } catch (InterruptedException late) {
            // again: the interrupter has fired and is ending
          }
        }
        Thread.interrupted();
      }
      if (finished) {
        written++;
        assertThat(readAll(out.toByteArray(), Fixtures.readerOptions())).as("round %d", round).isNull();
      } else {
        assertThat(out.size()).as("a refused export writes nothing").isZero();
      }
    }
    assertThat(written + refused).isEqualTo(60);
  }

  /** Finding 3: streaming mode with the data entry first still checks the rest of the archive, before release. */
  @Test
  void streamingModeChecksTheWholeArchiveWhenDataComesFirst() throws Exception {
    byte[] small = Fixtures.writeArchive(Fixtures.writerOptions(), List.of(Fixtures.record(1), Fixtures.record(2)));
    byte[] manifest = TestArchives.data(small, "manifest.json");
    byte[] data = TestArchives.data(small, "tokens.jsonl.enc");
    byte[] bad = TestArchives.build(List.of(Entry.file("tokens.jsonl.enc", data), Entry.file("manifest.json", manifest),
        Entry.file("records.jsonl.enc", data)), Format.USTAR);
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(bad), STREAMING)) {
      ExportFormatException e = catchThrowableOfType(ExportFormatException.class, r::nextLine);
      assertThat(e.reason()).isEqualTo(Reason.MALFORMED_ARCHIVE);
      assertThat(r.linesRead()).isZero();
    }
  }

  /** Finding 5: links, hard links and FIFOs are rejected even when their names end in '/'. */
  @Test
  void linksNamedLikeDirectoriesAreRejected() throws Exception {
    byte[] small = Fixtures.writeArchive(Fixtures.writerOptions(), List.of(Fixtures.record(1)));
    byte[] manifest = TestArchives.data(small, "manifest.json");
    byte[] data = TestArchives.data(small, "tokens.jsonl.enc");
    for (Entry odd : List.of(new Entry("evil/", TarConstants.LF_SYMLINK, new byte[0], "/etc"),
        new Entry("hard/", TarConstants.LF_LINK, new byte[0], "manifest.json"),
        new Entry("fifo/", TarConstants.LF_FIFO, new byte[0], null))) {
      byte[] tgz = TestArchives.build(List.of(Entry.file("manifest.json", manifest), odd, Entry.file("tokens.jsonl.enc", data)), Format.USTAR);
      ExportFormatException e = readAll(tgz, Fixtures.readerOptions());
      assertThat(e).as(odd.name()).isNotNull();
      assertThat(e.reason()).isEqualTo(Reason.MALFORMED_ARCHIVE);
    }
  }

  /** A GNU long-name ('L') header block; written by hand (commons-compress is slow to write huge names). */
  private static byte[] gnuLongNameHeader(long size) {
    byte[] h = new byte[512];
    byte[] name = "././@LongLink".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(name, 0, h, 0, name.length);
    put(h, 100, "0000644");
    put(h, 108, "0000000");
    put(h, 116, "0000000");
    put(h, 124, String.format("%011o", size));
    put(h, 136, "00000000000");
    h[156] = 'L';
    put(h, 257, "ustar ");
    h[263] = ' ';
    java.util.Arrays.fill(h, 148, 156, (byte) ' ');
    int sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    put(h, 148, String.format("%06o", sum));
    h[154] = 0;
    return h;
  }

  private static void put(byte[] h, int at, String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, h, at, b.length);
  }

  private static byte[] withHugeHeader(boolean pax, int size) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      if (pax) {
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(gz, "UTF-8")) {
          TarArchiveEntry e = new TarArchiveEntry("manifest.json", true);
          e.addPaxHeader("comment", "c".repeat(size));
          e.setSize(0);
          tar.putArchiveEntry(e);
          tar.closeArchiveEntry();
          tar.finish();
        }
      } else {
        gz.write(gnuLongNameHeader(size));
        byte[] body = new byte[size + (512 - size % 512) % 512];
        java.util.Arrays.fill(body, 0, size - 1, (byte) 'x');
        gz.write(body);
        gz.write(new byte[1024]);
      }
    }
    return bytes.toByteArray();
  }

  /** Finding 1: a small archive cannot make the reader hold a huge header in memory. */
  @Test
  void hugePaxAndLongNameHeadersAreALimitNotAnOutOfMemoryError() throws Exception {
    for (boolean pax : new boolean[] {true, false}) {
      byte[] tgz = withHugeHeader(pax, 4 << 20);
      assertThat(tgz.length).isLessThan(64 << 10);
      ExportFormatException e = catchThrowableOfType(ExportFormatException.class,
          () -> ExportReader.open(new ByteArrayInputStream(tgz), Fixtures.readerOptions()).close());
      assertThat(e).as(pax ? "PAX" : "GNU long name").isNotNull();
      assertThat(e.reason()).isEqualTo(Reason.LIMIT_EXCEEDED);
    }
  }

  @Test
  void tooManyEntriesAreALimit() throws Exception {
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < ArchiveScanner.MAX_ENTRIES + 1; i++) {
      entries.add(Entry.dir("d" + i + "/"));
    }
    ExportFormatException e = readAll(TestArchives.build(entries, Format.USTAR), Fixtures.readerOptions());
    assertThat(e.reason()).isEqualTo(Reason.LIMIT_EXCEEDED);
  }

  /** Finding 8: strict UTF-8 JSON: no byte order mark, no UTF-16. */
  @Test
  void rejectsByteOrderMarksAndUtf16() throws Exception {
    byte[] small = Fixtures.writeArchive(Fixtures.writerOptions(), List.of(Fixtures.record(1)));
    String manifest = new String(TestArchives.data(small, "manifest.json"), StandardCharsets.UTF_8);
    for (byte[] variant : new byte[][] {("\uFEFF" + manifest).getBytes(StandardCharsets.UTF_8), manifest.getBytes(StandardCharsets.UTF_16LE)}) {
      ExportFormatException e = readAll(TestArchives.replaceData(small, "manifest.json", variant), Fixtures.readerOptions());
      assertThat(e.reason()).isEqualTo(Reason.MALFORMED_MANIFEST);
    }
    String line = "{\"id\":\"a\",\"card\":{\"expiry_month\":12,\"expiry_year\":2030,\"account_number\":\"4111111111111111\"},"
        + "\"created_at\":\"2023-10-01T12:00:00Z\"}";
    for (boolean unvalidated : new boolean[] {false, true}) {
      ExportWriter.Options o = ExportWriter.options().recipient(Recipient.unverified(Fixtures.RECIPIENT_CERT))
          .guardianInstance("g").unvalidatedLines(unvalidated).build();
      try (ExportWriter w = ExportWriter.open(new ByteArrayOutputStream(), o)) {
        assertThat(catchThrowableOfType(ExportFormatException.class, () -> w.writeLine("\uFEFF" + line)).reason())
            .isEqualTo(Reason.MALFORMED_RECORD);
      }
    }
    byte[] utf16 = line.getBytes(StandardCharsets.UTF_16LE);
    assertThat(catchThrowableOfType(RecordCodec.InvalidRecord.class, () -> RecordCodec.parse(utf16, 0, utf16.length)))
        .hasMessageContaining("NUL");
  }

  /** Finding 7: bytes after the last gzip member are rejected (java.util.zip ignored them). */
  @Test
  void rejectsBytesAfterTheGzipMember() throws Exception {
    byte[] small = Fixtures.writeArchive(Fixtures.writerOptions(), List.of(Fixtures.record(1)));
    assertThat(readAll(small, Fixtures.readerOptions())).isNull();
    byte[] trailing = java.util.Arrays.copyOf(small, small.length + 100);
    for (int i = small.length; i < trailing.length; i++) {
      trailing[i] = (byte) (i * 31 + 7);
    }
    ExportFormatException e = readAll(trailing, Fixtures.readerOptions());
    assertThat(e.reason()).isEqualTo(Reason.MALFORMED_ARCHIVE);
    // Concatenated members read as one stream (format.md section 4.1); here the second copy of the
    // tar follows the first one's end-of-archive blocks, within the 1 MiB tolerated after it.
    byte[] twoMembers = java.util.Arrays.copyOf(small, small.length * 2);
    System.arraycopy(small, 0, twoMembers, small.length, small.length);
    assertThat(readAll(twoMembers, Fixtures.readerOptions())).isNull();
  }

  /** Finding 11: toString shows ids log-safely (a PAN-like id is masked). */
  @Test
  void toStringMasksPanLikeIds() {
    TokenRecord r = Fixtures.record(1).toBuilder().id("4111111111111111").build();
    assertThat(r.toString()).doesNotContain("4111111111111111").contains("<masked>");
  }

  /** Finding 9: code outside export-format-crypto cannot mint a policy-checked recipient. */
  @Test
  void onlyTheCryptoModuleCanMarkARecipientChecked() {
    assertThat(catchThrowableOfType(IllegalStateException.class,
            () -> io.hellgate.export.internal.InternalAccess.checkedRecipient(Fixtures.RECIPIENT_CERT, "forged")))
        .hasMessageContaining("io.hellgate.export.crypto");
    assertThat(catchThrowableOfType(IllegalStateException.class,
            () -> io.hellgate.export.internal.InternalAccess.setRecipientFactory((c, b) -> null)))
        .isNotNull();
  }

  /**
   * Session 4 review: verify() after the first raw line returned silently although the checksum
   * was still to come. It now refuses; before the first line, and after the last, it is a no-op.
   */
  @Test
  void verifyAfterTheFirstRawLineRefusesInsteadOfSkippingTheChecksum() throws Exception {
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(big), Fixtures.readerOptions())) {
      assertThat(r.nextLineBytes()).isNotNull();
      assertThat(catchThrowableOfType(IllegalStateException.class, r::verify))
          .hasMessageContaining("before the first nextLine()");
      while (r.nextLineBytes() != null) {
        // the checksum is confirmed here, at the end
      }
      r.verify(); // everything is confirmed now
    }
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(big), Fixtures.readerOptions())) {
      r.verify();
      assertThat(r.nextLine()).isNotNull();
      r.verify(); // idempotent once the checksum is confirmed
    }
  }

  private static boolean verifyWorkerAlive() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals("export-reader-verify") && t.isAlive());
  }

  /** Session 4 review: the source fails in pass 1 (both modes); the error surfaces as itself, no worker is left. */
  @Test
  void aSourceFailureInPass1EndsTheReaderAndItsWorker() throws Exception {
    for (boolean checksumInPass1 : new boolean[] {true, false}) {
      java.io.InputStream failing = new java.io.FilterInputStream(new ByteArrayInputStream(big)) {
        long read;

        @Override
        public int read(byte[] b, int off, int len) throws java.io.IOException {
          if (read > big.length / 2) {
            throw new java.io.IOException("disk failed");
          }
          int n = super.read(b, off, len);
          read += Math.max(n, 0);
          return n;
        }
      };
      try (ExportReader r = ExportReader.open(failing, Fixtures.readerOptions())) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(checksumInPass1 ? r::verify : r::nextLineBytes);
        assertThat(t).isInstanceOf(java.io.IOException.class).hasMessageContaining("disk failed");
        assertThat(catchThrowableOfType(IllegalStateException.class, r::nextLineBytes)).hasMessageContaining("failed");
        assertThat(verifyWorkerAlive()).isFalse();
      }
    }
  }

  /**
   * Session 4 review: the reader's thread is interrupted during pass 1. Either the pass never
   * waits and completes (the flag stays set), or it ends with InterruptedIOException and the
   * reader failed; never another error, a lost flag or a worker left running.
   */
  @Test
  void anInterruptDuringPass1EndsInInterruptedIoExceptionOrIsKept() throws Exception {
    for (int i = 0; i < 40; i++) {
      long at = (long) big.length * (i % 10 + 1) / 11;
      java.io.InputStream source = new java.io.FilterInputStream(new ByteArrayInputStream(big)) {
        long read;
        boolean set;

        @Override
        public int read(byte[] b, int off, int len) throws java.io.IOException {
          int n = super.read(b, off, len);
          read += Math.max(n, 0);
          if (read > at && !set) {
            set = true;
            Thread.currentThread().interrupt();
          }
          return n;
        }
      };
      try (ExportReader r = ExportReader.open(source, Fixtures.readerOptions())) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(i % 2 == 0 ? r::verify : r::nextLineBytes);
        assertThat(Thread.interrupted()).as("flag kept, iteration %d", i).isTrue();
        assertThat(verifyWorkerAlive()).isFalse();
        if (t != null) {
          assertThat(t).as("iteration %d", i).isInstanceOf(InterruptedIOException.class);
          assertThat(catchThrowableOfType(IllegalStateException.class, r::nextLineBytes)).hasMessageContaining("failed");
        }
      } finally {
        Thread.interrupted();
      }
    }
  }
}
