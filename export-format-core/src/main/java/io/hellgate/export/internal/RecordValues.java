package io.hellgate.export.internal;

/**
 * The value checks {@link FastRecordCheck}'s two layouts share, on the bytes of one line: strings
 * (strict UTF-8, no escapes, no control characters), the id, the account number, times, small
 * integers, metadata objects, JSON whitespace. Each returns the position after what it checked,
 * or {@link #NO} ("not sure": the full parser decides). Stateless; thread-safe.
 */
final class RecordValues {
  private RecordValues() {}

  static final int MAX_METADATA = 16;
  static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
  static final long ONES = 0x0101010101010101L;
  static final long HIGHS = 0x8080808080808080L;

  /** Not sure: hand the line to the full parser. */
  static final int NO = -1;

  static byte[] name(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  /**
   * The metadata object at {@code p}; returns the position after it, or {@link #NO}. With {@code
   * spaces}, JSON whitespace may stand between its tokens; without, none may (the canonical path:
   * the writer writes none, and the writer relies on a canonical line holding no whitespace at all).
   */
  static int metadata(byte[] b, int p, int end, boolean spaces) {
    if (p >= end || b[p] != '{') {
      return NO;
    }
    p = skip(b, p + 1, end, spaces);
    if (p < end && b[p] == '}') {
      return p + 1;
    }
    // Key ranges (start << 32 | end), to find duplicates: the first four in locals, the rest in an
    // array made only for records with more than four. Allocating one per record cost 40 % of the
    // whole check (docs/performance.md, session 8).
    long k0 = 0;
    long k1 = 0;
    long k2 = 0;
    long k3 = 0;
    long[] more = null;
    int count = 0;
    while (true) {
      int keyStart = p + 1;
      int keyEnd = plainString(b, p, end);
      if (keyEnd == NO || keyEnd - keyStart > 1024 || count == MAX_METADATA) {
        return NO;
      }
      // Strings without escapes in strict UTF-8: equal names are equal bytes.
      for (int i = 0; i < count; i++) {
        long k = i == 0 ? k0 : i == 1 ? k1 : i == 2 ? k2 : i == 3 ? k3 : more[i - 4];
        int s = (int) (k >>> 32);
        int e = (int) k;
        if (e - s == keyEnd - keyStart && java.util.Arrays.equals(b, s, e, b, keyStart, keyEnd)) {
          return NO;
        }
      }
      long key = ((long) keyStart << 32) | keyEnd;
      if (count == 0) {
        k0 = key;
      } else if (count == 1) {
        k1 = key;
      } else if (count == 2) {
        k2 = key;
      } else if (count == 3) {
        k3 = key;
      } else {
        if (more == null) {
          more = new long[MAX_METADATA - 4];
        }
        more[count - 4] = key;
      }
      count++;
      p = skip(b, keyEnd + 1, end, spaces);
      if (p >= end || b[p] != ':') {
        return NO;
      }
      p = skip(b, p + 1, end, spaces);
      int valueEnd = plainString(b, p, end);
      if (valueEnd == NO) {
        return NO;
      }
      p = skip(b, valueEnd + 1, end, spaces);
      if (p >= end) {
        return NO;
      }
      if (b[p] == '}') {
        return p + 1;
      }
      if (b[p] != ',') {
        return NO;
      }
      p = skip(b, p + 1, end, spaces);
    }
  }

  /** The id: a string of at most 256 characters that is not blank. */
  static int id(byte[] b, int p, int end) {
    return text(b, p, end, FastRecordCheck.MAX_ID_CHARS, true);
  }

  /** 12 to 19 ASCII digits in a string. */
  static int accountNumber(byte[] b, int p, int end) {
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
   * fast time path accepts (years 0000 to 9999, so the year check passes too). Read as three
   * overlapping 8-byte words: the fixed bytes and the digits are checked a word at a time.
   */
  static int time(byte[] b, int p, int end) {
    if (p + 22 > end) {
      return NO;
    }
    long w0 = (long) LONGS.get(b, p); // "YYYY-MM
    long w1 = (long) LONGS.get(b, p + 8); // -DDTHH:m
    long w2 = (long) LONGS.get(b, p + 14); // :mm:SSZ"
    if ((w0 & T0_FIXED) != T0_VALUE || (w1 & T1_FIXED) != T1_VALUE || (w2 & T2_FIXED) != T2_VALUE
        || !digits(w0, T0_DIGITS) || !digits(w1, T1_DIGITS) || !digits(w2, T2_DIGITS)) {
      return NO;
    }
    int year = d(w0, 1) * 1000 + d(w0, 2) * 100 + d(w0, 3) * 10 + d(w0, 4);
    int month = d(w0, 6) * 10 + d(w0, 7);
    int day = d(w1, 1) * 10 + d(w1, 2);
    int hour = d(w1, 4) * 10 + d(w1, 5);
    int minute = d(w2, 1) * 10 + d(w2, 2);
    int second = d(w2, 4) * 10 + d(w2, 5);
    if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59
        || (day > 28 && day > daysIn(year, month))) {
      return NO;
    }
    return p + 22;
  }

  /** The bytes of the three time words that are fixed, their values, and the digit bytes (little-endian). */
  static final long T0_FIXED = 0x0000ff00000000ffL;
  static final long T0_VALUE = 0x00002d0000000022L;
  static final long T0_DIGITS = 0xffff00ffffffff00L;
  static final long T1_FIXED = 0x00ff0000ff0000ffL;
  static final long T1_VALUE = 0x003a00005400002dL;
  static final long T1_DIGITS = 0xff00ffff00ffff00L;
  static final long T2_FIXED = 0xffff0000ff0000ffL;
  static final long T2_VALUE = 0x225a00003a00003aL;
  static final long T2_DIGITS = 0x0000ffff00ffff00L;

  /** Whether every byte of {@code w} under {@code mask} is an ASCII digit. */
  static boolean digits(long w, long mask) {
    long x = w & mask;
    long threes = 0x3030303030303030L & mask;
    return (x & 0xf0f0f0f0f0f0f0f0L) == threes && ((x + (0x0606060606060606L & mask)) & 0xf0f0f0f0f0f0f0f0L) == threes;
  }

  /** The digit at byte {@code i} of {@code w}. */
  static int d(long w, int i) {
    return (int) (w >>> (8 * i)) & 0x0f;
  }

  static int daysIn(int year, int month) {
    if (month == 2) {
      boolean leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
      return leap ? 29 : 28;
    }
    return month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
  }

  /**
   * An integer of 1 to 4 digits without a leading zero, followed by a byte that ends a JSON
   * number here (whitespace, {@code ,} or {@code }}); its value, or -1.
   */
  static int smallInt(byte[] b, int p, int end) {
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

  static int digits(int v) {
    return v >= 1000 ? 4 : v >= 100 ? 3 : v >= 10 ? 2 : 1;
  }

  /**
   * A string of at most {@code maxChars} UTF-16 characters (a 4-byte sequence counts 2); with
   * {@code notBlank}, holding at least one ASCII character that is not whitespace. Returns the
   * position after its closing quote, or {@link #NO}.
   */
  static int text(byte[] b, int p, int end, int maxChars, boolean notBlank) {
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
  static long special(long w) {
    long control = (w - 0x2020202020202020L) & ~w;
    long quote = w ^ 0x2222222222222222L;
    long backslash = w ^ 0x5c5c5c5c5c5c5c5cL;
    long del = w ^ 0x7f7f7f7f7f7f7f7fL;
    return (w | control | ((quote - ONES) & ~quote) | ((backslash - ONES) & ~backslash) | ((del - ONES) & ~del)) & HIGHS;
  }

  /** How many bytes from {@code i} on are plain printable ASCII (no quote, backslash or DEL), 8 at a time. */
  static int plainRun(byte[] b, int i, int end) {
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
  static int plainString(byte[] b, int p, int end) {
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
  static int utf8(byte[] b, int i, int end) {
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

  static boolean cont(byte x) {
    return (x & 0xc0) == 0x80;
  }

  static boolean isNull(byte[] b, int p, int end) {
    return p + 4 <= end && b[p] == 'n' && b[p + 1] == 'u' && b[p + 2] == 'l' && b[p + 3] == 'l';
  }

  /** Whether {@code b[from, to)} is {@code name}: a plain loop, as the names are short. */
  static boolean is(byte[] b, int from, int to, byte[] name) {
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

  /** {@link #ws} with {@code spaces}; without, {@code p} itself. */
  static int skip(byte[] b, int p, int end, boolean spaces) {
    return spaces ? ws(b, p, end) : p;
  }

  /** Skips JSON whitespace other than the newline (which never occurs inside a line). */
  static int ws(byte[] b, int p, int end) {
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
