package io.hellgate.export.internal;

import java.io.IOException;
import java.util.zip.CRC32;

/**
 * The body of a deflate stream (RFC 1951) made only of stored blocks, cut every 65,535 bytes of the
 * uncompressed stream, with a running CRC-32 of what it frames: the one framing rule behind
 * {@link StoredGzipOutputStream} and the writer's in-place {@code Path} target.
 *
 * <p>A framer may start part-way into the stream ({@code start} bytes already framed by someone
 * else): its first block then continues a block whose 5-byte header lies before {@code start}, so it
 * writes only that block's remaining payload and reports the header's values
 * ({@link #firstBlockLength()}, {@link #firstBlockFinal()}) for the owner of the earlier bytes to
 * write. The CRC-32 and {@link #length()} cover only the bytes written through this framer.
 *
 * <p>Not thread-safe.
 */
public final class StoredBlocks {
  /** The most payload one stored block holds. */
  public static final int MAX_BLOCK = 65535;
  /** Bytes of a stored block's header (BFINAL/BTYPE byte, LEN, NLEN), on a byte boundary. */
  public static final int HEADER = 5;

  /** Where framed bytes go. */
  @FunctionalInterface
  public interface Sink {
    void write(byte[] b, int off, int len) throws IOException;
  }

  private final Sink out;
  private final CRC32 crc = new CRC32();
  private final byte[] block = new byte[HEADER + MAX_BLOCK];
  /** Payload bytes of the current block, counting those before {@code start}. */
  private int fill;
  /** Payload bytes of the current block that precede {@code start} (first block only). */
  private int skip;
  private int firstLength = -1;
  private boolean firstFinal;
  private long length;
  private boolean finished;

  /**
   * @param start uncompressed bytes of the stream that precede this framer's first byte
   */
  public StoredBlocks(Sink out, long start) {
    if (start < 0) {
      throw new IllegalArgumentException("start < 0");
    }
    this.out = out;
    this.fill = (int) (start % MAX_BLOCK);
    this.skip = fill;
  }

  public void write(byte[] b, int off, int len) throws IOException {
    if (finished) {
      throw new IllegalStateException("deflate stream already finished");
    }
    crc.update(b, off, len);
    length += len;
    while (len > 0) {
      int n = Math.min(len, MAX_BLOCK - fill);
      System.arraycopy(b, off, block, HEADER + fill, n);
      fill += n;
      off += n;
      len -= n;
      if (fill == MAX_BLOCK) {
        emit(false);
      }
    }
  }

  /** Writes the last block (BFINAL = 1; empty if the stream ends on a block boundary). */
  public void finish() throws IOException {
    if (!finished) {
      finished = true;
      emit(true);
    }
  }

  private void emit(boolean last) throws IOException {
    if (skip > 0) {
      // The header of this block precedes `start`: report it, write only our part of the payload.
      firstLength = fill;
      firstFinal = last;
      out.write(block, HEADER + skip, fill - skip);
      skip = 0;
    } else {
      header(block, 0, fill, last);
      out.write(block, 0, HEADER + fill);
    }
    fill = 0;
  }

  /** Writes a stored block's 5-byte header for {@code len} payload bytes at {@code b[off]}. */
  public static void header(byte[] b, int off, int len, boolean last) {
    if (len < 0 || len > MAX_BLOCK) {
      throw new IllegalArgumentException("stored block length " + len);
    }
    b[off] = (byte) (last ? 1 : 0); // BFINAL, BTYPE = 00 (stored), then padding to the byte boundary
    b[off + 1] = (byte) len;
    b[off + 2] = (byte) (len >>> 8);
    b[off + 3] = (byte) ~len;
    b[off + 4] = (byte) (~len >>> 8);
  }

  /** CRC-32 of the bytes written through this framer. */
  public int crc() {
    return (int) crc.getValue();
  }

  /** Uncompressed bytes written through this framer. */
  public long length() {
    return length;
  }

  /**
   * LEN of the block that was open at {@code start} (its payload counted from the block's first
   * byte), once it has been written; -1 if {@code start} fell on a block boundary or it is still open.
   */
  public int firstBlockLength() {
    return firstLength;
  }

  /** Whether the block that was open at {@code start} was the final one. */
  public boolean firstBlockFinal() {
    return firstFinal;
  }
}
