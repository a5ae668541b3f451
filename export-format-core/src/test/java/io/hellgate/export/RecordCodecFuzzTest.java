package io.hellgate.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;

/**
 * Coverage-guided fuzzing (Jazzer) of {@link RecordCodec#parse(byte[], int, int)}, the strict
 * token-record parser that record validation and typed reads use.
 *
 * <p><b>Property:</b> any line is either a record, whose canonical JSON ({@link
 * RecordCodec#write}) parses again to the same canonical JSON, or is rejected with {@link
 * RecordCodec.InvalidRecord} (the codec's typed rejection, which the reader turns into an {@link
 * ExportFormatException} with reason {@code malformed_record}) whose message quotes no digit run of
 * the line, which could be a card number. Anything else (Jackson's own exceptions, IllegalArgument,
 * OOM, stack overflow) is a finding. Seeds: lines of the testkit's golden plaintexts.
 */
class RecordCodecFuzzTest {
  @FuzzTest(maxDuration = "10s")
  void anyLineIsParsedOrRejectedTyped(byte[] input) {
    TokenRecord record;
    try {
      record = RecordCodec.parse(input, 0, input.length);
    } catch (RecordCodec.InvalidRecord e) {
      FuzzChecks.messageQuotesNoDigits(e.getMessage(), input);
      return;
    }
    byte[] canonical = canonical(record);
    try {
      assertThat(canonical(RecordCodec.parse(canonical, 0, canonical.length))).isEqualTo(canonical);
    } catch (RecordCodec.InvalidRecord e) {
      throw new AssertionError("an accepted record, written again, is rejected: " + e.getMessage(), e);
    }
  }

  private static byte[] canonical(TokenRecord r) {
    ByteArrayBuilder out = new ByteArrayBuilder(256);
    RecordCodec.write(r, out);
    return out.toByteArray();
  }
}
