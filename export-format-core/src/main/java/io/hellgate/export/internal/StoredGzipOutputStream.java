package io.hellgate.export.internal;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32;

/**
 * A gzip (RFC 1952) member whose deflate stream (RFC 1951) holds only stored blocks: the archive's
 * payload is ciphertext, which no compressor can shrink, and deflating it costs ~50 MB/s for
 * nothing. Output is byte-for-byte deterministic on every JVM and zlib: header {@code 1f 8b 08 00},
 * MTIME 0, XFL 0, OS 255 (unknown); blocks of at most 65,535 bytes, split at fixed offsets of the
 * uncompressed stream; then CRC-32 and ISIZE. {@link #close()} finishes the member but does not
 * close the underlying stream.
 */
public final class StoredGzipOutputStream extends FilterOutputStream {
  private static final int MAX_BLOCK = 65535;
  private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

  private final CRC32 crc = new CRC32();
  private final byte[] block = new byte[5 + MAX_BLOCK];
  private int fill;
  private long total;
  private boolean finished;

  /** Writes the gzip header to {@code out}. */
  public StoredGzipOutputStream(OutputStream out) throws IOException {
    super(out);
    out.write(HEADER);
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (finished) {
      throw new IOException("gzip member already finished");
    }
    crc.update(b, off, len);
    total += len;
    while (len > 0) {
      int n = Math.min(len, MAX_BLOCK - fill);
      System.arraycopy(b, off, block, 5 + fill, n);
      fill += n;
      off += n;
      len -= n;
      if (fill == MAX_BLOCK) {
        emitBlock(false);
      }
    }
  }

  private void emitBlock(boolean last) throws IOException {
    block[0] = (byte) (last ? 1 : 0); // BFINAL, BTYPE=00 (stored)
    block[1] = (byte) fill;
    block[2] = (byte) (fill >>> 8);
    block[3] = (byte) ~fill;
    block[4] = (byte) (~fill >>> 8);
    out.write(block, 0, 5 + fill);
    fill = 0;
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  /** Writes the final block and the trailer; the underlying stream stays open. */
  @Override
  public void close() throws IOException {
    if (finished) {
      return;
    }
    finished = true;
    emitBlock(true);
    long c = crc.getValue();
    byte[] trailer = {
      (byte) c, (byte) (c >>> 8), (byte) (c >>> 16), (byte) (c >>> 24),
      (byte) total, (byte) (total >>> 8), (byte) (total >>> 16), (byte) (total >>> 24)
    };
    out.write(trailer);
    out.flush();
  }
}
