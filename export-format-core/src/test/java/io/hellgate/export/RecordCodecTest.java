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
  void epochDayIsLocalDatesForEveryDayOfTheYears0To9999() {
    for (java.time.LocalDate d = java.time.LocalDate.of(0, 1, 1); d.getYear() <= 9999; d = d.plusDays(1)) {
      if (RecordCodec.epochDay(d.getYear(), d.getMonthValue(), d.getDayOfMonth()) != d.toEpochDay()) {
        throw new AssertionError("epochDay differs from LocalDate on " + d);
      }
    }
  }

  @Test
  void fastPathKnowsEachMonthsLastDay() throws Exception {
    for (int year : new int[] {0, 1900, 1970, 2000, 2023, 2024, 2100, 9999}) {
      for (int month = 1; month <= 12; month++) {
        int last = java.time.YearMonth.of(year, month).lengthOfMonth();
        String ok = String.format("%04d-%02d-%02dT00:00:00Z", year, month, last);
        String over = String.format("%04d-%02d-%02dT00:00:00Z", year, month, last + 1);
        assertThat(RecordCodec.instant(ok, "t")).as(ok).isEqualTo(OffsetDateTime.parse(ok).toInstant());
        assertThatThrownBy(() -> RecordCodec.instant(over, "t")).as(over).isInstanceOf(RecordCodec.InvalidRecord.class);
      }
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

  private static final String CARD =
      "\"card\":{\"expiry_month\":1,\"expiry_year\":2031,\"account_number\":\"4111111111111111\"}";

  private static String record(String inside) {
    return "{\"id\":\"a\"," + CARD + ",\"created_at\":\"2023-10-01T12:00:00Z\"" + inside + "}";
  }

  private static TokenRecord parse(String line) throws RecordCodec.InvalidRecord {
    byte[] b = line.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return RecordCodec.parse(b, 0, b.length);
  }

  /** Records parse without Jackson's duplicate detection: every level checks its own. */
  @Test
  void rejectsADuplicateMemberAtEveryLevelWithoutNamingIt() throws Exception {
    String pan = "4111111111111111";
    String[] bad = {
      record(",\"id\":\"b\""), // known, top level
      record(",\"" + pan + "\":1,\"" + pan + "\":2"), // unknown, top level, a PAN-like name
      record(",\"expires_at\":null,\"expires_at\":null"),
      record(",\"metadata\":{},\"metadata\":null"),
      record(",\"metadata\":{\"" + pan + "\":\"x\",\"" + pan + "\":\"y\"}"),
      record(",\"x\":{\"" + pan + "\":1,\"" + pan + "\":2}"), // inside an unknown value
      record(",\"x\":[1,{\"a\":{\"b\":1,\"b\":1}}]"), // deeper inside one
      record("").replace("\"account_number\"", "\"scheme\":\"visa\",\"scheme\":\"visa\",\"account_number\""),
      record("").replace("\"account_number\"", "\"z\":1,\"z\":1,\"account_number\""),
      record("").replace("\"account_number\"", "\"z\":{\"q\":1,\"q\":2},\"account_number\""),
    };
    for (String line : bad) {
      assertThatThrownBy(() -> parse(line)).as(line.replace(pan, "<pan>"))
          .isInstanceOf(RecordCodec.InvalidRecord.class)
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("411111"));
    }
  }

  @Test
  void theSameNameAtDifferentLevelsIsNoDuplicate() throws Exception {
    TokenRecord r = parse(record(",\"metadata\":{\"id\":\"m\",\"card\":\"n\"},\"x\":{\"id\":1,\"y\":{\"id\":2}}")
        .replace("\"account_number\"", "\"id\":7,\"account_number\""));
    assertThat(r.id()).isEqualTo("a");
    assertThat(r.metadata()).containsEntry("id", "m").containsEntry("card", "n");
    assertThat(r.extraFields()).containsEntry("x", "{\"id\":1,\"y\":{\"id\":2}}");
    assertThat(r.card().extraFields()).containsEntry("id", "7");
  }
}
