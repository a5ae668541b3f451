package io.hellgate.export;

import io.hellgate.export.internal.FastRecordCheck;
import io.hellgate.export.internal.LineScanner;

/**
 * Parses every line of a plaintext stream as a token record, chunk by chunk, holding at most one
 * line (a line cut by a chunk boundary is carried over, up to the line limit); remembers the first
 * failure by line number, never by content. Used by the reader's verification pass when records
 * are validated, so that a malformed record releases nothing. Common lines take the byte-level
 * {@link FastRecordCheck}, which accepts only what the full parser accepts; every other line is
 * parsed by {@link RecordCodec#parse}, so the result and the messages are the parser's. Not
 * thread-safe.
 */
final class RecordCheck {
  private final int maxLineBytes;
  /** Format 1.1: the scope every record must be in, or null. */
  private final ExportRequest.Scope scope;
  /** The framing scan fed from here, or null. */
  private final LineScanner framing;
  private boolean outOfScope;
  private byte[] carry = new byte[0];
  private int carryLen;
  private long line;
  private String error;

  /**
   * A check of every line; with {@code framing}, also the framing scan, fed every byte of the
   * stream in order so that one pass over the lines does both: a line the fast path accepted is
   * valid framing too (strict UTF-8, no newline, not empty), so it is only counted ({@link
   * LineScanner#acceptLine}); every other byte, and every byte after the first record error, is
   * scanned. The scanner ends in the state a separate scan of the same stream would leave it in
   * (RecordCheckFramingProperties).
   *
   * @param maxLineBytes the longest line, without its newline
   * @param scope if not null, every record must be in it ({@link ExportRequest.Scope#mismatch})
   * @param framing if not null, the framing scan to feed
   */
  RecordCheck(int maxLineBytes, ExportRequest.Scope scope, LineScanner framing) {
    this.maxLineBytes = maxLineBytes;
    this.scope = scope;
    this.framing = framing;
  }

  /** Checks the complete lines of the next chunk of the stream. */
  void scan(byte[] b, int off, int len) {
    int end = off + len;
    int pos = off;
    while (pos < end) {
      if (error != null) {
        frame(b, pos, end - pos); // the framing and the count still need every byte
        return;
      }
      int nl = LineScanner.indexOfNewline(b, pos, end);
      if (nl < 0) {
        frame(b, pos, end - pos);
        append(b, pos, end - pos);
        return;
      }
      line++;
      if (carryLen == 0) {
        if (check(b, pos, nl - pos) && framing != null && b[nl - 1] != '\r') {
          framing.acceptLine(nl - pos);
        } else {
          frame(b, pos, nl + 1 - pos);
        }
      } else {
        frame(b, pos, nl + 1 - pos); // the carried part was framed as it came
        append(b, pos, nl - pos);
        if (error == null) {
          check(carry, 0, carryLen);
        }
        carryLen = 0;
      }
      pos = nl + 1;
    }
  }

  private void frame(byte[] b, int off, int len) {
    if (framing != null) {
      framing.scan(b, off, len);
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

  /** Checks one line; true if the fast path accepted it (then it is certainly valid). */
  private boolean check(byte[] b, int off, int len) {
    if (scope == null && FastRecordCheck.accepts(b, off, len)) {
      return true; // certainly valid; anything else gets the full parser and its message
    }
    // With a scope (format 1.1) every record is parsed: the scope is judged on the parsed record.
    // Without one the fast path has said no, its canonical layout included: Jackson decides.
    TokenRecord record;
    try {
      record = scope == null ? RecordCodec.parseJson(b, off, len) : RecordCodec.parse(b, off, len);
    } catch (RecordCodec.InvalidRecord e) {
      error = "line " + line + ": " + e.getMessage();
      return false;
    }
    if (scope != null) {
      String why = scope.mismatch(record);
      if (why != null) {
        outOfScope = true;
        error = "record " + line + " is outside the manifest's request scope: " + why;
      }
    }
    return false;
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
