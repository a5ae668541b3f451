package io.hellgate.export;

import io.hellgate.export.internal.FastRecordCheck;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decodes a record laid out exactly as this library's writer writes it ({@link
 * FastRecordCheck#acceptsCanonical}: members in the writer's order, no escapes, no whitespace,
 * no unknown members) from where the check found each value ({@link
 * FastRecordCheck#canonicalSpans}), without a JSON parser and without walking the layout again.
 * {@link RecordCodec#parse} tries it first and parses every other line with Jackson; both give
 * equal records ({@code CanonicalRecordsProperties}). Stateless; thread-safe.
 */
final class CanonicalRecords {
  private CanonicalRecords() {}

  /** The record, or null if the line is not in the writer's layout or not valid (the caller then parses it). */
  static TokenRecord decode(byte[] b, int off, int len) {
    int[] at = new int[FastRecordCheck.SPANS];
    if (!FastRecordCheck.canonicalSpans(b, off, len, at)) {
      return null;
    }
    try {
      return decode(b, at);
    } catch (IllegalArgumentException | RecordCodec.InvalidRecord e) {
      return null; // cannot happen for a line the check accepted; the parser decides, with its message
    }
  }

  private static TokenRecord decode(byte[] b, int[] at) throws RecordCodec.InvalidRecord {
    Card card = Card.builder()
        .cardholderName(text(b, at, FastRecordCheck.NAME_START, FastRecordCheck.NAME_END))
        .expiryMonth(at[FastRecordCheck.MONTH])
        .expiryYear(at[FastRecordCheck.YEAR])
        .accountNumber(text(b, at, FastRecordCheck.PAN_START, FastRecordCheck.PAN_END))
        .scheme(text(b, at, FastRecordCheck.SCHEME_START, FastRecordCheck.SCHEME_END))
        .build();
    String created = time(b, at[FastRecordCheck.CREATED]);
    TokenRecord.Builder r = TokenRecord.builder().anonymous()
        .id(text(b, at, FastRecordCheck.ID_START, FastRecordCheck.ID_END))
        .card(card)
        .createdAtText(RecordCodec.instant(created, "created_at"), created);
    if (at[FastRecordCheck.EXPIRES] >= 0) {
      String expires = time(b, at[FastRecordCheck.EXPIRES]);
      r.expiresAtText(RecordCodec.instant(expires, "expires_at"), expires);
    }
    if (at[FastRecordCheck.METADATA_OBJECT] >= 0) {
      r.ownedMetadata(metadata(b, at[FastRecordCheck.METADATA_OBJECT]));
    }
    return r.build();
  }

  /** The metadata object at {@code p} (valid, without whitespace: {"k":"v","k2":"v2"}). */
  private static LinkedHashMap<String, String> metadata(byte[] b, int p) {
    LinkedHashMap<String, String> m = new LinkedHashMap<>();
    p++;
    while (b[p] == '"') {
      int q = quote(b, p + 1);
      String key = new String(b, p + 1, q - p - 1, StandardCharsets.UTF_8);
      p = q + 2; // past the colon, at the value's quote
      q = quote(b, p + 1);
      m.put(key, new String(b, p + 1, q - p - 1, StandardCharsets.UTF_8));
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

  /** The string between the spans {@code start} and {@code end}, or null if it is absent (start -1). */
  private static String text(byte[] b, int[] at, int start, int end) {
    int s = at[start];
    return s < 0 ? null : new String(b, s, at[end] - s, StandardCharsets.UTF_8);
  }

  /** The 20 ASCII characters of a time in the {@code YYYY-MM-DDTHH:MM:SSZ} form. */
  private static String time(byte[] b, int start) {
    return new String(b, start, 20, StandardCharsets.US_ASCII);
  }
}
