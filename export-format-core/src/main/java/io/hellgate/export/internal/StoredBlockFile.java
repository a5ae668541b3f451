package io.hellgate.export.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A range of the decompressed bytes of a gzip file whose deflate blocks are all stored (as the
 * reference writer makes them), read straight from the file: block headers are walked, payloads
 * read in place, nothing is inflated and no CRC-32 is computed. For the reader's release pass,
 * which authenticates every chunk it reads again with its GCM chunk tag, so the walk need only be
 * memory-safe, not a validator: whatever the file holds now, bytes that do not match pass 1 fail
 * as tampered content.
 *
 * <p>Only the reference layout is read in place: stored blocks of 65,535 bytes, each member's last
 * block shorter or empty. {@link #open} first walks the block headers up to the end of the range
 * (one 5-byte read per 64 KiB block) and returns null, so that the caller can inflate instead, if
 * any block there is not stored or shorter than that (tiny stored blocks would make the walk cost
 * one read per block). Not thread-safe.
 */
public final class StoredBlockFile extends InputStream {
  private static final int RESERVED_FLAGS = 0xe0;
  private static final int FHCRC = 2;
  private static final int FEXTRA = 4;
  private static final int FNAME = 8;
  private static final int FCOMMENT = 16;

  /**
   * The file is not (or no longer) what the walk expects: a check failed or a header is not where
   * it should be. Distinct from I/O errors and interruption, which pass through as they are.
   */
  public static final class Mismatch extends IOException {
    private static final long serialVersionUID = 1L;

    Mismatch(String message) {
      super(message);
    }
  }

  private final FileChannel channel;
  private final byte[] small = new byte[10];
  /** Whole-file mode: only the reference writer's header (no optional fields) is read in place. */
  private boolean plainHeadersOnly;
  /** File offset of the next byte to read: payload, or the next header when {@link #blockLeft} is 0. */
  private long filePos;
  private int blockLeft;
  private boolean lastBlock;
  private boolean started;
  /** Decompressed bytes still to deliver. */
  private long remaining;
  /** Whole-file mode: CRC-32 and ISIZE of each member are checked, the file must end after the last. */
  private java.util.zip.CRC32 crc;
  private long memberBytes;
  private long fileSize;
  private java.util.function.LongConsumer progress;

  private StoredBlockFile(FileChannel channel, long length) {
    this.channel = channel;
    this.remaining = length;
  }

  /**
   * Decompressed bytes {@code [start, start + length)} of the gzip file {@code path}, or null if a
   * block before their end is not stored.
   *
   * @throws IOException if the file cannot be read or is not such a gzip file (for example, it
   *     ends early or was changed into something else)
   */
  public static InputStream open(Path path, long start, long length) throws IOException {
    FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
    try {
      StoredBlockFile walk = new StoredBlockFile(channel, Long.MAX_VALUE);
      if (!walk.skipTo(start + length)) {
        channel.close();
        return null;
      }
      StoredBlockFile data = new StoredBlockFile(channel, length);
      if (!data.skipTo(start)) {
        channel.close();
        return null;
      }
      return data;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /**
   * {@code length} bytes of stored-block payload read from {@code channel} at {@code filePos} on,
   * where {@code blockLeft} bytes of the current block remain (0: a block header comes first): a
   * deflate body part-way through a file, as the writer's in-place target leaves it. Closing the
   * stream closes the channel.
   */
  public static InputStream continuing(FileChannel channel, long filePos, int blockLeft, long length) {
    StoredBlockFile s = new StoredBlockFile(channel, length);
    s.started = true;
    s.filePos = filePos;
    s.blockLeft = blockLeft;
    return s;
  }

  /**
   * All decompressed bytes of the gzip file {@code path}, verified as a gzip reader must: each
   * member's CRC-32 and ISIZE (an {@code IOException} at the member's end if they do not match), and
   * nothing after the last member. Null, so that the caller inflates instead (and reports what is
   * wrong), unless the file is in the reference layout from end to end: members of stored blocks of
   * 65,535 bytes, the last member ending the file. The walk that decides this reads one 5-byte
   * header per block. {@code progress}, if not null, is told the file offset reached after each read.
   */
  public static InputStream openWhole(Path path, java.util.function.LongConsumer progress) throws IOException {
    FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
    try {
      long size = channel.size();
      StoredBlockFile walk = new StoredBlockFile(channel, Long.MAX_VALUE);
      walk.plainHeadersOnly = true;
      if (size < 18 || !walk.walksToEnd(size)) {
        channel.close();
        return null;
      }
      StoredBlockFile data = new StoredBlockFile(channel, Long.MAX_VALUE);
      data.crc = new java.util.zip.CRC32();
      data.fileSize = size;
      data.progress = progress;
      return data;
    } catch (Mismatch | EOFException e) {
      channel.close();
      return null; // whatever is wrong, the inflating reader reports it in its own words
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** Whether every block of every member is in the reference layout and the last member ends at {@code size}. */
  private boolean walksToEnd(long size) throws IOException {
    while (true) {
      if (!nextBlock()) {
        return false;
      }
      filePos += blockLeft;
      blockLeft = 0;
      if (lastBlock) {
        long end = filePos + 8;
        if (end == size) {
          return true;
        }
        if (end > size) {
          return false;
        }
        // Another member must follow: nextBlock() parses its header (or throws).
      }
    }
  }

  /** Walks headers until {@code target} decompressed bytes lie behind; false at a non-stored block. */
  private boolean skipTo(long target) throws IOException {
    long out = 0;
    while (true) {
      if (blockLeft == 0 && !nextBlock()) {
        return false;
      }
      long step = Math.min(blockLeft, target - out);
      out += step;
      filePos += step;
      blockLeft -= (int) step;
      if (out == target) {
        return true;
      }
    }
  }

  /** Positions at the next block's payload; false if it is not a stored block. */
  private boolean nextBlock() throws IOException {
    if (!started) {
      member();
      started = true;
    } else if (lastBlock) {
      filePos += 8; // CRC-32 and ISIZE of the member just ended; another member must follow
      member();
    }
    readAt(small, 5);
    int type = (small[0] >> 1) & 3;
    if (type != 0) {
      return false;
    }
    lastBlock = (small[0] & 1) != 0;
    int len = (small[1] & 0xff) | (small[2] & 0xff) << 8;
    int nlen = (small[3] & 0xff) | (small[4] & 0xff) << 8;
    if ((len ^ nlen) != 0xffff) {
      throw new Mismatch("stored block length check failed at offset " + filePos);
    }
    if (!lastBlock && len != StoredBlocks.MAX_BLOCK) {
      return false; // not the reference layout
    }
    filePos += 5;
    blockLeft = len;
    return true;
  }

  /** Skips a gzip member header (RFC 1952) at {@link #filePos}. */
  private void member() throws IOException {
    readAt(small, 10);
    if ((small[0] & 0xff) != 0x1f || (small[1] & 0xff) != 0x8b || small[2] != 8 || (small[3] & RESERVED_FLAGS) != 0) {
      throw new Mismatch("no gzip member header at offset " + filePos);
    }
    int flags = small[3];
    if (plainHeadersOnly && (flags & ~1) != 0) {
      throw new Mismatch("gzip header has optional fields"); // left to the inflating reader's checks
    }
    filePos += 10;
    if ((flags & FEXTRA) != 0) {
      readAt(small, 2);
      filePos += 2 + ((small[0] & 0xff) | (small[1] & 0xff) << 8);
    }
    if ((flags & FNAME) != 0) {
      skipZeroTerminated();
    }
    if ((flags & FCOMMENT) != 0) {
      skipZeroTerminated();
    }
    if ((flags & FHCRC) != 0) {
      filePos += 2;
    }
    lastBlock = false;
  }

  private void skipZeroTerminated() throws IOException {
    byte[] buf = new byte[256];
    while (true) {
      int n = channel.read(ByteBuffer.wrap(buf), filePos);
      if (n <= 0) {
        throw new EOFException("gzip header ends early");
      }
      for (int i = 0; i < n; i++) {
        if (buf[i] == 0) {
          filePos += i + 1;
          return;
        }
      }
      filePos += n;
    }
  }

  private void readAt(byte[] b, int len) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(b, 0, len);
    while (buf.hasRemaining()) {
      if (channel.read(buf, filePos + buf.position()) < 0) {
        throw new EOFException("gzip file ends early");
      }
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (remaining == 0) {
      return -1;
    }
    if (len == 0) {
      return 0;
    }
    while (blockLeft == 0) {
      if (crc != null && started && lastBlock) {
        checkTrailer();
        if (filePos + 8 == fileSize) {
          if (progress != null) {
            progress.accept(fileSize);
          }
          remaining = 0;
          return -1;
        }
      }
      if (!nextBlock()) {
        throw new Mismatch("a block that was stored, and 65,535 bytes long, is not any more");
      }
    }
    int n = (int) Math.min(Math.min(len, blockLeft), remaining);
    int got = channel.read(ByteBuffer.wrap(b, off, n), filePos);
    if (got < 0) {
      throw new EOFException("gzip file ends early");
    }
    filePos += got;
    blockLeft -= got;
    remaining -= got;
    if (crc != null) {
      crc.update(b, off, got);
      memberBytes += got;
      if (progress != null) {
        progress.accept(filePos);
      }
    }
    return got;
  }

  /** Checks the trailer of the member that just ended, and positions after it. */
  private void checkTrailer() throws IOException {
    readAt(small, 8);
    int expectedCrc = (small[0] & 0xff) | (small[1] & 0xff) << 8 | (small[2] & 0xff) << 16 | (small[3] & 0xff) << 24;
    int expectedSize = (small[4] & 0xff) | (small[5] & 0xff) << 8 | (small[6] & 0xff) << 16 | (small[7] & 0xff) << 24;
    if (expectedCrc != (int) crc.getValue()) {
      throw new Mismatch("gzip CRC-32 mismatch");
    }
    if (expectedSize != (int) memberBytes) {
      throw new Mismatch("gzip ISIZE mismatch");
    }
    crc.reset();
    memberBytes = 0;
    // nextBlock() skips these 8 bytes itself when it parses the next member's header.
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
