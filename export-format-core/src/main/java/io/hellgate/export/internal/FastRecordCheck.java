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
 * <p>Lines laid out exactly as this library's writer writes them take {@link #acceptsCanonical}, which
 * compares the member names as literals instead of parsing them (docs/performance.md, session 8);
 * every other line takes {@link #general}. Both accept only what the rules above allow.
 *
 * <p>Stateless; thread-safe. Internal: public for the record check, the writer and
 * {@code CanonicalRecords} in the API package, and for the benchmark harness ({@code export-tool
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
    return acceptsCanonical(b, off, len) || general(b, off, len);
  }

  /**
   * {@link #accepts} without its {@link #acceptsCanonical} attempt, for a caller that has made that
   * attempt already (the writer): members in any order, JSON whitespace between tokens, the rules of
   * the class comment.
   */
  public static boolean general(byte[] b, int off, int len) {
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
        p = isNull(b, p, end) ? p + 4 : metadata(b, p, end, true);
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

  /**
   * The record exactly as this library's writer lays it out ({@code RecordCodec.write}: members in
   * its order, no whitespace anywhere, no unknown members), its member names compared as whole
   * literals 8 bytes at a time; the values get the same checks as on the general path. So a line it
   * accepts is also strict UTF-8 with no control character, line break, NUL or byte order mark
   * (the writer then skips its raw-line check). False if the line is laid out otherwise or is not
   * valid: {@link #general} then decides. Public for {@code CanonicalRecords}, which decodes what it
   * accepts, and for the writer.
   */
  public static boolean acceptsCanonical(byte[] b, int off, int len) {
    return canonical(b, off, len, null);
  }

  /** Where {@link #canonicalSpans} reports each value: index into its array. */
  public static final int ID_START = 0;
  /** The id's end (its closing quote). */
  public static final int ID_END = 1;
  /** The cardholder name's start, or -1 if it is null or absent. */
  public static final int NAME_START = 2;
  /** The cardholder name's end (its closing quote). */
  public static final int NAME_END = 3;
  /** The expiry month's value. */
  public static final int MONTH = 4;
  /** The expiry year's value. */
  public static final int YEAR = 5;
  /** The account number's start. */
  public static final int PAN_START = 6;
  /** The account number's end (its closing quote). */
  public static final int PAN_END = 7;
  /** The scheme's start, or -1 if it is null or absent. */
  public static final int SCHEME_START = 8;
  /** The scheme's end (its closing quote). */
  public static final int SCHEME_END = 9;
  /** Where the 20 characters of created_at start. */
  public static final int CREATED = 10;
  /** Where the 20 characters of expires_at start, or -1 if it is null or absent. */
  public static final int EXPIRES = 11;
  /** The position of metadata's opening brace, or -1 if it is null or absent. */
  public static final int METADATA_OBJECT = 12;
  /** The length of the array {@link #canonicalSpans} fills. */
  public static final int SPANS = 13;

  /**
   * {@link #acceptsCanonical}, and for a line it accepts, where each value stands ({@code spans},
   * of length {@link #SPANS}, indexed by {@link #ID_START} and the constants after it): what
   * {@code CanonicalRecords} decodes the record from, so that the layout is walked once. On false
   * the spans mean nothing.
   */
  public static boolean canonicalSpans(byte[] b, int off, int len, int[] spans) {
    java.util.Objects.requireNonNull(spans, "spans");
    return canonical(b, off, len, spans);
  }

  private static void mark(int[] spans, int index, int value) {
    if (spans != null) {
      spans[index] = value;
    }
  }

  private static boolean canonical(byte[] b, int off, int len, int[] spans) {
    int end = off + len;
    int p = off;
    if (!at(b, p, end, L_ID)) {
      return false;
    }
    p += L_ID.length;
    mark(spans, ID_START, p + 1);
    p = id(b, p, end);
    if (p == NO || !at(b, p, end, L_CARD)) {
      return false;
    }
    mark(spans, ID_END, p - 1);
    p += L_CARD.length;
    mark(spans, NAME_START, -1);
    if (at(b, p, end, L_NAME)) {
      p += L_NAME.length;
      p = nullOrText(b, p, end, 256, spans, NAME_START, NAME_END);
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
    mark(spans, MONTH, v);
    p += digits(v);
    if (!at(b, p, end, L_YEAR)) {
      return false;
    }
    p += L_YEAR.length;
    v = smallInt(b, p, end);
    if (v < 1970 || v > 9999) {
      return false;
    }
    mark(spans, YEAR, v);
    p += 4;
    if (!at(b, p, end, L_PAN)) {
      return false;
    }
    p += L_PAN.length;
    mark(spans, PAN_START, p + 1);
    p = accountNumber(b, p, end);
    if (p == NO) {
      return false;
    }
    mark(spans, PAN_END, p - 1);
    mark(spans, SCHEME_START, -1);
    if (at(b, p, end, L_SCHEME)) {
      p = nullOrText(b, p + L_SCHEME.length, end, 64, spans, SCHEME_START, SCHEME_END);
      if (p == NO) {
        return false;
      }
    }
    if (!at(b, p, end, L_CREATED)) {
      return false;
    }
    p += L_CREATED.length;
    mark(spans, CREATED, p + 1);
    p = time(b, p, end);
    if (p == NO) {
      return false;
    }
    mark(spans, EXPIRES, -1);
    if (at(b, p, end, L_EXPIRES)) {
      p += L_EXPIRES.length;
      if (isNull(b, p, end)) {
        p += 4;
      } else {
        mark(spans, EXPIRES, p + 1);
        p = time(b, p, end);
        if (p == NO) {
          return false;
        }
      }
    }
    mark(spans, METADATA_OBJECT, -1);
    if (at(b, p, end, L_METADATA)) {
      p += L_METADATA.length;
      if (isNull(b, p, end)) {
        p += 4;
      } else {
        mark(spans, METADATA_OBJECT, p);
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
   * {@link #NO}. Marks the string's start and end in {@code spans} (nothing for null).
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

  /**
   * The metadata object at {@code p}; returns the position after it, or {@link #NO}. With {@code
   * spaces}, JSON whitespace may stand between its tokens; without, none may (the canonical path:
   * the writer writes none, and the writer relies on a canonical line holding no whitespace at all).
   */
  private static int metadata(byte[] b, int p, int end, boolean spaces) {
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
   * fast time path accepts (years 0000 to 9999, so the year check passes too). Read as three
   * overlapping 8-byte words: the fixed bytes and the digits are checked a word at a time.
   */
  private static int time(byte[] b, int p, int end) {
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
  private static final long T0_FIXED = 0x0000ff00000000ffL;
  private static final long T0_VALUE = 0x00002d0000000022L;
  private static final long T0_DIGITS = 0xffff00ffffffff00L;
  private static final long T1_FIXED = 0x00ff0000ff0000ffL;
  private static final long T1_VALUE = 0x003a00005400002dL;
  private static final long T1_DIGITS = 0xff00ffff00ffff00L;
  private static final long T2_FIXED = 0xffff0000ff0000ffL;
  private static final long T2_VALUE = 0x225a00003a00003aL;
  private static final long T2_DIGITS = 0x0000ffff00ffff00L;

  /** Whether every byte of {@code w} under {@code mask} is an ASCII digit. */
  private static boolean digits(long w, long mask) {
    long x = w & mask;
    long threes = 0x3030303030303030L & mask;
    return (x & 0xf0f0f0f0f0f0f0f0L) == threes && ((x + (0x0606060606060606L & mask)) & 0xf0f0f0f0f0f0f0f0L) == threes;
  }

  /** The digit at byte {@code i} of {@code w}. */
  private static int d(long w, int i) {
    return (int) (w >>> (8 * i)) & 0x0f;
  }

  private static int daysIn(int year, int month) {
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

  /** {@link #ws} with {@code spaces}; without, {@code p} itself. */
  private static int skip(byte[] b, int p, int end, boolean spaces) {
    return spaces ? ws(b, p, end) : p;
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
