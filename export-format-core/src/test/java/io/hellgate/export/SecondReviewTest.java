package io.hellgate.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.hellgate.export.ExportFormatException.Reason;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One regression test per finding of the session-5 review of the format code. */
class SecondReviewTest {
  private static final String VALID =
      "{\"id\":\"r1\",\"card\":{\"expiry_month\":1,\"expiry_year\":2030,\"account_number\":\"4111111111111111\"},"
          + "\"created_at\":\"2023-10-01T12:00:00Z\"}";
  private static final String NOT_A_RECORD = "{\"id\":\"r2\"}";

  private static byte[] unvalidated(String... lines) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ExportWriter w = ExportWriter.open(out, ExportWriter.options()
        .recipient(Recipient.unverified(Fixtures.RECIPIENT_CERT)).guardianInstance("g").unvalidatedLines(true).build())) {
      for (String l : lines) {
        w.writeLine(l);
      }
      w.finish();
    }
    return out.toByteArray();
  }

  private static ExportReader.Options validating() {
    return ExportReader.options().key(RecipientKey.of(Fixtures.RECIPIENT_KEY, Fixtures.RECIPIENT_CERT))
        .validateRecords(true).build();
  }

  /**
   * The CLI accepted invalid-record conformance vectors: raw lines can now be validated as records,
   * in the verification pass, so a malformed record releases nothing.
   */
  @Test
  void rawLinesCanBeValidatedAsRecordsBeforeAnyIsReleased() throws Exception {
    byte[] tgz = unvalidated(VALID, NOT_A_RECORD);
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(tgz), validating())) {
      ExportFormatException e = catchThrowableOfType(ExportFormatException.class, r::nextLineBytes);
      assertThat(e.reason()).isEqualTo(Reason.MALFORMED_RECORD);
      assertThat(e.getMessage()).startsWith("line 2: ").doesNotContain("r2");
      assertThat(r.linesRead()).isZero();
    }
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(tgz), validating())) {
      assertThat(catchThrowableOfType(ExportFormatException.class, r::verify).reason()).isEqualTo(Reason.MALFORMED_RECORD);
    }
    byte[] good = unvalidated(VALID, VALID);
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(good), validating())) {
      assertThat(r.nextLine()).isEqualTo(VALID);
      assertThat(StandardCharsets.UTF_8.decode(r.nextLineBytes()).toString()).isEqualTo(VALID);
      assertThat(r.nextLine()).isNull();
    }
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(tgz), Fixtures.readerOptions())) {
      r.nextLine();
      assertThat(r.nextLine()).as("without validateRecords, framing only").isEqualTo(NOT_A_RECORD);
    }
  }
  // ---- tar headers, written by hand

  @TempDir Path dir;
  private static final byte[] MANIFEST;
  private static final byte[] DATA;
  private static final byte[] END = new byte[1024];

  static {
    try {
      byte[] tgz = Fixtures.writeArchive(Fixtures.writerOptions(), List.of(Fixtures.record(1), Fixtures.record(2)));
      MANIFEST = TestArchives.data(tgz, "manifest.json");
      DATA = TestArchives.data(tgz, "tokens.jsonl.enc");
    } catch (IOException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static void put(byte[] h, int off, String s) {
    byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
    System.arraycopy(b, 0, h, off, b.length);
  }

  /** A ustar (or old GNU) header; {@code checksumError} adds one to the stored checksum. */
  private static byte[] entry(String name, byte[] data, char type, boolean gnuMagic, int checksumError) {
    byte[] h = new byte[512];
    put(h, 0, name);
    put(h, 100, "0000644\0");
    put(h, 108, "0000000\0");
    put(h, 116, "0000000\0");
    put(h, 124, String.format("%011o", data.length) + "\0");
    put(h, 136, "14741710464\0");
    put(h, 148, "        ");
    h[156] = (byte) type;
    put(h, 257, gnuMagic ? "ustar  \0" : "ustar\u000000");
    int sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    put(h, 148, String.format("%06o", sum + checksumError) + "\0 ");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(h);
    out.writeBytes(data);
    out.writeBytes(new byte[(512 - data.length % 512) % 512]);
    return out.toByteArray();
  }

  private static byte[] file(String name, byte[] data) {
    return entry(name, data, '0', false, 0);
  }

  private static byte[] pax(String key, String value) {
    String rec = " " + key + "=" + value + "\n";
    int len = rec.length() + 1;
    while (String.valueOf(len).length() + rec.length() != len) {
      len = String.valueOf(len).length() + rec.length();
    }
    return entry("PaxHeader", (len + rec).getBytes(StandardCharsets.UTF_8), 'x', false, 0);
  }

  private static byte[] tgz(byte[]... parts) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      for (byte[] p : parts) {
        gz.write(p);
      }
    }
    return bytes.toByteArray();
  }

  /** Verifies from a stream and from a file; both must agree; returns the rejection or null. */
  private ExportFormatException rejection(byte[] archive) throws IOException {
    ExportFormatException fromStream = null;
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(archive), Fixtures.readerOptions())) {
      r.verify();
    } catch (ExportFormatException e) {
      fromStream = e;
    }
    Path p = Files.write(dir.resolve("a" + System.nanoTime() + ".tgz"), archive);
    ExportFormatException fromFile = null;
    try (ExportReader r = ExportReader.open(p, Fixtures.readerOptions())) {
      r.verify();
    } catch (ExportFormatException e) {
      fromFile = e;
    }
    assertThat(fromFile == null).as("stream and file agree").isEqualTo(fromStream == null);
    return fromStream;
  }

  @Test
  void handWrittenTarIsAccepted() throws IOException {
    assertThat(rejection(tgz(file("manifest.json", MANIFEST), file("tokens.jsonl.enc", DATA), END))).isNull();
  }

  /** Regression: commons-compress records a header's checksum but nothing checked it. */
  @Test
  void rejectsAHeaderWithAWrongChecksum() throws IOException {
    for (int error : new int[] {1, -1, 64}) {
      ExportFormatException e = rejection(tgz(entry("manifest.json", MANIFEST, '0', false, error), file("tokens.jsonl.enc", DATA), END));
      assertThat(e).as("checksum off by " + error).isNotNull();
      assertThat(e.reason()).isEqualTo(Reason.MALFORMED_ARCHIVE);
    }
    ExportFormatException pax = rejection(tgz(entry("PaxHeader", "20 comment=x12345\n".getBytes(StandardCharsets.US_ASCII), 'x', false, 1),
        file("manifest.json", MANIFEST), file("tokens.jsonl.enc", DATA), END));
    assertThat(pax).as("a PAX header's checksum").isNotNull();
  }

  /** Regression: commons-compress strips the '/' of PAX and GNU long names before we see them. */
  @Test
  void rejectsAbsoluteNamesFromPaxAndGnuLongNames() throws IOException {
    ExportFormatException e = rejection(tgz(pax("path", "/manifest.json"), file("manifest.json", MANIFEST), file("tokens.jsonl.enc", DATA), END));
    assertThat(e).as("PAX path=/manifest.json").isNotNull();
    assertThat(e.reason()).isEqualTo(Reason.MALFORMED_ARCHIVE);
    assertThat(e.getMessage()).contains("absolute");
    e = rejection(tgz(entry("././@LongLink", "/manifest.json\0".getBytes(StandardCharsets.US_ASCII), 'L', true, 0),
        entry("whatever", MANIFEST, '0', true, 0), file("tokens.jsonl.enc", DATA), END));
    assertThat(e).as("GNU long name /manifest.json").isNotNull();
    assertThat(e.reason()).isEqualTo(Reason.MALFORMED_ARCHIVE);
    assertThat(rejection(tgz(pax("path", "manifest.json"), file("x", MANIFEST), file("tokens.jsonl.enc", DATA), END)))
        .as("a relative PAX path is fine").isNull();
  }

  /** Regression: isFile() is true for unknown type flags, so V, M, D, N, A and z passed. */
  @Test
  void rejectsTheFormatsEntriesWithTypeFlagsOtherThanRegularFile() throws IOException {
    List<String> accepted = new ArrayList<>();
    for (char type : new char[] {'V', 'M', 'D', 'N', 'A', 'z', '7'}) {
      if (rejection(tgz(file("manifest.json", MANIFEST), entry("tokens.jsonl.enc", DATA, type, false, 0), END)) == null) {
        accepted.add("tokens.jsonl.enc typeflag " + type);
      }
      if (rejection(tgz(entry("manifest.json", MANIFEST, type, false, 0), file("tokens.jsonl.enc", DATA), END)) == null) {
        accepted.add("manifest.json typeflag " + type);
      }
    }
    assertThat(accepted).isEmpty();
  }

  /** Regression: with 10 KiB blocks, up to ~9 KiB after the end blocks were skipped uncounted. */
  @Test
  void rejectsMoreThanOneMebibyteAfterTheEndOfTheArchive() throws IOException {
    ExportFormatException e = rejection(tgz(file("manifest.json", MANIFEST), file("tokens.jsonl.enc", DATA), END, new byte[(1 << 20) + 4000]));
    assertThat(e).isNotNull();
    assertThat(e.reason()).isEqualTo(Reason.MALFORMED_ARCHIVE);
    assertThat(rejection(tgz(file("manifest.json", MANIFEST), file("tokens.jsonl.enc", DATA), END, new byte[1 << 20]))).isNull();
  }

  /** Regression (a documented gap until now): a tar without its end blocks was accepted. */
  @Test
  void rejectsATarWithoutItsTwoEndBlocks() throws IOException {
    for (int blocks = 0; blocks < 2; blocks++) {
      ExportFormatException e = rejection(tgz(file("manifest.json", MANIFEST), file("tokens.jsonl.enc", DATA), new byte[512 * blocks]));
      assertThat(e).as(blocks + " end blocks").isNotNull();
      assertThat(e.reason()).isEqualTo(Reason.MALFORMED_ARCHIVE);
    }
  }
  // ---- messages

  /** Regression: a record without created_at was named by its decrypted id in the message. */
  @Test
  void malformedRecordMessagesNameNoDecryptedContent() throws Exception {
    List<String> leaks = new ArrayList<>();
    for (String id : new String[] {"a".repeat(53) + "4111111111111111", "4111 1111 1111 1111", "secret-id-42"}) {
      String line = "{\"id\":\"" + id + "\",\"card\":{\"expiry_month\":1,\"expiry_year\":2030,\"account_number\":\"5500000000000004\"}}";
      byte[] tgz = unvalidated(line);
      try (ExportReader r = ExportReader.open(new ByteArrayInputStream(tgz), Fixtures.readerOptions())) {
        ExportFormatException e = catchThrowableOfType(ExportFormatException.class, r::nextRecord);
        assertThat(e.getMessage()).isEqualTo("line 1: record: created_at is required");
      }
      ExportFormatException w = catchThrowableOfType(ExportFormatException.class, () -> {
        try (ExportWriter writer = ExportWriter.open(new ByteArrayOutputStream(), Fixtures.writerOptions())) {
          writer.writeLine(line);
        }
      });
      if (w.getMessage().contains("4111") || w.getMessage().contains("secret-id")) {
        leaks.add(w.getMessage());
      }
    }
    assertThat(leaks).isEmpty();
  }

  /** Regression: only runs of 12 digits in the first 64 characters were masked. */
  @net.jqwik.api.Property(tries = 300)
  void printableNeverShowsAPanWhereverItIsAndHoweverItIsSeparated(
      @net.jqwik.api.ForAll @net.jqwik.api.constraints.StringLength(max = 80) String prefix,
      @net.jqwik.api.ForAll @net.jqwik.api.constraints.IntRange(min = 12, max = 19) int length,
      @net.jqwik.api.ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 3) int separator,
      @net.jqwik.api.ForAll long seed) {
    java.util.Random random = new java.util.Random(seed);
    StringBuilder pan = new StringBuilder();
    for (int k = 0; k < length; k++) {
      if (k > 0 && k % 4 == 0) {
        pan.append(new String[] {"", " ", "-", "."}[separator]);
      }
      pan.append((char) ('0' + random.nextInt(10)));
    }
    String shown = RecordValidation.printable(prefix + pan + "x");
    assertThat(shown.replaceAll("[^0-9]", "")).doesNotContain(pan.toString().replaceAll("[^0-9]", "").substring(0, 12));
  }
  // ---- what the writer accepts, the reader reads

  /** Regression: numbers in unknown members were rewritten (1.0 -> 1, 10.0 -> 1E+1, 1.50 -> 1.5). */
  @Test
  void unknownMembersSurviveAReadAndRewriteUnchanged() throws Exception {
    String line = "{\"id\":\"r1\",\"card\":{\"expiry_month\":1,\"expiry_year\":2030,\"account_number\":\"4111111111111111\",\"fee\":1.0},"
        + "\"created_at\":\"2023-10-01T12:00:00Z\",\"amount\":10.0,\"rate\":1.50,\"zero\":0.0,\"neg\":-0,\"exp\":1e1,"
        + "\"nested\":{\"a\":[1.10,{\"b\":2E-3}],\"s\":\"x\"}}";
    TokenRecord record;
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(unvalidated(line)), Fixtures.readerOptions())) {
      record = r.nextRecord();
    }
    byte[] again = Fixtures.writeArchive(Fixtures.writerOptions(), List.of(record));
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(again), Fixtures.readerOptions())) {
      assertThat(r.nextLine()).isEqualTo(line);
    }
  }

  /** Regression: a built record with an escaped lone surrogate made write() throw IllegalStateException. */
  @Test
  void refusesALoneSurrogateInAnUnknownMemberAtBuild() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> Fixtures.record(1).toBuilder().extraField("note", "\"\\ud800\"").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unpaired surrogate");
  }

  /** Regression: the builder accepted records that the reader then rejected as malformed. */
  @Test
  void refusesAtBuildWhatTheReaderWouldReject() {
    java.util.Map<String, java.util.function.Supplier<TokenRecord>> cases = new java.util.TreeMap<>();
    cases.put("created_at in year 10000", () -> Fixtures.record(1).toBuilder().createdAt(java.time.Instant.parse("+10000-01-01T00:00:00Z")).build());
    cases.put("expires_at in year -1", () -> Fixtures.record(1).toBuilder().expiresAt(java.time.Instant.parse("-0001-01-01T00:00:00Z")).build());
    cases.put("unknown member name of 1025 bytes", () -> Fixtures.record(1).toBuilder().extraField("x".repeat(1025), "1").build());
    cases.put("metadata key of 1200 bytes", () -> Fixtures.record(1).toBuilder().metadata(java.util.Map.of("é".repeat(600), "v")).build());
    cases.put("unknown member nested 64 deep", () -> Fixtures.record(1).toBuilder().extraField("x", "[".repeat(64) + "]".repeat(64)).build());
    cases.put("card unknown member nested 63 deep", () -> Fixtures.record(1).toBuilder()
        .card(Fixtures.record(1).card().toBuilder().extraField("x", "[".repeat(63) + "]".repeat(63)).build()).build());
    List<String> accepted = new ArrayList<>();
    cases.forEach((what, build) -> {
      try {
        build.get();
        accepted.add(what);
      } catch (IllegalArgumentException expected) {
        assertThat(expected.getMessage()).doesNotContain("4111");
      }
    });
    assertThat(accepted).isEmpty();
  }

  /** The limits just inside: what the builder accepts is read back equal. */
  @Test
  void readsBackWhatTheBuilderAcceptsAtTheLimits() throws Exception {
    List<TokenRecord> records = List.of(
        Fixtures.record(1).toBuilder().createdAt(java.time.Instant.parse("9999-12-31T23:59:59Z"))
            .expiresAt(java.time.Instant.parse("0000-01-01T00:00:00Z")).build(),
        Fixtures.record(2).toBuilder().extraField("x".repeat(1024), "1").metadata(java.util.Map.of("é".repeat(512), "v"))
            .extraField("deep", "[".repeat(63) + "]".repeat(63)).build(),
        Fixtures.record(3).toBuilder().card(Fixtures.record(3).card().toBuilder().extraField("x", "[".repeat(62) + "]".repeat(62)).build()).build());
    byte[] tgz = Fixtures.writeArchive(Fixtures.writerOptions(), records);
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(tgz), Fixtures.readerOptions())) {
      for (TokenRecord expected : records) {
        assertThat(r.nextRecord()).isEqualTo(expected);
      }
    }
  }
  /** Regression: characters beyond U+FFFF were written as escaped surrogate pairs (format.md 5.2: raw UTF-8). */
  @Test
  void writesSupplementaryCharactersAsRawUtf8() throws Exception {
    String emoji = "\uD83D\uDE00";
    ExportManifest m;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ExportWriter w = ExportWriter.open(out, ExportWriter.options()
        .recipient(Recipient.unverified(Fixtures.RECIPIENT_CERT)).guardianInstance("cluster-" + emoji + ".on-hellgate.cloud").build())) {
      w.write(Fixtures.record(1).toBuilder().metadata(java.util.Map.of("k", "J" + emoji)).build());
      m = w.finish();
    }
    assertThat(new String(m.toJson(), StandardCharsets.UTF_8)).contains("\"guardian_instance\": \"cluster-" + emoji + ".on-hellgate.cloud\"");
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(out.toByteArray()), Fixtures.readerOptions())) {
      assertThat(r.nextLine()).contains("\"k\":\"J" + emoji + "\"").doesNotContain("\\u");
    }
  }
  /** Decided (format.md 5.1): a leap second and offsets beyond ±18:00 are refused; the rest of RFC 3339 is read. */
  @Test
  void readsRfc3339ExceptLeapSecondsAndOffsetsBeyond18Hours() throws Exception {
    for (String t : new String[] {"2016-12-31T23:59:60Z", "2025-01-15T10:43:00+19:00", "2025-01-15T10:43:00-23:59"}) {
      assertThat(catchThrowableOfType(RecordCodec.InvalidRecord.class, () -> RecordCodec.instant(t, "created_at"))).as(t).isNotNull();
    }
    assertThat(RecordCodec.instant("2025-01-15T10:43:00.123456789+18:00", "created_at"))
        .isEqualTo(java.time.Instant.parse("2025-01-14T16:43:00.123456789Z"));
  }
  /** Regression: an escaped lone surrogate in a manifest string was accepted (section 2 forbids it). */
  @Test
  void rejectsAnUnpairedSurrogateInAManifestString() throws Exception {
    byte[] tgz = Fixtures.writeArchive(Fixtures.writerOptions(), List.of(Fixtures.record(1)));
    byte[] manifest = TestArchives.data(tgz, "manifest.json");
    String json = new String(manifest, StandardCharsets.UTF_8);
    String edited = json.replaceFirst("\"guardian_instance\": \"[^\"]*\"", "\"guardian_instance\": \"\\\\ud800\"");
    assertThat(edited).isNotEqualTo(json).contains("\\ud800");
    byte[] bad = TestArchives.replaceData(tgz, "manifest.json", edited.getBytes(StandardCharsets.UTF_8));
    ExportFormatException e = catchThrowableOfType(ExportFormatException.class,
        () -> ExportReader.open(new ByteArrayInputStream(bad), Fixtures.readerOptions()).close());
    assertThat(e.reason()).isEqualTo(Reason.MALFORMED_MANIFEST);
    assertThat(e.getMessage()).contains("guardian_instance contains an unpaired surrogate");
  }
  /** Across chunk boundaries and on both threads: the bad record is found wherever it is, first. */
  @net.jqwik.api.Property(tries = 12)
  void aMalformedRecordAnywhereInABigExportReleasesNothing(
      @net.jqwik.api.ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 9000) int badLine,
      @net.jqwik.api.ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 250) int padding) throws Exception {
    String padded = VALID.replace("\"r1\"", "\"" + "r".repeat(1 + padding) + "\"");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ExportWriter w = ExportWriter.open(out, ExportWriter.options()
        .recipient(Recipient.unverified(Fixtures.RECIPIENT_CERT)).guardianInstance("g").unvalidatedLines(true).build())) {
      for (int i = 1; i <= 9000; i++) {
        w.writeLine(i == badLine ? NOT_A_RECORD : padded);
      }
      w.finish();
    }
    Path file = Files.write(Files.createTempFile("record-check", ".tgz"), out.toByteArray()); // jqwik has no @TempDir
    try {
      readBoth(file, out.toByteArray(), badLine);
    } finally {
      Files.delete(file);
    }
  }

  private static void readBoth(Path file, byte[] tgz, int badLine) throws Exception {
    for (boolean fromFile : new boolean[] {false, true}) {
      try (ExportReader r = fromFile ? ExportReader.open(file, validating())
          : ExportReader.open(new ByteArrayInputStream(tgz), validating())) {
        ExportFormatException e = catchThrowableOfType(ExportFormatException.class, r::nextLine);
        assertThat(e.getMessage()).startsWith("line " + badLine + ": ");
        assertThat(r.linesRead()).isZero();
      }
    }
  }
  // ---- found by the review of this session's fixes

  /** Regression: a blank line before the record hid an absolute PAX path from the name check. */
  @Test
  void rejectsPaxDataThatIsNotCleanRecords() throws IOException {
    String abs = "28 path=/manifest.json\n";
    for (String data : new String[] {"\n" + abs, "x" + abs, "5 a=b\n", "20 comment=no newline"}) {
      ExportFormatException e = rejection(tgz(entry("PaxHeader", data.getBytes(StandardCharsets.UTF_8), 'x', false, 0),
          file("manifest.json", MANIFEST), file("tokens.jsonl.enc", DATA), END));
      assertThat(e).as(data).isNotNull();
      assertThat(e.reason()).isEqualTo(Reason.MALFORMED_ARCHIVE);
    }
  }

  /** Regression: the year check judged the UTC year, so valid offsets at the year edges were refused. */
  @Test
  void readsTimestampsWithOffsetsAtTheYearEdges() throws Exception {
    for (String t : new String[] {"0000-01-01T00:30:00+01:00", "9999-12-31T23:30:00-01:00"}) {
      String line = VALID.replace("2023-10-01T12:00:00Z", t);
      byte[] b = line.getBytes(StandardCharsets.UTF_8);
      assertThat(RecordCodec.parse(b, 0, b.length).createdAtText()).isEqualTo(t);
    }
  }

  /** Regression: cutting a target name at 64 chars could split a surrogate pair (an invalid path). */
  @Test
  void writesToATargetWhoseNameHasAnEmojiAtTheCut() throws Exception {
    Path target = dir.resolve("a".repeat(63) + "\uD83D\uDE00" + ".tgz");
    try (ExportWriter w = ExportWriter.open(target, Fixtures.writerOptions())) {
      w.write(Fixtures.record(1));
      w.finish();
    }
    assertThat(Files.size(target)).isPositive();
  }
}
