package io.hellgate.export.internal;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A gzip (RFC 1952) member whose deflate stream (RFC 1951) holds only stored blocks: the archive's
 * payload is ciphertext, which no compressor can shrink, and deflating it costs ~50 MB/s for
 * nothing. Output is byte-for-byte deterministic on every JVM and zlib: header {@code 1f 8b 08 00},
 * MTIME 0, XFL 0, OS 255 (unknown); blocks of at most 65,535 bytes, split at fixed offsets of the
 * uncompressed stream; then CRC-32 and ISIZE. {@link #close()} finishes the member but does not
 * close the underlying stream.
 */
public final class StoredGzipOutputStream extends FilterOutputStream {
  private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

  private final StoredBlocks blocks;
  private boolean finished;

  /** Writes the gzip header to {@code out}. */
  public StoredGzipOutputStream(OutputStream out) throws IOException {
    super(out);
    out.write(header());
    this.blocks = new StoredBlocks(out::write, 0);
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
    blocks.write(b, off, len);
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
    blocks.finish();
    out.write(trailer(blocks.crc(), blocks.length()));
    out.flush();
  }

  /** The gzip header every writer of format v1.0 emits: no flags, MTIME 0, XFL 0, OS 255. */
  public static byte[] header() {
    return HEADER.clone();
  }

  /** The gzip trailer: CRC-32, then ISIZE (the length mod 2^32), both little-endian. */
  public static byte[] trailer(int crc, long length) {
    return new byte[] {
      (byte) crc, (byte) (crc >>> 8), (byte) (crc >>> 16), (byte) (crc >>> 24),
      (byte) length, (byte) (length >>> 8), (byte) (length >>> 16), (byte) (length >>> 24)
    };
  }
}
