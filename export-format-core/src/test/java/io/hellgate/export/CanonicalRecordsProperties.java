package io.hellgate.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.hellgate.export.internal.FastRecordCheck;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;

/**
 * {@link CanonicalRecords}, the positional decoder {@link RecordCodec#parse} tries first, against
 * Jackson ({@link RecordCodec#parseJson}): whenever it decodes a line, the record equals the
 * parser's; it decodes every line the writer writes without escapes, and nothing else.
 */
class CanonicalRecordsProperties {
  private final FastRecordCheckProperties generators = new FastRecordCheckProperties();

  @Provide
  Arbitrary<byte[]> lines() {
    return generators.lines();
  }

  @Provide
  Arbitrary<TokenRecord> plainRecords() {
    return generators.plainRecords();
  }

  @Property(tries = 20_000)
  void decodesOnlyWhatTheParserAcceptsAndToTheSameRecord(@ForAll("lines") byte[] line) throws Exception {
    TokenRecord fast = CanonicalRecords.decode(line, 0, line.length);
    Statistics.collect(fast != null ? "decoded" : "left to the parser");
    Statistics.coverage(c -> c.check("decoded").percentage(p -> p > 5));
    if (fast != null) {
      TokenRecord parsed = RecordCodec.parseJson(line, 0, line.length);
      assertThat(fast).isEqualTo(parsed);
      assertThat(fast.card().accountNumber()).isEqualTo(parsed.card().accountNumber());
    }
    assertThat(fast != null).isEqualTo(FastRecordCheck.acceptsCanonical(line, 0, line.length));
  }

  @Property(tries = 3_000)
  void decodesEveryWrittenRecordAsWritten(@ForAll("plainRecords") TokenRecord record) {
    byte[] line = FastRecordCheckProperties.write(record);
    TokenRecord fast = CanonicalRecords.decode(line, 0, line.length);
    assertThat(fast).as(new String(line, StandardCharsets.UTF_8)).isEqualTo(record);
    assertThat(fast.expiresAt()).isEqualTo(record.expiresAt());
    assertThat(fast.createdAt()).isEqualTo(record.createdAt());
  }

  @Test
  void decodesWithinTheLineOnly() throws Exception {
    // A valid line followed in the buffer by bytes that would continue it: decoded from its own bytes.
    String line = FastRecordCheckProperties.MINIMAL;
    byte[] buf = (line + ",\"expires_at\":\"2024-01-01T00:00:00Z\"}\n").getBytes(StandardCharsets.UTF_8);
    TokenRecord r = CanonicalRecords.decode(buf, 0, line.length());
    assertThat(r).isNotNull();
    assertThat(r.expiresAt()).isEmpty();
    assertThat(r).isEqualTo(RecordCodec.parseJson(buf, 0, line.length()));
  }
}
