package io.hellgate.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.hellgate.export.ExportFormatException.Reason;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Unverified streaming ({@link StreamingPass}) on two threads: from 1 MiB of data the chunks it
 * releases are the verification pipeline's buffers while the worker scans them, so these tests
 * use exports of several MiB with lines cut by every buffer boundary, and check that the lines
 * come out exactly as the verified reader releases them, and that every failure still comes at
 * the end (tag, records), as it does on one thread.
 */
class StreamingPassTest {
  private static final ExportReader.Options VERIFIED = ExportReader.options()
      .key(RecipientKey.of(Fixtures.RECIPIENT_KEY, Fixtures.RECIPIENT_CERT)).build();
  private static final ExportReader.Options STREAMING = ExportReader.options()
      .key(RecipientKey.of(Fixtures.RECIPIENT_KEY, Fixtures.RECIPIENT_CERT)).unverifiedStreaming(true).build();
  private static final ExportReader.Options STREAMING_VALIDATED = ExportReader.options()
      .key(RecipientKey.of(Fixtures.RECIPIENT_KEY, Fixtures.RECIPIENT_CERT)).unverifiedStreaming(true)
      .validateRecords(true).build();

  /** {@code count} valid records, with a metadata value of up to {@code noteChars} that varies per record. */
  static List<String> lines(int count, int noteChars) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String note = "n".repeat(1 + (i * 7919) % Math.max(1, noteChars));
      lines.add("{\"id\":\"r-" + i + "\",\"card\":{\"cardholder_name\":\"N " + i + "\",\"expiry_month\":" + (1 + i % 12)
          + ",\"expiry_year\":2030,\"account_number\":\"" + Fixtures.luhn("411111" + String.format("%09d", i))
          + "\"},\"created_at\":\"2023-10-01T12:00:00Z\",\"metadata\":{\"note\":\"" + note + "\"}}");
    }
    return lines;
  }

  static byte[] archive(List<String> lines) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ExportWriter.Options options = ExportWriter.options().recipient(Recipient.unverified(Fixtures.RECIPIENT_CERT))
        .guardianInstance("my-cluster-id.on-hellgate.cloud").unvalidatedLines(true).build();
    try (ExportWriter w = ExportWriter.open(out, options)) {
      for (String line : lines) {
        w.writeLine(line);
      }
      w.finish();
    }
    return out.toByteArray();
  }

  private static List<String> readAll(byte[] tgz, ExportReader.Options options) throws IOException {
    List<String> lines = new ArrayList<>();
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(tgz), options)) {
      for (java.nio.ByteBuffer line; (line = r.nextLineBytes()) != null; ) {
        byte[] b = new byte[line.remaining()];
        line.get(b);
        lines.add(new String(b, StandardCharsets.UTF_8));
      }
    }
    return lines;
  }

  @Property(tries = 12)
  void releasesTheSameLinesAsTheVerifiedReader(
      @ForAll @IntRange(min = 1, max = 30_000) int records, @ForAll @IntRange(min = 1, max = 300_000) int noteChars)
      throws Exception {
    // at most about 8 MB of plaintext: lines of up to 300 KB cross every 128 KiB buffer boundary
    List<String> lines = lines(Math.min(records, (int) (8_000_000L / (noteChars / 2 + 200))), noteChars);
    byte[] tgz = archive(lines);
    assertThat(readAll(tgz, STREAMING)).isEqualTo(lines);
    assertThat(readAll(tgz, STREAMING_VALIDATED)).isEqualTo(lines);
    assertThat(readAll(tgz, VERIFIED)).isEqualTo(lines);
  }

  @Test
  void rejectsAMalformedRecordOfALargeExportAtTheEnd() throws Exception {
    List<String> lines = lines(30_000, 80);
    lines.set(21_000, "{\"id\":\"no-card\",\"created_at\":\"2023-10-01T12:00:00Z\"}");
    byte[] tgz = archive(lines);
    assertThat(tgz.length).isGreaterThan(4 << 20);
    assertThat(readAll(tgz, STREAMING)).as("framing and tag are fine; records are not checked").isEqualTo(lines);
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(tgz), STREAMING_VALIDATED)) {
      ExportFormatException e = catchThrowableOfType(ExportFormatException.class, () -> {
        while (r.nextLineBytes() != null) {
          // drain: streaming releases first, and fails at the end
        }
      });
      assertThat(e).isNotNull();
      assertThat(e.reason()).isEqualTo(Reason.MALFORMED_RECORD);
      assertThat(e.getMessage()).contains("line 21001").doesNotContain("411111");
      assertThat(r.linesRead()).isEqualTo(lines.size());
    }
  }

  @Test
  void rejectsAFlippedCiphertextByteOfALargeExportAtTheEnd() throws Exception {
    List<String> lines = lines(30_000, 80);
    byte[] tgz = archive(lines);
    byte[] ct = TestArchives.data(tgz, "tokens.jsonl.enc");
    byte[] changed = ct.clone();
    changed[ct.length / 2] ^= 0x20;
    byte[] bad = TestArchives.replaceData(tgz, "tokens.jsonl.enc", changed);
    for (ExportReader.Options options : List.of(STREAMING, STREAMING_VALIDATED)) {
      try (ExportReader r = ExportReader.open(new ByteArrayInputStream(bad), options)) {
        ExportFormatException e = catchThrowableOfType(ExportFormatException.class, () -> {
          while (r.nextLineBytes() != null) {
            // drain
          }
        });
        assertThat(e).isInstanceOf(AuthenticationFailedException.class);
        assertThat(e.reason()).isEqualTo(Reason.TAMPERED_CONTENT);
      }
    }
  }

  @Test
  void closingMidStreamStopsTheWorker() throws Exception {
    byte[] tgz = archive(lines(30_000, 80));
    for (int i = 0; i < 20; i++) {
      try (ExportReader r = ExportReader.open(new ByteArrayInputStream(tgz), STREAMING_VALIDATED)) {
        for (int k = 0; k < 5_000; k++) {
          assertThat(r.nextLineBytes()).isNotNull();
        }
      }
    }
    Thread.sleep(50);
    long workers = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("export-reader-verify") && t.isAlive()).count();
    assertThat(workers).as("verification workers left running").isZero();
  }
}
