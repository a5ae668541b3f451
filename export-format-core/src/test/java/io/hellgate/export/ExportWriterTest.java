package io.hellgate.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hellgate.export.ExportFormatException.Reason;
import io.hellgate.export.internal.AesGcm;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportWriterTest {
  private static final String PAN = "4111111111111111";
  private static final String LINE =
      "{\"id\":\"a\",\"card\":{\"expiry_month\":12,\"expiry_year\":2030,\"account_number\":\"" + PAN
          + "\"},\"created_at\":\"2023-10-01T12:00:00Z\"}";

  private static List<TokenRecord> records(int n) {
    return IntStream.range(0, n).mapToObj(Fixtures::record).collect(Collectors.toList());
  }

  @Test
  void pinnedClockIdAndRandomnessGiveIdenticalBytes() throws Exception {
    byte[] a = Fixtures.writeArchive(Fixtures.pinnedWriterOptions(7), records(50));
    byte[] b = Fixtures.writeArchive(Fixtures.pinnedWriterOptions(7), records(50));
    byte[] c = Fixtures.writeArchive(Fixtures.pinnedWriterOptions(8), records(50));
    assertThat(a).isEqualTo(b);
    assertThat(a).isNotEqualTo(c);
  }

  @Test
  void fixesGzipAndTarHeaderFields() throws Exception {
    byte[] a = Fixtures.writeArchive(Fixtures.pinnedWriterOptions(7), records(2));
    assertThat(Arrays.copyOf(a, 10)).containsExactly(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff);
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new java.util.zip.GZIPInputStream(new ByteArrayInputStream(a)))) {
      for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
        assertThat(e.getMode()).isEqualTo(0100644);
        assertThat(e.getLongUserId()).isZero();
        assertThat(e.getLongGroupId()).isZero();
        assertThat(e.getUserName()).isEmpty();
        assertThat(e.getGroupName()).isEmpty();
        assertThat(e.getModTime().toInstant()).isEqualTo(Fixtures.CLOCK.instant());
      }
    }
  }

  @Test
  void manifestUsesTheSeedsFieldsAndStringForms() throws Exception {
    byte[] a = Fixtures.writeArchive(Fixtures.pinnedWriterOptions(7), records(2));
    String json = new String(TestArchives.data(a, "manifest.json"), StandardCharsets.UTF_8);
    assertThat(json).startsWith("{\n  \"version\": \"1.0\",\n  \"export_id\": \"" + Fixtures.EXPORT_ID + "\",\n"
        + "  \"created_at\": \"2025-01-15T10:43:00Z\",\n  \"guardian_instance\": \"my-cluster-id.on-hellgate.cloud\",\n");
    assertThat(json).endsWith("}\n");
    var m = TestArchives.manifest(a);
    var r = m.get("encryption").get("recipient");
    assertThat(m.get("encryption").get("algorithm").asText()).isEqualTo("RSA-OAEP-256");
    assertThat(r.get("subject").asText()).isEqualTo("CN=recipient.export.example, O=Acme Payments GmbH, C=DE");
    assertThat(r.get("fingerprint").asText()).matches("sha256:[0-9a-f]{2}(:[0-9a-f]{2}){31}");
    assertThat(r.get("serial").asText()).matches("[0-9a-f]{2}(:[0-9a-f]{2})*");
    assertThat(m.get("content").get("checksum").asText()).matches("sha256:[0-9a-f]{64}");
    assertThat(m.get("content").get("record_count").asLong()).isEqualTo(2);
  }

  @Test
  void pathTargetAppearsOnlyWhenFinished(@TempDir Path dir) throws Exception {
    Path target = dir.resolve("export.tgz");
    try (ExportWriter w = ExportWriter.open(target, Fixtures.writerOptions())) {
      w.write(Fixtures.record(1));
      assertThat(target).doesNotExist();
      w.finish();
      assertThat(target).exists();
    }
    assertThat(Files.list(dir)).containsExactly(target);
    try (ExportReader r = ExportReader.open(target, Fixtures.readerOptions())) {
      assertThat(r.nextRecord()).isEqualTo(Fixtures.record(1));
    }
  }

  @Test
  void closeWithoutFinishWritesNothing(@TempDir Path dir) throws Exception {
    Path target = dir.resolve("export.tgz");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ExportWriter w = ExportWriter.open(target, Fixtures.writerOptions());
        ExportWriter s = ExportWriter.open(out, Fixtures.writerOptions())) {
      w.write(Fixtures.record(1));
      s.write(Fixtures.record(1));
    }
    assertThat(Files.list(dir)).isEmpty();
    assertThat(out.size()).isZero();
  }

  @Test
  void spillsCiphertextToAnOwnerOnlyFileAndDeletesIt(@TempDir Path spool) throws Exception {
    ExportWriter.Options options = ExportWriter.options()
        .recipient(Recipient.unverified(Fixtures.RECIPIENT_CERT))
        .guardianInstance("g")
        .spoolDirectory(spool)
        .memorySpoolBytes(0)
        .build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ExportWriter w = ExportWriter.open(out, options)) {
      for (int i = 0; i < 8000; i++) { // over 2 MiB: several chunks reach the encrypting thread
        w.write(Fixtures.record(i));
      }
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (isEmpty(spool) && System.nanoTime() < deadline) {
        Thread.sleep(1); // that thread creates the spool file with its first write
      }
      try (var files = Files.list(spool)) {
        Path f = files.findFirst().orElseThrow();
        assertThat(Files.getPosixFilePermissions(f)).extracting(Object::toString)
            .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
        byte[] spooled = Files.readAllBytes(f);
        assertThat(new String(spooled, StandardCharsets.ISO_8859_1)).doesNotContain("411111");
      }
      w.finish();
    }
    assertThat(Files.list(spool)).isEmpty();
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(out.toByteArray()), Fixtures.readerOptions())) {
      r.verify();
      assertThat(r.manifest().recordCount()).isEqualTo(8000);
    }
  }

  private static boolean isEmpty(Path dir) throws java.io.IOException {
    try (var files = Files.list(dir)) {
      return files.findAny().isEmpty();
    }
  }

  @Test
  void writeLineKeepsBytesExactly() throws Exception {
    String unusual = "{ \"id\" : \"x\", \"card\":{\"account_number\":\"4111111111111111\",\"expiry_month\":1,"
        + "\"expiry_year\":2031, \"scheme\":null}, \"created_at\":\"2023-10-01T12:00:00.5+02:00\", \"z\":[1.50,{}]}";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ExportWriter w = ExportWriter.open(out, Fixtures.writerOptions())) {
      w.writeLine(unusual);
      w.finish();
    }
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(out.toByteArray()), Fixtures.readerOptions())) {
      assertThat(r.nextLine()).isEqualTo(unusual);
      assertThat(r.nextLine()).isNull();
    }
  }

  @Test
  void rejectsInvalidLinesWithoutRevealingThePan() throws Exception {
    String[] bad = {
      LINE.replace(PAN, PAN + "12345"), // 21 digits
      LINE.replace(PAN, PAN.substring(0, 11)),
      LINE.replace(PAN, "4111 1111 1111 1111"),
      LINE.replace("\"expiry_month\":12", "\"expiry_month\":13"),
      LINE.replace("\"id\":\"a\",", ""),
      LINE.replace(",\"created_at\":\"2023-10-01T12:00:00Z\"", ""),
      LINE.replace("}", ", \"account_number\":\"" + PAN + "\"}"), // duplicate member
      LINE.substring(0, LINE.length() - 1),
      LINE + "{}",
      "[\"" + PAN + "\"]",
      "{\"id\":\"" + PAN + "x\",\"card\":7}",
    };
    try (ExportWriter w = ExportWriter.open(new ByteArrayOutputStream(), Fixtures.writerOptions())) {
      for (String line : bad) {
        assertThatThrownBy(() -> w.writeLine(line))
            .as(line.replace(PAN, "<pan>"))
            .isInstanceOf(ExportFormatException.class)
            .satisfies(e -> {
              assertThat(((ExportFormatException) e).reason()).isEqualTo(Reason.MALFORMED_RECORD);
              assertThat(e.getMessage()).doesNotContain("41111111").startsWith("line 1: ");
            });
      }
      w.writeLine(LINE); // the writer stays usable after a rejected line
      assertThat(w.recordCount()).isEqualTo(1);
    }
  }

  @Test
  void unvalidatedLinesSkipRecordChecksButNotFraming() throws Exception {
    ExportWriter.Options risky = ExportWriter.options()
        .recipient(Recipient.unverified(Fixtures.RECIPIENT_CERT)).guardianInstance("g").unvalidatedLines(true).build();
    String badPan = LINE.replace(PAN, "123");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ExportWriter w = ExportWriter.open(out, risky)) {
      w.writeLine(badPan);
      assertThatThrownBy(() -> w.writeLine("a\nb")).isInstanceOf(ExportFormatException.class).hasMessageContaining("line break");
      assertThatThrownBy(() -> w.writeLine("{\"x\":\"\ud800\"}")).isInstanceOf(ExportFormatException.class)
          .hasMessageContaining("unpaired surrogate");
      assertThatThrownBy(() -> w.writeLine("")).isInstanceOf(ExportFormatException.class).hasMessageContaining("empty");
      w.finish();
    }
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(out.toByteArray()), Fixtures.readerOptions())) {
      assertThat(r.nextLine()).isEqualTo(badPan);
    }
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(out.toByteArray()), Fixtures.readerOptions())) {
      assertThatThrownBy(r::nextRecord).isInstanceOf(ExportFormatException.class)
          .hasMessageContaining("line 1: card: account_number must be 12 to 19 ASCII digits");
    }
  }

  @Test
  void validatedLinesRejectUnpairedSurrogatesInsteadOfReplacingThem() throws Exception {
    try (ExportWriter w = ExportWriter.open(new ByteArrayOutputStream(), Fixtures.writerOptions())) {
      assertThatThrownBy(() -> w.writeLine(LINE.replace("\"a\"", "\"\udc00\"")))
          .isInstanceOf(ExportFormatException.class).hasMessageContaining("unpaired surrogate");
    }
  }

  /** Regression guard for the canonical fast path of writeLine, which skips the raw-line check. */
  @Test
  void aCanonicalLineWithAnUnpairedSurrogateIsRefusedAndOneWithAQuestionMarkIsNot() throws Exception {
    TokenRecord record = TokenRecord.builder()
        .id("3f1c2a9e-7b4d-4c1e-9a2b-5d6e7f8a9b0c")
        .card(Card.builder().accountNumber(PAN).expiryMonth(12).expiryYear(2030).cardholderName("Zoe").build())
        .createdAt(java.time.Instant.parse("2024-01-01T00:00:00Z"))
        .build();
    com.fasterxml.jackson.core.util.ByteArrayBuilder bb = new com.fasterxml.jackson.core.util.ByteArrayBuilder();
    RecordCodec.write(record, bb);
    String canonical = new String(bb.toByteArray(), StandardCharsets.UTF_8);
    String question = canonical.replace("Zoe", "Zo?");
    String lone = canonical.replace("Zoe", "Zo\ud800");
    byte[] asEncoded = lone.getBytes(StandardCharsets.UTF_8);
    assertThat(new String(asEncoded, StandardCharsets.UTF_8)).isEqualTo(question); // getBytes made it '?'
    assertThat(io.hellgate.export.internal.FastRecordCheck.acceptsCanonical(asEncoded, 0, asEncoded.length))
        .as("the fast path accepts the encoded bytes, so only the surrogate check can refuse them")
        .isTrue();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ExportWriter w = ExportWriter.open(out, Fixtures.writerOptions())) {
      assertThatThrownBy(() -> w.writeLine(lone))
          .isInstanceOf(ExportFormatException.class).hasMessage("line 1: " + io.hellgate.export.internal.LineCheck.SURROGATE);
      w.writeLine(question);
      w.writeLine(canonical);
      w.finish();
    }
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(out.toByteArray()), Fixtures.readerOptions())) {
      assertThat(r.nextLine()).isEqualTo(question);
      assertThat(r.nextLine()).isEqualTo(canonical);
      assertThat(r.nextLine()).isNull();
    }
  }

  @Test
  void rejectsLineBreaksInsideALine() throws Exception {
    try (ExportWriter w = ExportWriter.open(new ByteArrayOutputStream(), Fixtures.writerOptions())) {
      assertThatThrownBy(() -> w.writeLine(LINE.replace(",\"created_at\"", ",\n\"created_at\"")))
          .isInstanceOf(ExportFormatException.class)
          .hasMessageContaining("line break");
    }
  }

  @Test
  void refusesToExceedTheGcmLimit() throws Exception {
    assertThat(AesGcm.MAX_PLAINTEXT_BYTES).isEqualTo((1L << 36) - 32);
    try (ExportWriter w = ExportWriter.open(new ByteArrayOutputStream(), Fixtures.writerOptions())) {
      w.plaintextLimitForTesting(1000);
      w.write(Fixtures.record(0));
      assertThatThrownBy(() -> {
            for (int i = 0; i < 10; i++) {
              w.write(Fixtures.record(i));
            }
          })
          .isInstanceOf(ExportFormatException.class)
          .hasMessageContaining("2^36 - 32")
          .extracting(e -> ((ExportFormatException) e).reason())
          .isEqualTo(Reason.LIMIT_EXCEEDED);
      assertThatThrownBy(w::finish).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void misuseIsIllegalState() throws Exception {
    ExportWriter w = ExportWriter.open(new ByteArrayOutputStream(), Fixtures.writerOptions());
    w.finish();
    assertThatThrownBy(() -> w.write(Fixtures.record(0))).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(w::finish).isInstanceOf(IllegalStateException.class);
    w.close();
    assertThatThrownBy(() -> ExportWriter.options().guardianInstance("g").build()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> ExportWriter.options().recipient(Recipient.unverified(Fixtures.RECIPIENT_CERT)).build())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void emptyExportRoundTrips() throws Exception {
    byte[] a = Fixtures.writeArchive(Fixtures.writerOptions(), List.of());
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(a), Fixtures.readerOptions())) {
      assertThat(r.manifest().recordCount()).isZero();
      assertThat(r.manifest().checksum()).isEqualTo("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
      assertThat(r.nextRecord()).isNull();
    }
  }

  @Test
  void toStringNeverShowsThePan() {
    TokenRecord r = Fixtures.record(3);
    String pan = r.card().accountNumber();
    assertThat(r.toString()).doesNotContain(pan).doesNotContain(pan.substring(0, 12)).contains(r.card().last4());
    assertThat(r.card().toString()).doesNotContain(pan.substring(0, 12)).doesNotContain("John");
  }

  @Test
  void writeLineBytesKeepsBytesExactlyFromHeapReadOnlyAndDirectBuffers() throws Exception {
    byte[] line = LINE.replace("\"id\":\"a\"", "\"id\":\"é€\uD83D\uDE00\"").getBytes(StandardCharsets.UTF_8);
    java.nio.ByteBuffer heap = java.nio.ByteBuffer.allocate(line.length + 4).put(new byte[2]).put(line);
    heap.flip().position(2);
    java.nio.ByteBuffer readOnly = java.nio.ByteBuffer.wrap(line).asReadOnlyBuffer();
    java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(line.length).put(line).flip();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ExportWriter w = ExportWriter.open(out, Fixtures.writerOptions())) {
      for (java.nio.ByteBuffer b : List.of(heap, readOnly, direct)) {
        int position = b.position();
        w.writeLineBytes(b);
        assertThat(b.position()).isEqualTo(position);
      }
      w.finish();
    }
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(out.toByteArray()), Fixtures.readerOptions())) {
      for (int i = 0; i < 3; i++) {
        java.nio.ByteBuffer got = r.nextLineBytes();
        // A read-only view of exactly the line: index 0 is its first byte, nothing beyond it.
        assertThat(got.isReadOnly()).isTrue();
        assertThat(got.position()).isZero();
        assertThat(got.capacity()).isEqualTo(line.length);
        assertThat(got.get(0)).isEqualTo(line[0]);
        byte[] copy = new byte[got.remaining()];
        got.get(copy);
        assertThat(copy).isEqualTo(line);
      }
      assertThat(r.nextLineBytes()).isNull();
    }
  }

  @Test
  void writeLineBytesRejectsInvalidUtf8AndBreaksWithoutRevealingThePan() throws Exception {
    byte[] valid = LINE.getBytes(StandardCharsets.UTF_8);
    byte[] overlong = valid.clone();
    overlong[8] = (byte) 0xc1; // inside the id: "a" becomes an overlong lead byte
    byte[] cr = (LINE + "\r").getBytes(StandardCharsets.UTF_8);
    byte[] nl = (PAN + "\n" + LINE).getBytes(StandardCharsets.UTF_8);
    try (ExportWriter w = ExportWriter.open(new ByteArrayOutputStream(), Fixtures.writerOptions())) {
      for (byte[] bad : List.of(overlong, cr, nl, new byte[0])) {
        assertThatThrownBy(() -> w.writeLineBytes(java.nio.ByteBuffer.wrap(bad)))
            .isInstanceOf(ExportFormatException.class)
            .satisfies(e -> assertThat(e.getMessage()).startsWith("line 1: ").doesNotContain("41111111"));
      }
      w.writeLineBytes(java.nio.ByteBuffer.wrap(valid));
      assertThat(w.recordCount()).isEqualTo(1);
    }
  }

  /**
   * Regression (session 8 review): the canonical fast path let whitespace stand inside {@code
   * metadata}, and the writer skips its raw-line check for canonical lines, so a CR there got
   * written. The raw-line check must see it, whatever path the line takes.
   */
  @Test
  void writeLineBytesRejectsACarriageReturnInsideMetadata() throws Exception {
    String line = FastRecordCheckProperties.CARD_PART
        + "\"created_at\":\"2023-10-01T12:00:00Z\",\"metadata\":{\"k\":\"v\"\r}}";
    try (ExportWriter w = ExportWriter.open(new ByteArrayOutputStream(), Fixtures.writerOptions())) {
      assertThatThrownBy(() -> w.writeLineBytes(java.nio.ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8))))
          .isInstanceOf(ExportFormatException.class)
          .hasMessage("line 1: " + io.hellgate.export.internal.LineCheck.LINE_BREAK);
      assertThat(w.recordCount()).isZero();
    }
  }

  /**
   * SHA-256 runs on whichever thread has time; the checksum must not depend on which did. The
   * pauses vary the split from run to run; which side ran which chunk is not observable here
   * (SharingPipelineProperties pins each side in turn).
   */
  @org.junit.jupiter.api.RepeatedTest(3)
  void checksumIsTheSameWhicheverThreadHashesEachChunk() throws Exception {
    java.security.MessageDigest expected = java.security.MessageDigest.getInstance("SHA-256");
    java.util.Random pace = new java.util.Random();
    ExportWriter.Options options = ExportWriter.options().recipient(Recipient.unverified(Fixtures.RECIPIENT_CERT))
        .guardianInstance("g").unvalidatedLines(true).build();
    ExportManifest m;
    try (ExportWriter w = ExportWriter.open(java.io.OutputStream.nullOutputStream(), options)) {
      for (int i = 0; i < 60_000; i++) {
        byte[] line = LINE.replace("\"a\"", "\"" + i + "\"").getBytes(StandardCharsets.UTF_8);
        w.writeLineBytes(java.nio.ByteBuffer.wrap(line));
        expected.update(line);
        expected.update((byte) '\n');
        if (pace.nextInt(2000) == 0) {
          Thread.sleep(2); // let the worker go idle now and then, so that it takes some chunks
        }
      }
      m = w.finish();
    }
    assertThat(m.checksum()).isEqualTo("sha256:" + java.util.HexFormat.of().formatHex(expected.digest()));
  }

  /** Review finding: finish() left the last line in the caller-side buffers until close(). */
  @Test
  void finishWipesTheCallerSidePlaintextBuffers() throws Exception {
    ExportWriter w = ExportWriter.open(new ByteArrayOutputStream(), Fixtures.writerOptions());
    try {
      w.write(Fixtures.record(1));
      w.writeLineBytes(java.nio.ByteBuffer.wrap(LINE.getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer());
      assertThat(w.lineBuffersWipedForTesting()).isFalse();
      w.finish();
      assertThat(w.lineBuffersWipedForTesting()).isTrue();
    } finally {
      w.close();
    }
  }
}
