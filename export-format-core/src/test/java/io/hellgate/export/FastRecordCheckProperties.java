package io.hellgate.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.hellgate.export.internal.FastRecordCheck;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;

/**
 * {@link FastRecordCheck} against the full parser {@link RecordCodec#parse}: the fast path may only
 * accept what the parser accepts (so {@link RecordCheck}, which parses whatever the fast path is
 * unsure of, accepts and rejects exactly what the parser does), and it does accept the common
 * shapes (else it would be no faster).
 */
class FastRecordCheckProperties {
  /** A record's start in the writer's layout: the id and a card with its three required members. */
  static final String CARD_PART = "{\"id\":\"a\",\"card\":{\"expiry_month\":1,\"expiry_year\":2031,\"account_number\":\"4111111111111111\"},";
  /** The smallest valid record, in the writer's layout. */
  static final String MINIMAL = CARD_PART + "\"created_at\":\"2023-10-01T12:00:00Z\"}";

  @Test
  void idLimitIsTheRecordsOne() {
    assertThat(TokenRecord.MAX_ID_LENGTH).isEqualTo(256); // FastRecordCheck.MAX_ID_CHARS
  }

  /**
   * Whether Jackson's parse ({@link RecordCodec#parseJson}) accepts the line: the oracle, independent
   * of the fast path ({@link RecordCodec#parse} is not: it decodes canonical lines from the check's
   * own spans first).
   */
  static boolean full(byte[] line) {
    try {
      RecordCodec.parseJson(line, 0, line.length);
      return true;
    } catch (RecordCodec.InvalidRecord e) {
      return false;
    }
  }

  /** The check the verification pass runs: the fast path, then the parser for what it is unsure of. */
  private static boolean combined(byte[] line) {
    return FastRecordCheck.accepts(line, 0, line.length) || full(line);
  }

  @Property(tries = 20_000)
  void acceptsOnlyWhatTheParserAccepts(@ForAll("lines") byte[] line) {
    boolean fast = FastRecordCheck.accepts(line, 0, line.length);
    boolean parser = full(line);
    Statistics.label("fast/parser").collect(fast + "/" + parser);
    // The generator must reach every outcome the property is about, often.
    Statistics.label("fast/parser").coverage(c -> {
      c.check("true/true").percentage(p -> p > 5);
      c.check("false/true").percentage(p -> p > 0.3);
      c.check("false/false").percentage(p -> p > 20);
    });
    if (fast) {
      assertThat(parser).as("fast path accepted what the parser rejects: %s", new String(line, StandardCharsets.UTF_8)).isTrue();
    }
    assertThat(combined(line)).isEqualTo(parser);
  }

  @Property(tries = 3_000)
  void acceptsCanonicalRecordsWithoutEscapes(@ForAll("plainRecords") TokenRecord record) {
    byte[] line = write(record);
    assertThat(full(line)).isTrue();
    assertThat(FastRecordCheck.accepts(line, 0, line.length)).as(new String(line, StandardCharsets.UTF_8)).isTrue();
  }

  @Property(tries = 3_000)
  void writtenRecordsWithoutEscapesTakeTheCanonicalPath(@ForAll("plainRecords") TokenRecord record) {
    byte[] line = write(record);
    assertThat(FastRecordCheck.acceptsCanonical(line, 0, line.length)).as(new String(line, StandardCharsets.UTF_8)).isTrue();
  }

  @Property(tries = 20_000)
  void canonicalPathAcceptsOnlyWhatTheParserAccepts(@ForAll("lines") byte[] line) {
    if (FastRecordCheck.acceptsCanonical(line, 0, line.length)) {
      assertThat(full(line)).as("canonical path accepted what the parser rejects: %s",
          new String(line, StandardCharsets.UTF_8)).isTrue();
    }
  }

  /** The writer skips its raw-line check for canonical lines: they must pass it. */
  @Property(tries = 20_000)
  void canonicalLinesPassTheWritersLineCheck(@ForAll("lines") byte[] line) {
    if (FastRecordCheck.acceptsCanonical(line, 0, line.length)) {
      assertThat(io.hellgate.export.internal.LineCheck.utf8(line, 0, line.length)).isNull();
    }
  }

  @Test
  void canonicalPathLeavesOtherLayoutsToTheGeneralPath() {
    String ok = MINIMAL;
    byte[] valid = ok.getBytes(StandardCharsets.UTF_8);
    assertThat(FastRecordCheck.acceptsCanonical(valid, 0, valid.length)).isTrue();
    String[] otherLayouts = {
      ok.replace(",\"card\"", ", \"card\""), // whitespace
      "{\"card\":{\"expiry_month\":1,\"expiry_year\":2031,\"account_number\":\"4111111111111111\"},\"id\":\"a\","
          + "\"created_at\":\"2023-10-01T12:00:00Z\"}", // another member order
      ok + " ", // trailing whitespace
      ok.replace("\"expiry_month\":1,\"expiry_year\":2031", "\"expiry_year\":2031,\"expiry_month\":1"),
      // Whitespace inside metadata (the writer writes none, and skips its CR check for canonical lines):
      ok.substring(0, ok.length() - 1) + ",\"metadata\":{\"k\":\"v\"\r}}",
      ok.substring(0, ok.length() - 1) + ",\"metadata\":{ \"k\":\"v\"}}",
      ok.substring(0, ok.length() - 1) + ",\"metadata\":{\"k\"\t:\"v\"}}",
    };
    for (String s : otherLayouts) {
      byte[] line = s.getBytes(StandardCharsets.UTF_8);
      assertThat(FastRecordCheck.acceptsCanonical(line, 0, line.length)).as(s).isFalse();
      assertThat(FastRecordCheck.accepts(line, 0, line.length)).as(s).isTrue();
    }
  }

  @Property(tries = 3_000)
  void agreesOnSpacedRecords(@ForAll("plainRecords") TokenRecord record, @ForAll("spaces") String space) {
    String json = new String(write(record), StandardCharsets.UTF_8);
    // Python's json.dumps style and worse: whitespace around every separator. The strings here hold
    // no quote, comma or brace, so '":' ends a name and ',"' starts one.
    String spaced = space + json.replace("\":", "\"" + space + ":" + space).replace(",\"", space + "," + space + "\"")
        .replace("{", "{" + space).replace("}", space + "}") + space;
    byte[] line = spaced.getBytes(StandardCharsets.UTF_8);
    assertThat(FastRecordCheck.accepts(line, 0, line.length)).isEqualTo(full(line)).isTrue();
  }

  @Test
  void acceptsTheFixtureRecordsOnTheFastPath() {
    for (int i = 0; i < 2_000; i++) {
      byte[] line = write(Fixtures.record(i));
      assertThat(FastRecordCheck.accepts(line, 0, line.length)).as("record %d", i).isTrue();
    }
  }

  /** The time check reads words, not bytes: every byte of both times, set to every value. */
  @Test
  void timesAgreeWithTheParserOnEverySingleByteChange() {
    String ok = CARD_PART
        + "\"created_at\":\"2024-02-29T23:59:59Z\",\"expires_at\":\"2023-12-31T00:00:00Z\"}";
    byte[] valid = ok.getBytes(StandardCharsets.UTF_8);
    int accepted = 0;
    for (String time : new String[] {"\"2024-02-29T23:59:59Z\"", "\"2023-12-31T00:00:00Z\""}) {
      int at = ok.indexOf(time);
      for (int i = at; i < at + time.length(); i++) {
        for (int v = 0; v < 256; v++) {
          byte[] line = valid.clone();
          line[i] = (byte) v;
          boolean fast = FastRecordCheck.accepts(line, 0, line.length);
          if (fast) {
            accepted++;
            assertThat(full(line)).as("fast path accepted %s", new String(line, StandardCharsets.ISO_8859_1)).isTrue();
          }
        }
      }
    }
    assertThat(accepted).isGreaterThan(100); // the valid digit changes
  }

  /** The first four metadata keys are kept in locals, the rest in an array: duplicates across both. */
  @Test
  void findsDuplicateMetadataKeysWhereverTheyAre() {
    String head = CARD_PART
        + "\"created_at\":\"2023-10-01T12:00:00Z\",\"metadata\":{";
    for (int keys = 1; keys <= 17; keys++) {
      for (int dup = -1; dup < keys - 1; dup++) {
        StringBuilder m = new StringBuilder();
        for (int i = 0; i < keys; i++) {
          // With dup >= 0, the last key repeats key number dup.
          int name = i == keys - 1 && dup >= 0 ? dup : i;
          m.append(i == 0 ? "" : ",").append("\"k").append(name).append("\":\"v\"");
        }
        byte[] line = (head + m + "}}").getBytes(StandardCharsets.UTF_8);
        boolean fast = FastRecordCheck.accepts(line, 0, line.length);
        assertThat(fast).as("%d keys, duplicate of %d", keys, dup).isEqualTo(dup < 0 && keys <= 16);
        assertThat(combined(line)).isEqualTo(full(line)).isEqualTo(dup < 0);
      }
    }
  }

  @Test
  void leavesEdgeCasesToTheParser() {
    String ok = MINIMAL;
    byte[] valid = ok.getBytes(StandardCharsets.UTF_8);
    assertThat(FastRecordCheck.accepts(valid, 0, valid.length)).isTrue();
    String[] unsure = {
      ok.replace("\"a\"", "\"\\u0061\""), // an escape: valid, for the parser
      ok.replace("}", ",\"x\":1}"), // an unknown member: valid, for the parser
      ok.replace("12:00:00Z", "12:00:00.5Z"), // another time form: valid, for the parser
      ok.replace("\"a\"", "\" \""), // blank id: invalid
      ok.replace("2031", "1969"), // expiry year out of range: invalid
      ok.replace(":1,", ":01,"), // leading zero: invalid JSON
      ok.replace("2023-10-01", "2023-02-29"), // no such day: invalid
      ok.replace("\"card\"", "\"id\":\"b\",\"card\""), // duplicate id: invalid
      ok + "x", // trailing data: invalid
      ok.replace("\"a\"", "\"\u00e9\u2003\""), // non-ASCII only, and blank to Java: for the parser
    };
    for (String s : unsure) {
      byte[] line = s.getBytes(StandardCharsets.UTF_8);
      assertThat(FastRecordCheck.accepts(line, 0, line.length)).as(s).isFalse();
    }
  }

  /** The record as the writer writes it (RecordCodec.write), without its newline. */
  static byte[] write(TokenRecord record) {
    com.fasterxml.jackson.core.util.ByteArrayBuilder out = new com.fasterxml.jackson.core.util.ByteArrayBuilder();
    RecordCodec.write(record, out);
    return out.toByteArray();
  }

  // ---- generators -----------------------------------------------------------------------------

  /** Characters that need no JSON escape: ASCII letters, digits, space, punctuation, and beyond ASCII. */
  private static Arbitrary<String> plainText(int min, int max) {
    return Arbitraries.of("a", "b", "c", "X", "Z", "0", "1", "9", " ", "-", "_", ".", "/", "+", "é", "€", "😀", "Ω")
        .list().ofMinSize(min).ofMaxSize(max).map(l -> String.join("", l));
  }

  @Provide
  Arbitrary<String> spaces() {
    return Arbitraries.of("", " ", "  ", "\t", " \r ");
  }

  @Provide
  Arbitrary<TokenRecord> plainRecords() {
    Arbitrary<String> id = plainText(0, 40).map(s -> "r" + s);
    Arbitrary<String> pan = Arbitraries.strings().numeric().ofMinLength(12).ofMaxLength(19);
    Arbitrary<Card> card = Combinators.combine(
            pan, Arbitraries.integers().between(1, 12), Arbitraries.integers().between(1970, 9999),
            plainText(0, 128).injectNull(0.3), plainText(0, 32).injectNull(0.3))
        .as((p, m, y, name, scheme) -> Card.builder().accountNumber(p).expiryMonth(m).expiryYear(y)
            .cardholderName(name).scheme(scheme).build());
    Arbitrary<java.time.Instant> time = Arbitraries.longs().between(-62_167_219_200L, 253_402_300_799L)
        .map(java.time.Instant::ofEpochSecond);
    Arbitrary<java.util.Map<String, String>> metadata =
        Arbitraries.maps(plainText(0, 20), plainText(0, 30)).ofMaxSize(16).injectNull(0.4);
    return Combinators.combine(id, card, time, time.injectNull(0.3), metadata)
        .as((i, c, created, expires, m) -> TokenRecord.builder().id(i).card(c).createdAt(created).expiresAt(expires)
            .metadata(m).build());
  }

  /** Valid lines in many shapes, and the same lines broken in many ways. */
  @Provide
  Arbitrary<byte[]> lines() {
    Arbitrary<String> assembled = assembledRecords();
    Arbitrary<byte[]> valid = plainRecords().map(FastRecordCheckProperties::write);
    Arbitrary<byte[]> base = Arbitraries.oneOf(assembled.map(s -> s.getBytes(StandardCharsets.UTF_8)), valid);
    return Arbitraries.oneOf(base, base.flatMap(FastRecordCheckProperties::mutated));
  }

  private static Arbitrary<byte[]> mutated(byte[] line) {
    Arbitrary<Integer> at = Arbitraries.integers().between(0, Math.max(0, line.length - 1));
    Arbitrary<Byte> anyByte = Arbitraries.of((byte) '"', (byte) '\\', (byte) ',', (byte) ':', (byte) '{', (byte) '}',
        (byte) '0', (byte) '9', (byte) ' ', (byte) '\r', (byte) '\t', (byte) 0, (byte) 0x1f, (byte) 0x7f, (byte) 0x80, (byte) 0xc0, (byte) 0xed,
        (byte) 0xf4, (byte) 0xff, (byte) 'n', (byte) 'e', (byte) '-', (byte) '.', (byte) 'Z', (byte) 'T');
    return Combinators.combine(at, anyByte, Arbitraries.integers().between(0, 3)).as((i, b, kind) -> {
      if (line.length == 0) {
        return new byte[] {b};
      }
      switch (kind) {
        case 0: { // replace
          byte[] c = line.clone();
          c[i] = b;
          return c;
        }
        case 1: { // insert
          byte[] c = new byte[line.length + 1];
          System.arraycopy(line, 0, c, 0, i);
          c[i] = b;
          System.arraycopy(line, i, c, i + 1, line.length - i);
          return c;
        }
        case 2: { // delete
          byte[] c = new byte[line.length - 1];
          System.arraycopy(line, 0, c, 0, i);
          System.arraycopy(line, i + 1, c, i, line.length - i - 1);
          return c;
        }
        default: // truncate
          return java.util.Arrays.copyOf(line, i);
      }
    });
  }

  /** Records assembled from edge-case members: missing, duplicated, null, wrong types, odd values. */
  private static Arbitrary<String> assembledRecords() {
    Arbitrary<String> str = Arbitraries.of("\"\"", "\" \"", "\"a\"", "\"\\u0041\"", "\"\\\"\"", "\"\\ud800\"", "\"é\"",
        "\"\u2003\"", "\"😀\"", "\"" + "x".repeat(256) + "\"", "\"" + "x".repeat(257) + "\"", "\"" + "😀".repeat(128) + "\"",
        "\"" + "😀".repeat(129) + "\"", "\"" + "x".repeat(64) + "\"", "\"" + "x".repeat(65) + "\"", "\"a\tb\"", "null", "1",
        "true", "{}", "[]", "\"visa\"");
    Arbitrary<String> num = Arbitraries.of("0", "1", "9", "12", "13", "01", "1970", "1969", "9999", "10000", "-1", "1.0",
        "1e1", "2031", "\"1\"", "null", "12 ", "2147483648");
    Arbitrary<String> time = Arbitraries.of("\"2023-10-01T12:00:00Z\"", "\"2024-02-29T23:59:59Z\"", "\"2023-02-29T00:00:00Z\"",
        "\"2000-02-29T00:00:00Z\"", "\"1900-02-29T00:00:00Z\"", "\"0000-01-01T00:00:00Z\"", "\"9999-12-31T23:59:59Z\"",
        "\"2023-01-01T24:00:00Z\"", "\"2023-01-01T00:60:00Z\"", "\"2023-01-01T00:00:60Z\"", "\"2023-04-31T00:00:00Z\"",
        "\"2023-00-01T00:00:00Z\"", "\"2023-01-00T00:00:00Z\"", "\"2023-01-01t00:00:00z\"", "\"2023-10-01T12:00:00.5Z\"",
        "\"2023-10-01T12:00:00+02:00\"", "\"2023-10-01T12:00:00\"", "null", "1", "\"２０２３-01-01T00:00:00Z\"");
    Arbitrary<String> pan = Arbitraries.of("\"4111111111111111\"", "\"411111111111\"", "\"41111111111\"", "\"4111111111111111111\"",
        "\"41111111111111111111\"", "\"4111 1111 1111 1111\"", "\"411111111111111a\"", "4111111111111111", "null", "\"\"");
    Arbitrary<String> metaValue = Arbitraries.of("{}", "{\"a\":\"b\"}", "{\"a\":\"b\",\"a\":\"c\"}", "{\"a\":\"b\",\"A\":\"c\"}",
        "{\"a\":1}", "{\"a\":null}", "null", "[]", "\"x\"", "{\"" + "k".repeat(1024) + "\":\"v\"}",
        "{\"" + "k".repeat(1025) + "\":\"v\"}", "{\"é\":\"é\",\"e\":\"e\"}", "{\"\\u0061\":\"x\",\"a\":\"y\"}");
    Arbitrary<String> cardMember = Arbitraries.oneOf(
        num.map(v -> "\"expiry_month\":" + v), num.map(v -> "\"expiry_year\":" + v), pan.map(v -> "\"account_number\":" + v),
        str.map(v -> "\"cardholder_name\":" + v), str.map(v -> "\"scheme\":" + v), Arbitraries.of("\"other\":1"));
    Arbitrary<String> card = Arbitraries.oneOf(
        Combinators.combine(Arbitraries.integers().between(1, 12), Arbitraries.integers().between(1970, 9999), pan,
            cardMember.list().ofMaxSize(2))
            .as((m, y, p, extra) -> {
              List<String> ms = new ArrayList<>(List.of("\"expiry_month\":" + m, "\"expiry_year\":" + y, "\"account_number\":" + p));
              ms.addAll(extra);
              return ms;
            })
            .flatMap(ms -> Arbitraries.shuffle(ms).map(l -> "{" + String.join(",", l) + "}")),
        cardMember.list().ofMaxSize(6).map(l -> "{" + String.join(",", l) + "}"),
        Arbitraries.of("null", "[]", "\"card\"", "{}"));
    Arbitrary<String> member = Arbitraries.oneOf(
        str.map(v -> "\"id\":" + v), card.map(v -> "\"card\":" + v), time.map(v -> "\"created_at\":" + v),
        time.map(v -> "\"expires_at\":" + v), metaValue.map(v -> "\"metadata\":" + v),
        Arbitraries.of("\"x\":1", "\"ID\":\"a\"", "\"id \":\"a\"", "\"\\u0069d\":\"a\""));
    Arbitrary<List<String>> required = Combinators.combine(str, card, time)
        .as((i, c, t) -> List.of("\"id\":" + i, "\"card\":" + c, "\"created_at\":" + t));
    Arbitrary<String> ws = Arbitraries.of("", "", "", " ", "\t", "\r");
    return Combinators.combine(required, member.list().ofMaxSize(3), ws, Arbitraries.of("", "", " ", "x", ",", "}", "\u0000"))
        .as(Tuple::of)
        .flatMap(t -> {
          List<String> ms = new ArrayList<>(t.get1());
          ms.addAll(t.get2());
          return Arbitraries.shuffle(ms).map(l -> t.get3() + "{" + t.get3() + String.join(t.get3() + "," + t.get3(), l) + "}" + t.get4());
        });
  }
}
