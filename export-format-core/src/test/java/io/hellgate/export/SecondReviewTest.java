package io.hellgate.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.hellgate.export.ExportFormatException.Reason;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

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

  /** The CLI accepted invalid-record conformance vectors: raw lines can now be validated as records. */
  @Test
  void rawLinesCanBeValidatedAsRecords() throws Exception {
    byte[] tgz = unvalidated(VALID, NOT_A_RECORD);
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(tgz), validating())) {
      assertThat(StandardCharsets.UTF_8.decode(r.nextLineBytes()).toString()).isEqualTo(VALID);
      ExportFormatException e = catchThrowableOfType(ExportFormatException.class, r::nextLineBytes);
      assertThat(e.reason()).isEqualTo(Reason.MALFORMED_RECORD);
      assertThat(e.getMessage()).startsWith("line 2: ").doesNotContain("r2");
    }
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(tgz), validating())) {
      assertThat(r.nextLine()).isEqualTo(VALID);
      assertThat(catchThrowableOfType(ExportFormatException.class, r::nextLine).reason()).isEqualTo(Reason.MALFORMED_RECORD);
    }
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(tgz), Fixtures.readerOptions())) {
      r.nextLine();
      assertThat(r.nextLine()).as("without validateRecords, framing only").isEqualTo(NOT_A_RECORD);
    }
  }
}
