package io.hellgate.export.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The writer's checks on one raw line before it is framed: not empty, no line break ({@code \n} or
 * {@code \r}) or NUL anywhere, no byte order mark at the start, and encodable (a {@code String}
 * without unpaired surrogates) or valid (bytes: strict UTF-8, no overlongs, surrogates or code points
 * above U+10FFFF). Eight bytes at a time while they are plain ASCII. Problems are described without
 * content. Stateless.
 */
public final class LineCheck {
  private LineCheck() {}

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGH_BITS = 0x8080808080808080L;

  public static final String EMPTY = "is empty";
  public static final String LINE_BREAK = "contains a line break";
  public static final String BOM_OR_NUL = "contains a byte order mark or a NUL character";
  public static final String SURROGATE = "contains an unpaired surrogate (not encodable as UTF-8)";
  public static final String NOT_UTF8 = "is not valid UTF-8";

  /** Whether any byte of {@code w} equals the byte repeated in {@code pattern}. */
  private static long equal(long w, long pattern) {
    long x = w ^ pattern;
    return (x - ONES) & ~x & HIGH_BITS;
  }

  /**
   * Flags (in the high bits) the ASCII bytes of {@code w} below {@code 0x0e}, which include
   * {@code \n}, {@code \r} and NUL; may over-flag after a hit, never misses one. A hit sends
   * the word to the byte-wise check, so a tab costs time, not correctness.
   */
  private static long controls(long w) {
    return (w - 0x0e0e0e0e0e0e0e0eL) & ~w & HIGH_BITS;
  }

  /**
   * Checks a line that {@code String.getBytes(UTF_8)} encoded into {@code b[0, len)}: that encoder
   * turns an unpaired surrogate into {@code ?}, so a {@code ?} sends the check to {@code chars}.
   *
   * @return the problem, or null
   */
  public static String encoded(byte[] b, int len, CharSequence chars) {
    if (len == 0) {
      return EMPTY;
    }
    if (len >= 3 && (b[0] & 0xff) == 0xef && (b[1] & 0xff) == 0xbb && (b[2] & 0xff) == 0xbf) {
      return BOM_OR_NUL;
    }
    boolean question = false;
    int i = 0;
    for (; i + 8 <= len; i += 8) {
      long w = (long) LONGS.get(b, i);
      if ((controls(w) | equal(w, 0x3f3f3f3f3f3f3f3fL)) != 0) {
        String p = bytewise(b, i, i + 8);
        if (p != null) {
          return p;
        }
        question = true;
      }
    }
    String p = bytewise(b, i, len);
    if (p != null) {
      return p;
    }
    question |= containsQuestionMark(b, i, len);
    return question ? surrogates(chars) : null;
  }

  private static String bytewise(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      byte c = b[i];
      if (c == '\n' || c == '\r') {
        return LINE_BREAK;
      }
      if (c == 0) {
        return BOM_OR_NUL;
      }
    }
    return null;
  }

  private static boolean containsQuestionMark(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] == '?') {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code b} holds a {@code ?}, into which {@code String.getBytes(UTF_8)} turns an unpaired
   * surrogate; if not, the string had none. Eight bytes at a time.
   */
  public static boolean mayHoldReplacedSurrogates(byte[] b) {
    int i = 0;
    long hits = 0;
    for (; i + 8 <= b.length; i += 8) {
      hits |= equal((long) LONGS.get(b, i), 0x3f3f3f3f3f3f3f3fL);
    }
    return hits != 0 || containsQuestionMark(b, i, b.length);
  }

  /** {@link #SURROGATE} if {@code s} holds an unpaired surrogate, else null. */
  public static String surrogates(CharSequence s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          return SURROGATE;
        }
      }
    }
    return null;
  }

  /**
   * Checks a line given as UTF-8 bytes {@code b[off, off + len)}.
   *
   * @return the problem, or null
   */
  public static String utf8(byte[] b, int off, int len) {
    if (len == 0) {
      return EMPTY;
    }
    int end = off + len;
    if (len >= 3 && (b[off] & 0xff) == 0xef && (b[off + 1] & 0xff) == 0xbb && (b[off + 2] & 0xff) == 0xbf) {
      return BOM_OR_NUL;
    }
    int i = off;
    while (i < end) {
      // Plain ASCII at or above 0x0e, 16 then 8 bytes at a time: (w - 0x0e..) | w has a high bit
      // set exactly where a byte is non-ASCII or below 0x0e (or after such a byte).
      while (i + 16 <= end) {
        long w = (long) LONGS.get(b, i);
        long v = (long) LONGS.get(b, i + 8);
        if ((((w - 0x0e0e0e0e0e0e0e0eL) | w | (v - 0x0e0e0e0e0e0e0e0eL) | v) & HIGH_BITS) != 0) {
          break;
        }
        i += 16;
      }
      while (i + 8 <= end) {
        long w = (long) LONGS.get(b, i);
        if ((((w - 0x0e0e0e0e0e0e0e0eL) | w) & HIGH_BITS) != 0) {
          break;
        }
        i += 8;
      }
      if (i == end) {
        break;
      }
      int c = b[i] & 0xff;
      if (c < 0x80) {
        if (c == '\n' || c == '\r') {
          return LINE_BREAK;
        }
        if (c == 0) {
          return BOM_OR_NUL;
        }
        i++;
        continue;
      }
      int n = LineScanner.sequence(b, i, end);
      if (n <= 0) {
        return NOT_UTF8;
      }
      i += n;
    }
    return null;
  }
}
