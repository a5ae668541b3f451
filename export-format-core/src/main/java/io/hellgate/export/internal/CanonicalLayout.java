package io.hellgate.export.internal;

import static io.hellgate.export.internal.RecordValues.*;

/**
 * The canonical path of {@link FastRecordCheck}: a record laid out exactly as this library's
 * writer lays it out ({@code RecordCodec.write}: members in its order, no whitespace anywhere, no
 * unknown members), its member names compared as whole literals 8 bytes at a time and its values
 * checked by {@link RecordValues}, as on the general path. {@link #walk} optionally reports where
 * each value stands ({@link FastRecordCheck#canonicalSpans}). Stateless; thread-safe.
 */
final class CanonicalLayout {
  private CanonicalLayout() {}

  private static final byte[] L_ID = name("{\"id\":");
  private static final byte[] L_CARD = name(",\"card\":{");
  private static final byte[] L_NAME = name("\"cardholder_name\":");
  private static final byte[] L_MONTH1 = name("\"expiry_month\":");
  private static final byte[] L_MONTH = name(",\"expiry_month\":");
  private static final byte[] L_YEAR = name(",\"expiry_year\":");
  private static final byte[] L_PAN = name(",\"account_number\":");
  private static final byte[] L_SCHEME = name(",\"scheme\":");
  private static final byte[] L_CREATED = name("},\"created_at\":");
  private static final byte[] L_EXPIRES = name(",\"expires_at\":");
  private static final byte[] L_METADATA = name(",\"metadata\":");

  /** Whether {@code b} holds {@code lit} at {@code p}, 8 bytes at a time. */
  private static boolean at(byte[] b, int p, int end, byte[] lit) {
    int n = lit.length;
    if (p + n > end) {
      return false;
    }
    int i = 0;
    for (; i + 8 <= n; i += 8) {
      if ((long) LONGS.get(b, p + i) != (long) LONGS.get(lit, i)) {
        return false;
      }
    }
    for (; i < n; i++) {
      if (b[p + i] != lit[i]) {
        return false;
      }
    }
    return true;
  }

  private static void mark(int[] spans, int index, int value) {
    if (spans != null) {
      spans[index] = value;
    }
  }

  /**
   * Whether {@code b[off, off + len)} is a valid record in the writer's layout; with {@code spans}
   * (else null), where its values stand (indices {@link FastRecordCheck#ID_START} and after).
   */
  static boolean walk(byte[] b, int off, int len, int[] spans) {
    int end = off + len;
    int p = off;
    if (!at(b, p, end, L_ID)) {
      return false;
    }
    p += L_ID.length;
    mark(spans, FastRecordCheck.ID_START, p + 1);
    p = id(b, p, end);
    if (p == NO || !at(b, p, end, L_CARD)) {
      return false;
    }
    mark(spans, FastRecordCheck.ID_END, p - 1);
    p += L_CARD.length;
    mark(spans, FastRecordCheck.NAME_START, -1);
    if (at(b, p, end, L_NAME)) {
      p += L_NAME.length;
      p = nullOrText(b, p, end, 256, spans, FastRecordCheck.NAME_START, FastRecordCheck.NAME_END);
      if (p == NO || !at(b, p, end, L_MONTH)) {
        return false;
      }
      p += L_MONTH.length;
    } else if (at(b, p, end, L_MONTH1)) {
      p += L_MONTH1.length;
    } else {
      return false;
    }
    int v = smallInt(b, p, end);
    if (v < 1 || v > 12) {
      return false;
    }
    mark(spans, FastRecordCheck.MONTH, v);
    p += digits(v);
    if (!at(b, p, end, L_YEAR)) {
      return false;
    }
    p += L_YEAR.length;
    v = smallInt(b, p, end);
    if (v < 1970 || v > 9999) {
      return false;
    }
    mark(spans, FastRecordCheck.YEAR, v);
    p += 4;
    if (!at(b, p, end, L_PAN)) {
      return false;
    }
    p += L_PAN.length;
    mark(spans, FastRecordCheck.PAN_START, p + 1);
    p = accountNumber(b, p, end);
    if (p == NO) {
      return false;
    }
    mark(spans, FastRecordCheck.PAN_END, p - 1);
    mark(spans, FastRecordCheck.SCHEME_START, -1);
    if (at(b, p, end, L_SCHEME)) {
      p = nullOrText(b, p + L_SCHEME.length, end, 64, spans, FastRecordCheck.SCHEME_START, FastRecordCheck.SCHEME_END);
      if (p == NO) {
        return false;
      }
    }
    if (!at(b, p, end, L_CREATED)) {
      return false;
    }
    p += L_CREATED.length;
    mark(spans, FastRecordCheck.CREATED, p + 1);
    p = time(b, p, end);
    if (p == NO) {
      return false;
    }
    mark(spans, FastRecordCheck.EXPIRES, -1);
    if (at(b, p, end, L_EXPIRES)) {
      p += L_EXPIRES.length;
      if (isNull(b, p, end)) {
        p += 4;
      } else {
        mark(spans, FastRecordCheck.EXPIRES, p + 1);
        p = time(b, p, end);
        if (p == NO) {
          return false;
        }
      }
    }
    mark(spans, FastRecordCheck.METADATA_OBJECT, -1);
    if (at(b, p, end, L_METADATA)) {
      p += L_METADATA.length;
      if (isNull(b, p, end)) {
        p += 4;
      } else {
        mark(spans, FastRecordCheck.METADATA_OBJECT, p);
        p = metadata(b, p, end, false);
        if (p == NO) {
          return false;
        }
      }
    }
    return p + 1 == end && b[p] == '}';
  }

  /**
   * {@code null}, or a string of at most {@code maxChars}, at {@code p}; the position after it or
   * {@code NO}. Marks the string's start and end in {@code spans} (nothing for null).
   */
  private static int nullOrText(byte[] b, int p, int end, int maxChars, int[] spans, int startIndex, int endIndex) {
    if (isNull(b, p, end)) {
      return p + 4;
    }
    int after = text(b, p, end, maxChars, false);
    if (after != NO) {
      mark(spans, startIndex, p + 1);
      mark(spans, endIndex, after - 1);
    }
    return after;
  }

}
