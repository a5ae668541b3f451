package io.hellgate.export;

import io.hellgate.export.ExportFormatException.Reason;
import io.hellgate.export.internal.LineScanner;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits the reader's released plaintext ({@link PlaintextChunks}) into lines: a line within one
 * chunk is handed out in place, one cut by a chunk boundary is carried over (up to the line limit)
 * in a buffer that is zeroed when it grows and by {@link #wipe()}. The current line is available
 * as a {@code String}, a read-only {@link ByteBuffer} view or a parsed record. For records, the
 * rest of a chunk's whole lines are decoded at once, on two threads ({@link RecordBatch}), and
 * given out one by one; a line read as text after that is taken from where the batch stands.
 * Not thread-safe.
 */
final class LineCursor {
  private final int maxLineBytes;
  private byte[] pbuf; // the plaintext chunk lines are released from
  private int ppos;
  private int plim;
  private byte[] carry = new byte[1024];
  private int carryLen;
  private byte[] lineArray;
  private int lineOff;
  private int lineLen;
  private long linesReleased;
  /** The array {@link #view} is a read-only view of. */
  private byte[] viewArray;
  private ByteBuffer view;
  private final RecordBatch batch;
  /** Whether the current line's record is the batch's next one. */
  private boolean batched;
  /** Whether a line failed to decode: nothing after it is given out. */
  private boolean failed;

  LineCursor(int maxLineBytes) {
    this(maxLineBytes, RecordBatch.forThisMachine());
  }

  LineCursor(int maxLineBytes, RecordBatch batch) {
    this.maxLineBytes = maxLineBytes;
    this.batch = batch;
  }

  /**
   * Moves to the next line for {@link #record()}: from the batch of decoded records if one is
   * left, else, if the current chunk holds whole lines from here on, after decoding them all into
   * the batch; else as {@link #advance}.
   */
  boolean advanceRecord(PlaintextChunks chunks) throws IOException {
    checkNotFailed();
    if (!batch.hasNext() && carryLen == 0 && pbuf != null) {
      int last = plim - 1;
      while (last >= ppos && pbuf[last] != '\n') {
        last--;
      }
      if (last >= ppos) {
        batch.decode(pbuf, ppos, last + 1);
        ppos = last + 1;
      }
    }
    if (batch.hasNext()) {
      batched = true;
      linesReleased++;
      return true;
    }
    return advance(chunks);
  }

  /**
   * Moves to the next line, refilling from {@code chunks} as needed.
   *
   * @return false at the end of the chunks
   * @throws ExportFormatException if a line is too long or the last one does not end in \n
   */
  boolean advance(PlaintextChunks chunks) throws IOException {
    checkNotFailed();
    batched = false;
    if (batch.hasNext()) {
      ppos = batch.nextStart(); // text after records: the batch's lines are still in pbuf
      batch.clear();
    }
    while (true) {
      int nl = LineScanner.indexOfNewline(pbuf, ppos, plim);
      if (nl >= 0) {
        if (carryLen == 0) {
          lineArray = pbuf;
          lineOff = ppos;
          lineLen = nl - ppos;
        } else {
          appendCarry(ppos, nl - ppos);
          lineArray = carry;
          lineOff = 0;
          lineLen = carryLen;
          carryLen = 0;
        }
        ppos = nl + 1;
        linesReleased++;
        return true;
      }
      appendCarry(ppos, plim - ppos);
      ppos = plim;
      byte[] p = chunks.next();
      if (p == null) {
        if (carryLen > 0) {
          throw new ExportFormatException(Reason.MALFORMED_RECORD, "last line does not end in \\n");
        }
        return false;
      }
      pbuf = p;
      plim = chunks.length();
      ppos = 0;
    }
  }

  private void appendCarry(int from, int len) throws ExportFormatException {
    if (len == 0) {
      return;
    }
    if (carryLen + len > maxLineBytes) {
      throw new ExportFormatException(
          Reason.MALFORMED_RECORD, "line " + (linesReleased + 1) + " is longer than " + maxLineBytes + " bytes");
    }
    if (carryLen + len > carry.length) {
      byte[] bigger = Arrays.copyOf(carry, Math.max(carryLen + len, carry.length * 2));
      Arrays.fill(carry, (byte) 0); // plaintext: the old array is not left behind
      carry = bigger;
    }
    System.arraycopy(pbuf, from, carry, carryLen, len);
    carryLen += len;
  }

  /** Lines moved to so far. */
  long lines() {
    return linesReleased;
  }

  /** Whether no chunk has been taken yet. */
  boolean untouched() {
    return pbuf == null && linesReleased == 0;
  }

  /** Counts {@code n} lines released without this cursor ({@code ExportReader#transferTo}). */
  void released(long n) {
    linesReleased += n;
  }

  /** The current line, decoded. */
  String string() {
    return new String(lineArray, lineOff, lineLen, StandardCharsets.UTF_8);
  }

  /** The current line: a read-only view, valid until the next {@link #advance}. */
  ByteBuffer bytes() {
    if (lineArray != viewArray) {
      // One read-only view per backing buffer, sliced per line: one allocation per line, not three.
      viewArray = lineArray;
      view = ByteBuffer.wrap(lineArray).asReadOnlyBuffer();
    }
    return view.slice(lineOff, lineLen);
  }

  /**
   * The current line as a record. Whatever it throws (a line that is not a record, or a bug) ends
   * this cursor: every later move throws {@link IllegalStateException}.
   */
  TokenRecord record() throws RecordCodec.InvalidRecord {
    try {
      if (batched) {
        batched = false;
        return batch.next();
      }
      return RecordCodec.parse(lineArray, lineOff, lineLen);
    } catch (Throwable t) {
      failed = true;
      throw t;
    }
  }

  private void checkNotFailed() {
    if (failed) {
      throw new IllegalStateException("line " + linesReleased + " failed to decode: no line after it is given out");
    }
  }

  /** Zeroes the current chunk and the carried line (plaintext). */
  void wipe() {
    batch.stop();
    batched = false;
    if (pbuf != null) {
      Arrays.fill(pbuf, (byte) 0);
    }
    Arrays.fill(carry, (byte) 0);
    viewArray = null;
    view = null;
  }
}
