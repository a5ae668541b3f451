package io.hellgate.export;

import io.hellgate.export.internal.LineScanner;

/**
 * Parses every line of a plaintext stream as a token record, chunk by chunk, holding at most one
 * line (a line cut by a chunk boundary is carried over, up to the line limit); remembers the first
 * failure by line number, never by content. Used by the reader's verification pass when records
 * are validated, so that a malformed record releases nothing. Not thread-safe.
 */
final class RecordCheck {
  private final int maxLineBytes;
  /** Format 1.1: the scope every record must be in, or null. */
  private final ExportRequest.Scope scope;
  private boolean outOfScope;
  private byte[] carry = new byte[0];
  private int carryLen;
  private long line;
  private String error;

  RecordCheck(int maxLineBytes) {
    this(maxLineBytes, null);
  }

  /** Also checks that every record is in {@code scope} (if not null), by {@link ExportRequest.Scope#mismatch}. */
  RecordCheck(int maxLineBytes, ExportRequest.Scope scope) {
    this.maxLineBytes = maxLineBytes;
    this.scope = scope;
  }

  /** Checks the complete lines of the next chunk of the stream. */
  void scan(byte[] b, int off, int len) {
    int end = off + len;
    int pos = off;
    while (error == null && pos < end) {
      int nl = LineScanner.indexOfNewline(b, pos, end);
      if (nl < 0) {
        append(b, pos, end - pos);
        return;
      }
      line++;
      if (carryLen == 0) {
        check(b, pos, nl - pos);
      } else {
        append(b, pos, nl - pos);
        if (error == null) {
          check(carry, 0, carryLen);
        }
        carryLen = 0;
      }
      pos = nl + 1;
    }
  }

  private void append(byte[] b, int off, int len) {
    if (carryLen + len > maxLineBytes) {
      // The framing check reports this line too, first; nothing more to parse.
      error = "line " + (line + 1) + " is longer than " + maxLineBytes + " bytes";
      return;
    }
    if (carryLen + len > carry.length) {
      carry = java.util.Arrays.copyOf(carry, Math.min(maxLineBytes, Math.max(carryLen + len, 2 * carry.length)));
    }
    System.arraycopy(b, off, carry, carryLen, len);
    carryLen += len;
  }

  private void check(byte[] b, int off, int len) {
    TokenRecord record;
    try {
      record = RecordCodec.parse(b, off, len);
    } catch (RecordCodec.InvalidRecord e) {
      error = "line " + line + ": " + e.getMessage();
      return;
    }
    if (scope != null) {
      String why = scope.mismatch(record);
      if (why != null) {
        outOfScope = true;
        error = "record " + line + " is outside the manifest's request scope: " + why;
      }
    }
  }

  /** Whether {@link #error()} is a record outside the scope (rather than a malformed record). */
  boolean outOfScope() {
    return outOfScope;
  }

  /** The first record that is not valid, as "line N: what", or null. */
  String error() {
    return error;
  }

  /** Zeroes the carried bytes (plaintext). */
  void wipe() {
    java.util.Arrays.fill(carry, (byte) 0);
  }
}
