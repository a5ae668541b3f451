package io.hellgate.export.internal;

/**
 * A byte-level fast path for the record check of the verification pass: {@link #accepts} returns
 * {@code true} only for lines that the full record parser ({@code RecordCodec.parse}) certainly accepts, and {@code false}
 * for everything else, valid or not ("not sure"), which {@code RecordCheck} then hands to the full
 * parser. So the combined check accepts and rejects exactly what {@code RecordCodec.parse} does,
 * with its messages; only the common shapes are fast.
 *
 * <p>What the fast path accepts, a strict subset of the record rules of docs/format.md section 6.2:
 * one JSON object, JSON whitespace between tokens, members only {@code id}, {@code card}, {@code
 * created_at}, {@code expires_at} and {@code metadata} in any order and at most once each (any
 * other member: not sure); {@code card} only with {@code cardholder_name}, {@code expiry_month},
 * {@code expiry_year}, {@code account_number}, {@code scheme}; strings without escapes, in strict
 * UTF-8, no control characters and no DEL; times only as {@code YYYY-MM-DDTHH:MM:SSZ}; integers
 * only as 1 to 4 digits without a leading zero; at most 16 metadata members. Every check the
 * builders make ({@code TokenRecord.Builder.build}, {@code Card.Builder.build}) is made here on
 * the bytes: id present, not blank, at most 256 characters; card, expiry month and year and
 * account number (12 to 19 ASCII digits) present; month 1 to 12, year 1970 to 9999; name at most
 * 256 and scheme at most 64 characters; created_at present and a real date; metadata keys unique
 * and at most 1024 bytes. {@code FastRecordCheckProperties} compares it with the full parser, and
 * {@code ValidatedLinesConformanceTest} runs every conformance vector through it.
 *
 * <p>Stateless; thread-safe. Internal: public only for the benchmark harness ({@code export-tool
 * bench --components}); the package is not exported to applications.
 */
public final class FastRecordCheck {
  /** The longest id, in UTF-16 characters ({@code TokenRecord.MAX_ID_LENGTH}). */
  static final int MAX_ID_CHARS = 256;
  private static final byte[] ID = name("id");
  private static final byte[] CARD = name("card");
  private static final byte[] CREATED_AT = name("created_at");
  private static final byte[] EXPIRES_AT = name("expires_at");
  private static final byte[] METADATA = name("metadata");
  private static final byte[] CARDHOLDER_NAME = name("cardholder_name");
  private static final byte[] EXPIRY_MONTH = name("expiry_month");
  private static final byte[] EXPIRY_YEAR = name("expiry_year");
  private static final byte[] ACCOUNT_NUMBER = name("account_number");
  private static final byte[] SCHEME = name("scheme");
  private static final int MAX_METADATA = 16;
  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;

  /** Not sure: hand the line to the full parser. */
  private static final int NO = -1;

  private FastRecordCheck() {}

  private static byte[] name(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  /**
   * Whether {@code b[off, off + len)} (one line, without its newline) is certainly a valid record.
   * {@code false} says nothing: the line may still be valid.
   */
  public static boolean accepts(byte[] b, int off, int len) {
    int end = off + len;
    int p = ws(b, off, end);
    if (p >= end || b[p] != '{') {
      return false;
    }
    p = ws(b, p + 1, end);
    int seen = 0;
    if (p < end && b[p] == '}') {
      return false; // no card
    }
    while (true) {
      int nameStart = p + 1;
      int nameEnd = plainString(b, p, end);
      if (nameEnd == NO) {
        return false;
      }
      p = ws(b, nameEnd + 1, end);
      if (p >= end || b[p] != ':') {
        return false;
      }
      p = ws(b, p + 1, end);
      int bit;
      if (is(b, nameStart, nameEnd, ID)) {
        bit = 1;
        p = id(b, p, end);
      } else if (is(b, nameStart, nameEnd, CARD)) {
        bit = 2;
        p = card(b, p, end);
      } else if (is(b, nameStart, nameEnd, CREATED_AT)) {
        bit = 4;
        p = time(b, p, end);
      } else if (is(b, nameStart, nameEnd, EXPIRES_AT)) {
        bit = 8;
        p = isNull(b, p, end) ? p + 4 : time(b, p, end);
      } else if (is(b, nameStart, nameEnd, METADATA)) {
        bit = 16;
        p = isNull(b, p, end) ? p + 4 : metadata(b, p, end);
      } else {
        return false;
      }
      if (p == NO || (seen & bit) != 0) {
        return false;
      }
      seen |= bit;
      p = ws(b, p, end);
      if (p >= end) {
        return false;
      }
      if (b[p] == '}') {
        break;
      }
      if (b[p] != ',') {
        return false;
      }
      p = ws(b, p + 1, end);
    }
    // id, card and created_at are required.
    return (seen & 7) == 7 && ws(b, p + 1, end) == end;
  }

  /** The card object at {@code p}; returns the position after it, or {@link #NO}. */
  private static int card(byte[] b, int p, int end) {
    if (p >= end || b[p] != '{') {
      return NO;
    }
    p = ws(b, p + 1, end);
    int seen = 0;
    if (p < end && b[p] == '}') {
      return NO;
    }
    while (true) {
      int nameStart = p + 1;
      int nameEnd = plainString(b, p, end);
      if (nameEnd == NO) {
        return NO;
      }
      p = ws(b, nameEnd + 1, end);
      if (p >= end || b[p] != ':') {
        return NO;
      }
      p = ws(b, p + 1, end);
      int bit;
      if (is(b, nameStart, nameEnd, ACCOUNT_NUMBER)) {
        bit = 1;
        p = accountNumber(b, p, end);
      } else if (is(b, nameStart, nameEnd, EXPIRY_MONTH)) {
        bit = 2;
        int v = smallInt(b, p, end);
        p = v < 1 || v > 12 ? NO : p + digits(v);
      } else if (is(b, nameStart, nameEnd, EXPIRY_YEAR)) {
        bit = 4;
        int v = smallInt(b, p, end);
        p = v < 1970 || v > 9999 ? NO : p + 4;
      } else if (is(b, nameStart, nameEnd, CARDHOLDER_NAME)) {
        bit = 8;
        p = isNull(b, p, end) ? p + 4 : text(b, p, end, 256, false);
      } else if (is(b, nameStart, nameEnd, SCHEME)) {
        bit = 16;
        p = isNull(b, p, end) ? p + 4 : text(b, p, end, 64, false);
      } else {
        return NO;
      }
      if (p == NO || (seen & bit) != 0) {
        return NO;
      }
      seen |= bit;
      p = ws(b, p, end);
      if (p >= end) {
        return NO;
      }
      if (b[p] == '}') {
        // account_number, expiry_month and expiry_year are required
        return (seen & 7) == 7 ? p + 1 : NO;
      }
      if (b[p] != ',') {
        return NO;
      }
      p = ws(b, p + 1, end);
    }
  }

  /** The metadata object at {@code p}; returns the position after it, or {@link #NO}. */
  private static int metadata(byte[] b, int p, int end) {
    if (p >= end || b[p] != '{') {
      return NO;
    }
    p = ws(b, p + 1, end);
    if (p < end && b[p] == '}') {
      return p + 1;
    }
    // Key ranges, to find duplicates without allocating: start and end of each, at most 16.
    long[] keys = null;
    int count = 0;
    while (true) {
      int keyStart = p + 1;
      int keyEnd = plainString(b, p, end);
      if (keyEnd == NO || keyEnd - keyStart > 1024 || count == MAX_METADATA) {
        return NO;
      }
      // Strings without escapes in strict UTF-8: equal names are equal bytes.
      for (int i = 0; i < count; i++) {
        int s = (int) (keys[i] >>> 32);
        int e = (int) keys[i];
        if (e - s == keyEnd - keyStart && java.util.Arrays.equals(b, s, e, b, keyStart, keyEnd)) {
          return NO;
        }
      }
      if (keys == null) {
        keys = new long[MAX_METADATA];
      }
      keys[count++] = ((long) keyStart << 32) | keyEnd;
      p = ws(b, keyEnd + 1, end);
      if (p >= end || b[p] != ':') {
        return NO;
      }
      p = ws(b, p + 1, end);
      int valueEnd = plainString(b, p, end);
      if (valueEnd == NO) {
        return NO;
      }
      p = ws(b, valueEnd + 1, end);
      if (p >= end) {
        return NO;
      }
      if (b[p] == '}') {
        return p + 1;
      }
      if (b[p] != ',') {
        return NO;
      }
      p = ws(b, p + 1, end);
    }
  }

  /** The id: a string of at most 256 characters that is not blank. */
  private static int id(byte[] b, int p, int end) {
    return text(b, p, end, MAX_ID_CHARS, true);
  }

  /** 12 to 19 ASCII digits in a string. */
  private static int accountNumber(byte[] b, int p, int end) {
    if (p >= end || b[p] != '"') {
      return NO;
    }
    int i = p + 1;
    while (i < end && b[i] >= '0' && b[i] <= '9') {
      i++;
    }
    int n = i - p - 1;
    return i < end && b[i] == '"' && n >= 12 && n <= 19 ? i + 1 : NO;
  }

  /**
   * A string of {@code YYYY-MM-DDTHH:MM:SSZ}, a real date and time: what {@code RecordCodec}'s
   * fast time path accepts (years 0000 to 9999, so the year check passes too).
   */
  private static int time(byte[] b, int p, int end) {
    if (p + 22 > end || b[p] != '"' || b[p + 21] != '"') {
      return NO;
    }
    int t = p + 1;
    if (b[t + 4] != '-' || b[t + 7] != '-' || b[t + 10] != 'T' || b[t + 13] != ':' || b[t + 16] != ':' || b[t + 19] != 'Z') {
      return NO;
    }
    int year = num(b, t, 4);
    int month = num(b, t + 5, 2);
    int day = num(b, t + 8, 2);
    int hour = num(b, t + 11, 2);
    int minute = num(b, t + 14, 2);
    int second = num(b, t + 17, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
        || second < 0 || second > 59 || day > daysIn(year, month)) {
      return NO;
    }
    return p + 22;
  }

  private static int daysIn(int year, int month) {
    if (month == 2) {
      boolean leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
      return leap ? 29 : 28;
    }
    return month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
  }

  private static int num(byte[] b, int from, int count) {
    int v = 0;
    for (int i = from; i < from + count; i++) {
      int c = b[i] - '0';
      if (c < 0 || c > 9) {
        return -1;
      }
      v = v * 10 + c;
    }
    return v;
  }

  /**
   * An integer of 1 to 4 digits without a leading zero, followed by a byte that ends a JSON
   * number here (whitespace, {@code ,} or {@code }}); its value, or -1.
   */
  private static int smallInt(byte[] b, int p, int end) {
    int v = 0;
    int i = p;
    while (i < end && i - p < 5 && b[i] >= '0' && b[i] <= '9') {
      v = v * 10 + (b[i] - '0');
      i++;
    }
    int n = i - p;
    if (n < 1 || n > 4 || b[p] == '0' || i >= end) {
      return -1;
    }
    byte c = b[i];
    return c == ',' || c == '}' || c == ' ' || c == '\t' || c == '\r' ? v : -1;
  }

  private static int digits(int v) {
    return v >= 1000 ? 4 : v >= 100 ? 3 : v >= 10 ? 2 : 1;
  }

  /**
   * A string of at most {@code maxChars} UTF-16 characters (a 4-byte sequence counts 2); with
   * {@code notBlank}, holding at least one ASCII character that is not whitespace. Returns the
   * position after its closing quote, or {@link #NO}.
   */
  private static int text(byte[] b, int p, int end, int maxChars, boolean notBlank) {
    if (p >= end || b[p] != '"') {
      return NO;
    }
    int chars = 0;
    boolean visible = !notBlank;
    int i = p + 1;
    while (i < end) {
      if (visible) {
        int run = plainRun(b, i, end);
        i += run;
        chars += run;
        if (i >= end) {
          return NO;
        }
      }
      int c = b[i] & 0xff;
      if (c == '"') {
        return chars <= maxChars && visible ? i + 1 : NO;
      }
      if (c < 0x80) {
        if (c < 0x20 || c == '\\' || c == 0x7f) {
          return NO;
        }
        visible |= c != ' ';
        chars++;
        i++;
      } else {
        int n = utf8(b, i, end);
        if (n == NO) {
          return NO;
        }
        chars += n == 4 ? 2 : 1;
        i += n;
      }
    }
    return NO;
  }

  /**
   * A mask with the high bit of every byte of {@code w} that needs a closer look in a string: a
   * quote, a backslash, a control character, DEL or any byte of a non-ASCII character. The lowest
   * flagged byte is exact (the zero-byte tests may flag bytes above a true hit, never below).
   */
  private static long special(long w) {
    long control = (w - 0x2020202020202020L) & ~w;
    long quote = w ^ 0x2222222222222222L;
    long backslash = w ^ 0x5c5c5c5c5c5c5c5cL;
    long del = w ^ 0x7f7f7f7f7f7f7f7fL;
    return (w | control | ((quote - ONES) & ~quote) | ((backslash - ONES) & ~backslash) | ((del - ONES) & ~del)) & HIGHS;
  }

  /** How many bytes from {@code i} on are plain printable ASCII (no quote, backslash or DEL), 8 at a time. */
  private static int plainRun(byte[] b, int i, int end) {
    int start = i;
    while (i + 8 <= end) {
      long m = special((long) LONGS.get(b, i));
      if (m != 0) {
        return i - start + (Long.numberOfTrailingZeros(m) >>> 3);
      }
      i += 8;
    }
    return i - start;
  }

  /**
   * A string at {@code p} without escapes, in strict UTF-8; returns the position of its closing
   * quote (not after it), or {@link #NO}.
   */
  private static int plainString(byte[] b, int p, int end) {
    if (p >= end || b[p] != '"') {
      return NO;
    }
    int i = p + 1;
    while (i < end) {
      i += plainRun(b, i, end);
      if (i >= end) {
        return NO;
      }
      int c = b[i] & 0xff;
      if (c == '"') {
        return i;
      }
      if (c < 0x80) {
        if (c < 0x20 || c == '\\' || c == 0x7f) {
          return NO;
        }
        i++;
      } else {
        int n = utf8(b, i, end);
        if (n == NO) {
          return NO;
        }
        i += n;
      }
    }
    return NO;
  }

  /**
   * The length of the strict UTF-8 sequence of a non-ASCII character at {@code i} (2 to 4; no
   * overlong forms, no surrogates, at most U+10FFFF), or {@link #NO}.
   */
  private static int utf8(byte[] b, int i, int end) {
    int c = b[i] & 0xff;
    if (c >= 0xc2 && c <= 0xdf) {
      return i + 1 < end && cont(b[i + 1]) ? 2 : NO;
    }
    if (c >= 0xe0 && c <= 0xef) {
      if (i + 2 >= end || !cont(b[i + 1]) || !cont(b[i + 2])) {
        return NO;
      }
      int c1 = b[i + 1] & 0xff;
      if ((c == 0xe0 && c1 < 0xa0) || (c == 0xed && c1 > 0x9f)) {
        return NO; // overlong, or a surrogate
      }
      return 3;
    }
    if (c >= 0xf0 && c <= 0xf4) {
      if (i + 3 >= end || !cont(b[i + 1]) || !cont(b[i + 2]) || !cont(b[i + 3])) {
        return NO;
      }
      int c1 = b[i + 1] & 0xff;
      if ((c == 0xf0 && c1 < 0x90) || (c == 0xf4 && c1 > 0x8f)) {
        return NO; // overlong, or beyond U+10FFFF
      }
      return 4;
    }
    return NO;
  }

  private static boolean cont(byte x) {
    return (x & 0xc0) == 0x80;
  }

  private static boolean isNull(byte[] b, int p, int end) {
    return p + 4 <= end && b[p] == 'n' && b[p + 1] == 'u' && b[p + 2] == 'l' && b[p + 3] == 'l';
  }

  /** Whether {@code b[from, to)} is {@code name}: a plain loop, as the names are short. */
  private static boolean is(byte[] b, int from, int to, byte[] name) {
    if (to - from != name.length) {
      return false;
    }
    for (int i = 0; i < name.length; i++) {
      if (b[from + i] != name[i]) {
        return false;
      }
    }
    return true;
  }

  /** Skips JSON whitespace other than the newline (which never occurs inside a line). */
  private static int ws(byte[] b, int p, int end) {
    while (p < end) {
      byte c = b[p];
      if (c != ' ' && c != '\t' && c != '\r') {
        return p;
      }
      p++;
    }
    return p;
  }
}
