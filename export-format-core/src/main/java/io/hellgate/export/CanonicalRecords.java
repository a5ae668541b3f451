package io.hellgate.export;

import io.hellgate.export.internal.FastRecordCheck;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decodes a record laid out exactly as this library's writer writes it ({@link
 * FastRecordCheck#acceptsCanonical}: members in the writer's order, no escapes, no whitespace,
 * no unknown members) by position, without a JSON parser: the check has
 * established that the line is valid, so every string ends at the next quote. {@link
 * RecordCodec#parse} tries it first and parses every other line with Jackson; both give equal
 * records ({@code CanonicalRecordsProperties}). Stateless; thread-safe.
 */
final class CanonicalRecords {
  private CanonicalRecords() {}

  private static final int ID = "{\"id\":\"".length();
  private static final int CARD = ",\"card\":{".length();
  private static final byte[] NAME = ascii("\"cardholder_name\":");
  private static final int MONTH_AFTER_NAME = ",\"expiry_month\":".length();
  private static final int MONTH_FIRST = "\"expiry_month\":".length();
  private static final int YEAR = ",\"expiry_year\":".length();
  private static final int PAN = ",\"account_number\":\"".length();
  private static final byte[] SCHEME = ascii(",\"scheme\":");
  private static final int CREATED = "},\"created_at\":\"".length();
  private static final byte[] EXPIRES = ascii(",\"expires_at\":");
  private static final byte[] METADATA = ascii(",\"metadata\":");

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** The record, or null if the line is not in the writer's layout or not valid (the caller then parses it). */
  static TokenRecord decode(byte[] b, int off, int len) {
    if (!FastRecordCheck.acceptsCanonical(b, off, len)) {
      return null;
    }
    try {
      return decodeChecked(b, off, off + len);
    } catch (IllegalArgumentException | RecordCodec.InvalidRecord e) {
      return null; // cannot happen for a line the check accepted; the parser decides, with its message
    }
  }

  private static TokenRecord decodeChecked(byte[] b, int off, int end) throws RecordCodec.InvalidRecord {
    int p = off + ID;
    int q = quote(b, p);
    String id = text(b, p, q);
    p = q + 1 + CARD;
    Card.Builder card = Card.builder();
    if (at(b, p, end, NAME)) {
      p += NAME.length;
      if (b[p] == 'n') {
        p += 4;
      } else {
        q = quote(b, p + 1);
        card.cardholderName(text(b, p + 1, q));
        p = q + 1;
      }
      p += MONTH_AFTER_NAME;
    } else {
      p += MONTH_FIRST;
    }
    int month = 0;
    for (; b[p] >= '0' && b[p] <= '9'; p++) {
      month = month * 10 + (b[p] - '0');
    }
    p += YEAR;
    int year = (b[p] - '0') * 1000 + (b[p + 1] - '0') * 100 + (b[p + 2] - '0') * 10 + (b[p + 3] - '0');
    p += 4 + PAN;
    q = quote(b, p);
    card.expiryMonth(month).expiryYear(year).accountNumber(text(b, p, q));
    p = q + 1;
    if (at(b, p, end, SCHEME)) {
      p += SCHEME.length;
      if (b[p] == 'n') {
        p += 4;
      } else {
        q = quote(b, p + 1);
        card.scheme(text(b, p + 1, q));
        p = q + 1;
      }
    }
    p += CREATED;
    String created = text(b, p, p + 20);
    p += 21;
    TokenRecord.Builder r = TokenRecord.builder().anonymous().id(id).card(card.build())
        .createdAtText(RecordCodec.instant(created, "created_at"), created);
    if (at(b, p, end, EXPIRES)) {
      p += EXPIRES.length;
      if (b[p] == 'n') {
        p += 4;
      } else {
        String expires = text(b, p + 1, p + 21);
        r.expiresAtText(RecordCodec.instant(expires, "expires_at"), expires);
        p += 22;
      }
    }
    if (at(b, p, end, METADATA)) {
      p += METADATA.length;
      if (b[p] != 'n') {
        r.metadata(metadata(b, p));
      }
    }
    return r.build();
  }

  /** The metadata object at {@code p} (valid, without whitespace: {"k":"v","k2":"v2"}). */
  private static Map<String, String> metadata(byte[] b, int p) {
    Map<String, String> m = new LinkedHashMap<>();
    p++;
    while (b[p] == '"') {
      int q = quote(b, p + 1);
      String key = text(b, p + 1, q);
      p = q + 2; // past the colon, at the value's quote
      q = quote(b, p + 1);
      m.put(key, text(b, p + 1, q));
      p = b[q + 1] == ',' ? q + 2 : q + 1;
    }
    return m;
  }

  /** The next quote from {@code p}: the end of a string without escapes. */
  private static int quote(byte[] b, int p) {
    while (b[p] != '"') {
      p++;
    }
    return p;
  }

  private static String text(byte[] b, int from, int to) {
    return new String(b, from, to - from, StandardCharsets.UTF_8);
  }

  private static boolean at(byte[] b, int p, int end, byte[] lit) {
    if (p + lit.length > end) {
      return false;
    }
    for (int i = 0; i < lit.length; i++) {
      if (b[p + i] != lit[i]) {
        return false;
      }
    }
    return true;
  }
}
