package io.hellgate.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class RecordCodecTest {
  @Property(tries = 2000)
  void timestampFastPathAgreesWithJavaTime(@ForAll @LongRange(min = -62_135_596_800L, max = 253_402_300_799L) long epochSecond)
      throws Exception {
    String text = DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(epochSecond));
    if (text.length() == 20) {
      assertThat(RecordCodec.instant(text, "t")).isEqualTo(OffsetDateTime.parse(text).toInstant());
    }
  }

  @Test
  void acceptsRfc3339FormsAndRejectsOthers() throws Exception {
    assertThat(RecordCodec.instant("2023-10-01T12:00:00.123+02:00", "t")).isEqualTo(Instant.parse("2023-10-01T10:00:00.123Z"));
    assertThat(RecordCodec.instant("2024-02-29T23:59:59Z", "t")).isEqualTo(Instant.parse("2024-02-29T23:59:59Z"));
    for (String bad : new String[] {
      "2023-02-29T00:00:00Z", "2023-13-01T00:00:00Z", "2023-01-01T24:00:00Z", "2023-01-01t00:00:00z",
      "2023-01-01 00:00:00Z", "2023-01-01T00:00Z", "20230101T000000Z", "2023-01-01T00:00:00", "２０２３-01-01T00:00:00Z"
    }) {
      assertThatThrownBy(() -> RecordCodec.instant(bad, "created_at")).as(bad)
          .isInstanceOf(RecordCodec.InvalidRecord.class).hasMessage("created_at must be an RFC 3339 date-time");
    }
  }

  @Test
  void parseErrorsNeverQuoteTheInput() {
    String pan = "4111111111111111";
    String[] lines = {"{\"id\":\"a\",\"card\":{\"account_number\":" + pan + "x}}", "{\"id\":" + pan + "}", pan};
    for (String line : lines) {
      byte[] b = line.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      assertThatThrownBy(() -> RecordCodec.parse(b, 0, b.length)).isInstanceOf(RecordCodec.InvalidRecord.class)
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("411111"));
    }
  }
}
