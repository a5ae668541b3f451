package io.hellgate.export;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * JSON for token records: strict parsing (duplicate members, trailing data, wrong types and depth
 * are errors) and canonical writing. Jackson's own messages are never passed on: they can quote
 * input, which may be a PAN.
 */
final class RecordCodec {
  static final JsonFactory FACTORY =
      JsonFactory.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
          // characters beyond U+FFFF as raw UTF-8 (4 bytes), not as a pair of \\u escapes
          .enable(com.fasterxml.jackson.core.json.JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(64)
                  .maxNumberLength(64)
                  .maxStringLength(1 << 20)
                  .maxNameLength(1024)
                  .build())
          .build();

  /**
   * For records: the same limits without Jackson's duplicate detection, which costs a hash set per
   * JSON object (~30 % of parsing in a JFR profile of typed reads). {@link #parseRecord} and
   * {@link #parseCard} track their known members in a bit set instead, and keep a set only for
   * unknown ones; metadata checks its map; unknown values are copied by {@link #compact}, which
   * keeps a set of names per nested object.
   */
  private static final JsonFactory RECORDS =
      FACTORY.rebuild().disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  /** RFC 3339 date-time (section 5.6), with the {@code T} and {@code Z} in upper case. */
  private static final Pattern RFC3339 =
      Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})");

  private RecordCodec() {}

  /** Thrown for a line that is not a valid record; carries a PAN-free message. */
  static final class InvalidRecord extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidRecord(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Parses one JSON Lines record (without its newline): a line in the writer's own layout by
   * position ({@link CanonicalRecords}), every other line with Jackson ({@link #parseJson}).
   */
  static TokenRecord parse(byte[] buf, int off, int len) throws InvalidRecord {
    TokenRecord fast = CanonicalRecords.decode(buf, off, len);
    return fast != null ? fast : parseJson(buf, off, len);
  }

  /** Parses one record with Jackson, whatever its layout; the messages name what is wrong. */
  static TokenRecord parseJson(byte[] buf, int off, int len) throws InvalidRecord {
    // Strict UTF-8: Jackson would skip a BOM and auto-detect UTF-16/32 (which needs NUL bytes).
    if (len >= 1 && (buf[off] & 0xff) == 0xef) {
      throw new InvalidRecord("a record must start with '{' (no byte order mark)");
    }
    for (int i = off, end = off + len; i < end; i++) {
      if (buf[i] == 0) {
        throw new InvalidRecord("contains a NUL byte");
      }
    }
    try (JsonParser p = RECORDS.createParser(buf, off, len)) {
      TokenRecord record = parseRecord(p);
      if (p.nextToken() != null) {
        throw new InvalidRecord("trailing data after the JSON object");
      }
      return record;
    } catch (InvalidRecord e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new InvalidRecord(e.getMessage());
    } catch (IOException e) {
      // Jackson's message may quote the input: report only where it failed.
      long column = -1;
      if (e instanceof com.fasterxml.jackson.core.JsonProcessingException) {
        var loc = ((com.fasterxml.jackson.core.JsonProcessingException) e).getLocation();
        column = loc == null ? -1 : loc.getColumnNr();
      }
      throw new InvalidRecord("not valid JSON" + (column > 0 ? " (near column " + column + ")" : ""));
    }
  }

  private static TokenRecord parseRecord(JsonParser p) throws IOException, InvalidRecord {
    expect(p.nextToken(), JsonToken.START_OBJECT, "a record must be a JSON object");
    TokenRecord.Builder b = TokenRecord.builder().anonymous();
    Members seen = new Members("the record");
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      switch (name) {
        case "id":
          seen.known(0);
          b.id(string(p, t, "id"));
          break;
        case "card":
          seen.known(1);
          b.card(parseCard(p, t));
          break;
        case "created_at": {
          seen.known(2);
          String text = string(p, t, "created_at");
          b.createdAtText(instant(text, "created_at"), text);
          break;
        }
        case "expires_at":
          seen.known(3);
          if (t != JsonToken.VALUE_NULL) {
            String text = string(p, t, "expires_at");
            b.expiresAtText(instant(text, "expires_at"), text);
          }
          break;
        case "metadata":
          seen.known(4);
          if (t != JsonToken.VALUE_NULL) {
            b.ownedMetadata(metadata(p, t));
          }
          break;
        default:
          seen.unknown(name);
          b.extraField(name, compact(p, RECORD_EXTRA_DEPTH));
      }
    }
    if (!seen.has(1)) {
      throw new InvalidRecord("card is required");
    }
    return b.build();
  }

  private static Card parseCard(JsonParser p, JsonToken t) throws IOException, InvalidRecord {
    expect(t, JsonToken.START_OBJECT, "card must be a JSON object");
    Card.Builder c = Card.builder();
    Members seen = new Members("card");
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      switch (name) {
        case "cardholder_name":
          seen.known(0);
          c.cardholderName(v == JsonToken.VALUE_NULL ? null : string(p, v, "card.cardholder_name"));
          break;
        case "expiry_month":
          seen.known(1);
          c.expiryMonth(integer(p, v, "card.expiry_month"));
          break;
        case "expiry_year":
          seen.known(2);
          c.expiryYear(integer(p, v, "card.expiry_year"));
          break;
        case "account_number":
          seen.known(3);
          c.accountNumber(string(p, v, "card.account_number"));
          break;
        case "scheme":
          seen.known(4);
          c.scheme(v == JsonToken.VALUE_NULL ? null : string(p, v, "card.scheme"));
          break;
        default:
          seen.unknown(name);
          c.extraField(name, compact(p, CARD_EXTRA_DEPTH));
      }
    }
    if (!seen.has(1)) {
      throw new InvalidRecord("card.expiry_month is required");
    }
    if (!seen.has(2)) {
      throw new InvalidRecord("card.expiry_year is required");
    }
    return c.build();
  }

  private static LinkedHashMap<String, String> metadata(JsonParser p, JsonToken t) throws IOException, InvalidRecord {
    expect(t, JsonToken.START_OBJECT, "metadata must be a JSON object");
    LinkedHashMap<String, String> m = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      if (m.put(key, string(p, p.nextToken(), "metadata values")) != null) {
        throw new InvalidRecord("metadata has a duplicate member"); // the name is not repeated: it could be anything
      }
    }
    return m;
  }

  /**
   * The members one JSON object has had so far: known ones by index in a bit set, unknown ones by
   * name (a set made only when the first one appears). Duplicates are errors whose message names
   * the object, not the member (a name could be anything, even a PAN).
   */
  private static final class Members {
    private final String object;
    private int known;
    private java.util.Set<String> unknown;

    Members(String object) {
      this.object = object;
    }

    void known(int index) throws InvalidRecord {
      int bit = 1 << index;
      if ((known & bit) != 0) {
        throw duplicate();
      }
      known |= bit;
    }

    void unknown(String name) throws InvalidRecord {
      if (unknown == null) {
        unknown = new java.util.HashSet<>();
      }
      if (!unknown.add(name)) {
        throw duplicate();
      }
    }

    boolean has(int index) {
      return (known & (1 << index)) != 0;
    }

    private InvalidRecord duplicate() {
      return new InvalidRecord(object + " has a duplicate member");
    }
  }

  /** Nesting a top-level unknown value may have: the record object is one of the reader's 64. */
  static final int RECORD_EXTRA_DEPTH = 63;
  /** Nesting an unknown value in {@code card} may have. */
  static final int CARD_EXTRA_DEPTH = 62;

  /**
   * The value at {@code p}'s current token as compact JSON: numbers exactly as written (so
   * {@code 1.0}, {@code 1.50} and {@code 1e1} survive a read and re-write), strings and names
   * re-escaped canonically (the same text), whitespace removed. Rejects duplicate names, lone
   * surrogates (not encodable as UTF-8), names over 1024 UTF-8 bytes and more than
   * {@code depthLeft} levels of nesting: everything the reader would reject in a line.
   */
  private static String compact(JsonParser p, int depthLeft) throws IOException, InvalidRecord {
    java.io.StringWriter out = new java.io.StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      copyValue(p, g, depthLeft);
    }
    return out.toString();
  }

  private static void copyValue(JsonParser p, JsonGenerator g, int depthLeft) throws IOException, InvalidRecord {
    JsonToken t = p.currentToken();
    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
      if (depthLeft <= 0) {
        throw new InvalidRecord("an unknown member is nested more than 64 levels deep in the record");
      }
      if (t == JsonToken.START_ARRAY) {
        g.writeStartArray();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          copyValue(p, g, depthLeft - 1);
        }
        g.writeEndArray();
        return;
      }
      g.writeStartObject();
      java.util.Set<String> names = new java.util.HashSet<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        wellFormed(name, "a member name in an unknown member");
        if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 1024) {
          throw new InvalidRecord("a member name in an unknown member is longer than 1024 bytes");
        }
        if (!names.add(name)) {
          throw new InvalidRecord("an unknown member has a duplicate member");
        }
        g.writeFieldName(name);
        p.nextToken();
        copyValue(p, g, depthLeft - 1);
      }
      g.writeEndObject();
      return;
    }
    switch (t) {
      case VALUE_STRING:
        String text = p.getText();
        wellFormed(text, "a string in an unknown member");
        g.writeString(text);
        break;
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        g.writeNumber(p.getText()); // the number as written: a valid JSON number, checked by the parser
        break;
      case VALUE_TRUE:
      case VALUE_FALSE:
        g.writeBoolean(t == JsonToken.VALUE_TRUE);
        break;
      case VALUE_NULL:
        g.writeNull();
        break;
      default:
        throw new InvalidRecord("an unknown member is not a JSON value");
    }
  }

  private static void wellFormed(String s, String what) throws InvalidRecord {
    if (!RecordValidation.isWellFormed(s)) {
      throw new InvalidRecord(what + " contains an unpaired surrogate (not encodable as UTF-8)");
    }
  }

  private static void expect(JsonToken actual, JsonToken expected, String message) throws InvalidRecord {
    if (actual != expected) {
      throw new InvalidRecord(message);
    }
  }

  private static String string(JsonParser p, JsonToken t, String field) throws IOException, InvalidRecord {
    if (t != JsonToken.VALUE_STRING) {
      throw new InvalidRecord(field + " must be a string");
    }
    return p.getText();
  }

  private static int integer(JsonParser p, JsonToken t, String field) throws IOException, InvalidRecord {
    if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
      throw new InvalidRecord(field + " must be an integer");
    }
    return p.getIntValue();
  }

  static Instant instant(String text, String field) throws InvalidRecord {
    Instant fast = utcSeconds(text);
    if (fast != null) {
      return fast;
    }
    if (!RFC3339.matcher(text).matches()) {
      throw new InvalidRecord(field + " must be an RFC 3339 date-time");
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw new InvalidRecord(field + " must be an RFC 3339 date-time");
    }
  }

  /**
   * The common form {@code YYYY-MM-DDTHH:MM:SSZ} without regex or {@code DateTimeFormatter}, or
   * null for any other form (which then takes the general path).
   */
  private static Instant utcSeconds(String t) {
    if (t.length() != 20 || t.charAt(4) != '-' || t.charAt(7) != '-' || t.charAt(10) != 'T'
        || t.charAt(13) != ':' || t.charAt(16) != ':' || t.charAt(19) != 'Z') {
      return null;
    }
    int year = digits(t, 0, 4);
    int month = digits(t, 5, 2);
    int day = digits(t, 8, 2);
    int hour = digits(t, 11, 2);
    int minute = digits(t, 14, 2);
    int second = digits(t, 17, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
        || second < 0 || second > 59 || day > daysInMonth(year, month)) {
      return null; // let the general path produce the error (or accept a leap second form it knows)
    }
    return Instant.ofEpochSecond(epochDay(year, month, day) * 86_400L + hour * 3600L + minute * 60L + second);
  }

  private static int daysInMonth(int year, int month) {
    if (month == 2) {
      return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
    }
    return month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
  }

  /**
   * Days from 1970-01-01 to a valid proleptic Gregorian date of the years 0 to 9999 (what
   * {@code LocalDate.toEpochDay} gives, without building one): March-based years of 400-year
   * eras, as in Howard Hinnant's {@code days_from_civil}. Checked against LocalDate for every
   * day of those years in {@code RecordCodecTest}.
   */
  static long epochDay(int year, int month, int day) {
    int y = month <= 2 ? year - 1 : year;
    int era = Math.floorDiv(y, 400);
    int yearOfEra = y - era * 400; // [0, 399]
    int dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1; // [0, 365]
    int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear; // [0, 146096]
    return era * 146_097L + dayOfEra - 719_468L;
  }

  private static int digits(String t, int from, int count) {
    int v = 0;
    for (int i = from; i < from + count; i++) {
      char c = t.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /**
   * {@code json} as compact JSON ({@link #compact}) if it is exactly one JSON value with at most
   * {@code depthLeft} levels of nesting, else {@code null}.
   *
   * @throws InvalidRecord naming what the reader would reject in it
   */
  static String compactJson(String json, int depthLeft) throws InvalidRecord {
    try (JsonParser p = FACTORY.createParser(json)) {
      if (p.nextToken() == null) {
        return null;
      }
      String compact = compact(p, depthLeft);
      return p.nextToken() == null ? compact : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Appends the record's canonical JSON (no newline) to {@code out}. */
  static void write(TokenRecord r, ByteArrayBuilder out) {
    try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeStringField("id", r.id());
      g.writeFieldName("card");
      writeCard(g, r.card());
      g.writeStringField("created_at", r.createdAtText());
      if (r.expiresAtText() != null) {
        g.writeStringField("expires_at", r.expiresAtText());
      }
      if (r.hasMetadata()) {
        g.writeObjectFieldStart("metadata");
        for (Map.Entry<String, String> e : r.metadata().entrySet()) {
          g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
      }
      writeExtra(g, r.extraFields());
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("in-memory JSON generation failed", e);
    }
  }

  private static void writeCard(JsonGenerator g, Card c) throws IOException {
    g.writeStartObject();
    if (c.cardholderName().isPresent()) {
      g.writeStringField("cardholder_name", c.cardholderName().get());
    }
    g.writeNumberField("expiry_month", c.expiryMonth());
    g.writeNumberField("expiry_year", c.expiryYear());
    g.writeStringField("account_number", c.accountNumber());
    if (c.scheme().isPresent()) {
      g.writeStringField("scheme", c.scheme().get());
    }
    writeExtra(g, c.extraFields());
    g.writeEndObject();
  }

  private static void writeExtra(JsonGenerator g, Map<String, String> extra) throws IOException {
    for (Map.Entry<String, String> e : extra.entrySet()) {
      g.writeFieldName(e.getKey());
      g.writeRawValue(e.getValue());
    }
  }
}
