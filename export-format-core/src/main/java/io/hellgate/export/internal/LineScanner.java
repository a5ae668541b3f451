package io.hellgate.export.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Checks JSON Lines framing over a stream of plaintext chunks without holding any line: strict
 * UTF-8 (no overlongs, surrogates or code points above U+10FFFF), every line non-empty, at most
 * {@code maxLineBytes} long, ending in {@code \n} and not {@code \r\n}. Counts lines. Reports the
 * first problem by line number only, never by content. Not thread-safe.
 */
public final class LineScanner {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long HIGH_BITS = 0x8080808080808080L;
  private static final long ONES = 0x0101010101010101L;
  private static final long NEWLINES = 0x0a0a0a0a0a0a0a0aL;
  private static final long CONTROLS = 0x0e0e0e0e0e0e0e0eL;

  private final int maxLineBytes;
  private long lines;
  private long lineLength;
  private int prev = -1;
  private int need;
  private int lo = 0x80;
  private int hi = 0xbf;
  private String error;

  /** @param maxLineBytes the longest line accepted, without its newline */
  public LineScanner(int maxLineBytes) {
    this.maxLineBytes = maxLineBytes;
  }

  /**
   * The high bit of each byte of {@code w} that is {@code \n}, and possibly of bytes above the
   * lowest such byte (the borrow of the subtraction); the lowest set bit is always exact.
   */
  private static long newlines(long w) {
    long x = w ^ NEWLINES;
    return (x - ONES) & ~x & HIGH_BITS;
  }

  /** The index of the first {@code \n} in {@code b[from, to)}, or -1. Sixteen bytes per step. */
  public static int indexOfNewline(byte[] b, int from, int to) {
    int i = from;
    for (; i + 16 <= to; i += 16) {
      long m = newlines((long) LONGS.get(b, i));
      if (m != 0) {
        return i + (Long.numberOfTrailingZeros(m) >>> 3);
      }
      m = newlines((long) LONGS.get(b, i + 8));
      if (m != 0) {
        return i + 8 + (Long.numberOfTrailingZeros(m) >>> 3);
      }
    }
    if (i + 8 <= to) {
      long m = newlines((long) LONGS.get(b, i));
      if (m != 0) {
        return i + (Long.numberOfTrailingZeros(m) >>> 3);
      }
      i += 8;
    }
    for (; i < to; i++) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  /** Scans the next chunk of the stream. */
  public void scan(byte[] b, int off, int len) {
    if (error != null) {
      return;
    }
    int end = off + len;
    int i = off;
    while (i < end) {
      if (need == 0) {
        // Skip 16, then 8 bytes at a time while they are ASCII and hold no newline:
        int start = i;
        // (w - 0x0e..) | w has a high bit set where a byte is non-ASCII or below 0x0e (which
        // includes \n; a tab or other control byte just takes the byte-wise path below).
        while (i + 16 <= end) {
          long w = (long) LONGS.get(b, i);
          long v = (long) LONGS.get(b, i + 8);
          if ((((w - CONTROLS) | w | (v - CONTROLS) | v) & HIGH_BITS) != 0) {
            break;
          }
          i += 16;
        }
        while (i + 8 <= end) {
          long w = (long) LONGS.get(b, i);
          if ((((w - CONTROLS) | w) & HIGH_BITS) != 0) {
            break;
          }
          i += 8;
        }
        if (i > start) {
          lineLength += i - start;
          prev = b[i - 1] & 0xff;
          if (i == end) {
            break;
          }
        }
      }
      int c = b[i] & 0xff;
      if (need > 0) {
        if (c < lo || c > hi) {
          fail("is not valid UTF-8");
          return;
        }
        need--;
        lo = 0x80;
        hi = 0xbf;
      } else if (c == '\n') {
        if (lineLength == 0) {
          fail("is empty");
          return;
        }
        if (prev == '\r') {
          fail("ends in \\r\\n; lines must end in \\n alone");
          return;
        }
        if (lineLength > maxLineBytes) {
          fail("is longer than " + maxLineBytes + " bytes");
          return;
        }
        lines++;
        lineLength = -1; // the increment below makes it 0
      } else if (c >= 0x80) {
        int n = sequence(b, i, end);
        if (n > 0) {
          // A whole multi-byte sequence within this chunk: validated in one step.
          prev = b[i + n - 1] & 0xff;
          lineLength += n;
          i += n;
          continue;
        }
        if (n == 0 || !lead(c)) {
          fail("is not valid UTF-8");
          return;
        }
        // n < 0: the sequence continues in the next chunk; the byte-wise state machine takes it.
      }
      prev = c;
      lineLength++;
      i++;
    }
    if (lineLength > maxLineBytes) {
      fail("is longer than " + maxLineBytes + " bytes");
    }
  }

  /**
   * The length of the valid UTF-8 sequence starting with the non-ASCII byte {@code b[i]}, 0 if it is
   * invalid, or -1 if it is cut off by {@code end} (valid so far).
   */
  static int sequence(byte[] b, int i, int end) {
    int c = b[i] & 0xff;
    int n;
    int lo = 0x80;
    int hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
      n = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 3;
      lo = c == 0xe0 ? 0xa0 : 0x80;
      hi = c == 0xed ? 0x9f : 0xbf;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 4;
      lo = c == 0xf0 ? 0x90 : 0x80;
      hi = c == 0xf4 ? 0x8f : 0xbf;
    } else {
      return 0;
    }
    if (i + n > end) {
      return -1;
    }
    int d = b[i + 1] & 0xff;
    if (d < lo || d > hi) {
      return 0;
    }
    for (int k = 2; k < n; k++) {
      int e = b[i + k] & 0xff;
      if (e < 0x80 || e > 0xbf) {
        return 0;
      }
    }
    return n;
  }

  private boolean lead(int c) {
    if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c == 0xe0) {
        lo = 0xa0;
      } else if (c == 0xed) {
        hi = 0x9f;
      }
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c == 0xf0) {
        lo = 0x90;
      } else if (c == 0xf4) {
        hi = 0x8f;
      }
    } else {
      return false;
    }
    return true;
  }

  private void fail(String what) {
    error = "line " + (lines + 1) + " " + what;
  }

  /**
   * Counts one line that the caller has already checked, as if {@link #scan} had read its {@code
   * length} bytes and its newline: the caller guarantees that those bytes are non-empty strict UTF-8
   * holding no newline and not ending in {@code \r} (the record check's fast path accepted them).
   * Only the length limit is checked here. The scanner must be at the start of a line; after a
   * failure it does nothing, as {@link #scan} does.
   */
  public void acceptLine(int length) {
    if (error != null) {
      return;
    }
    if (lineLength != 0 || need != 0 || length <= 0) {
      throw new IllegalStateException("not at the start of a line, or an empty line");
    }
    if (length > maxLineBytes) {
      fail("is longer than " + maxLineBytes + " bytes");
      return;
    }
    lines++;
    prev = '\n';
  }

  /** Ends the stream: the last line must have ended in {@code \n}. */
  public void finish() {
    if (error == null && (need > 0 || lineLength > 0)) {
      fail(need > 0 ? "is not valid UTF-8 (truncated sequence)" : "does not end in \\n");
    }
  }

  /** Complete lines seen so far. */
  public long lines() {
    return lines;
  }

  /** The first framing problem, or null. */
  public String error() {
    return error;
  }
}
