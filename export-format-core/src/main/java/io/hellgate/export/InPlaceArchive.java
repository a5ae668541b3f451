package io.hellgate.export;

import io.hellgate.export.internal.Crc32;
import io.hellgate.export.internal.StoredBlockFile;
import io.hellgate.export.internal.StoredBlocks;
import io.hellgate.export.internal.StoredGzipOutputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;

/**
 * A {@link Path} target written in place: the ciphertext goes straight into a hidden temporary file
 * beside the target, already framed as the archive's stored deflate blocks, behind a gap reserved
 * for what precedes it (gzip header, the manifest's tar entry and the data entry's tar header).
 * {@link #finish} writes that prefix into the gap, appends the tail and the gzip trailer (its CRC-32
 * combined from the prefix's and the rest's), forces the file to disk and renames it onto the target.
 * The bytes are exactly those {@link ArchiveLayout#write} produces for an {@code OutputStream}
 * target; the ciphertext is written once instead of spooled and copied.
 *
 * <p>The gap is sized from a template manifest whose record count has the most digits a count can
 * have. Only the count's length is unknown until the end, so the reservation fits unless a shorter
 * count moves the manifest's end across a 512-byte tar block; then {@link #finish} falls back to
 * copying the ciphertext into a second temporary file behind the right prefix, as the spooling
 * writer does.
 *
 * <p>{@link #write} is called by the writer's worker thread, {@link #finish} and {@link #close} by the
 * caller after the worker has drained; the writer's pipeline orders them.
 */
final class InPlaceArchive implements Closeable {
  /** A record count with as many digits as any count can have (2^36 bytes / 2 bytes per line). */
  static final long WIDEST_RECORD_COUNT = 99_999_999_999L;

  private static final int GZIP_HEADER = 10;

  private final Path target;
  private final Path partial;
  private final FileChannel channel;
  /** Tar bytes reserved before the ciphertext. */
  private final int reservedPrefix;
  /** File offset of the first ciphertext byte. */
  private final long dataOffset;
  private final StoredBlocks blocks;
  private long ciphertextBytes;
  private boolean copied;
  private boolean done;

  InPlaceArchive(Path target, int templateManifestLength) throws IOException {
    this.target = target;
    this.reservedPrefix = ArchiveLayout.prefixLength(templateManifestLength);
    this.dataOffset = GZIP_HEADER + (long) StoredBlocks.HEADER * blocksStartingBefore(reservedPrefix) + reservedPrefix;
    this.partial = createPartial(target);
    FileChannel c = null;
    try {
      c = FileChannel.open(partial, StandardOpenOption.WRITE);
      c.position(dataOffset);
    } catch (IOException | RuntimeException e) {
      if (c != null) {
        c.close();
      }
      Files.deleteIfExists(partial);
      throw e;
    }
    this.channel = c;
    this.blocks = new StoredBlocks(this::append, reservedPrefix);
  }

  private static Path createPartial(Path target) throws IOException {
    requireReplaceable(target);
    Path dir = target.toAbsolutePath().getParent();
    String name = target.getFileName().toString();
    // Short enough that a long but legal target name still leaves room for the random part.
    int cut = name.length() <= 64 ? name.length() : Character.isHighSurrogate(name.charAt(63)) ? 63 : 64;
    String prefix = "." + name.substring(0, cut) + "."; // never half of a surrogate pair
    // Files.createTempFile makes it owner-only (rw-------) on POSIX file systems.
    return Files.createTempFile(dir, prefix, ".partial");
  }

  /**
   * The rename at the end replaces what is at {@code target}: only ever a regular file. A device,
   * pipe, directory or symbolic link there is refused (a link would be replaced, not followed).
   */
  static void requireReplaceable(Path target) throws IOException {
    if (target.getFileName() == null || target.toAbsolutePath().getParent() == null) {
      throw new FileSystemException(target.toString(), null, "not a file name");
    }
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)
        && !Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileSystemException(target.toString(), null,
          "exists and is not a regular file (a directory, symbolic link, device or pipe is never replaced)");
    }
  }

  /** Appends ciphertext. */
  void write(byte[] b, int off, int len) throws IOException {
    blocks.write(b, off, len);
    ciphertextBytes += len;
  }

  private void append(byte[] b, int off, int len) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(b, off, len);
    while (buf.hasRemaining()) {
      channel.write(buf);
    }
  }

  /** Completes the archive for {@code manifest} and renames it onto the target. */
  void finish(ExportManifest manifest) throws IOException {
    if (done) {
      throw new IllegalStateException("archive already finished or closed");
    }
    long size = ciphertextBytes;
    byte[] prefix = ArchiveLayout.prefix(manifest, size);
    byte[] tail = ArchiveLayout.tail(size);
    blocks.write(tail, 0, tail.length);
    blocks.finish();
    Path result;
    if (prefix.length == reservedPrefix) {
      writeAt(compressedPrefix(prefix), 0);
      CRC32 prefixCrc = new CRC32();
      prefixCrc.update(prefix);
      int crc = Crc32.combine((int) prefixCrc.getValue(), blocks.crc(), blocks.length());
      writeAt(StoredGzipOutputStream.trailer(crc, prefix.length + blocks.length()), channel.size());
      channel.force(true);
      channel.close();
      result = partial;
    } else {
      channel.close();
      result = copyBehind(manifest, size);
      copied = true;
    }
    try {
      requireReplaceable(target); // again: the target may have changed while the export was written
      try {
        Files.move(result, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(result, target, StandardCopyOption.REPLACE_EXISTING);
      }
      done = true;
      syncDirectory(target.toAbsolutePath().getParent());
    } finally {
      Files.deleteIfExists(result);
      Files.deleteIfExists(partial);
    }
  }

  /**
   * Makes the rename durable where the platform allows it (Linux: fsync on the directory); elsewhere
   * opening a directory fails and the rename is as durable as the file system makes it.
   */
  private static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | RuntimeException e) {
      // best effort: the archive itself is complete and synced
    }
  }

  /** The reservation did not fit: writes the archive anew, reading the ciphertext back. */
  private Path copyBehind(ExportManifest manifest, long size) throws IOException {
    Path second = createPartial(target);
    int phase = reservedPrefix % StoredBlocks.MAX_BLOCK;
    int firstLeft = phase == 0 ? 0 : blocks.firstBlockLength() - phase;
    try (InputStream ciphertext = StoredBlockFile.continuing(
            FileChannel.open(partial, StandardOpenOption.READ), dataOffset, firstLeft, size);
        FileChannel outChannel = FileChannel.open(second, StandardOpenOption.WRITE);
        OutputStream out = new BufferedOutputStream(Channels.newOutputStream(outChannel), 1 << 16)) {
      ArchiveLayout.write(out, manifest, size, ciphertext);
      out.flush();
      outChannel.force(true);
      return second;
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(second);
      throw e;
    }
  }

  /** The gzip header and the stored blocks that hold {@code prefix}, the first block's header as reported. */
  private byte[] compressedPrefix(byte[] prefix) {
    int blockCount = blocksStartingBefore(prefix.length);
    byte[] out = new byte[GZIP_HEADER + StoredBlocks.HEADER * blockCount + prefix.length];
    System.arraycopy(StoredGzipOutputStream.header(), 0, out, 0, GZIP_HEADER);
    int pos = GZIP_HEADER;
    for (int start = 0; start < prefix.length; start += StoredBlocks.MAX_BLOCK) {
      int n = Math.min(StoredBlocks.MAX_BLOCK, prefix.length - start);
      if (n == StoredBlocks.MAX_BLOCK) {
        StoredBlocks.header(out, pos, n, false); // a full block: more always follows
      } else {
        StoredBlocks.header(out, pos, blocks.firstBlockLength(), blocks.firstBlockFinal());
      }
      System.arraycopy(prefix, start, out, pos + StoredBlocks.HEADER, n);
      pos += StoredBlocks.HEADER + n;
    }
    return out;
  }

  private static int blocksStartingBefore(int offset) {
    return (offset + StoredBlocks.MAX_BLOCK - 1) / StoredBlocks.MAX_BLOCK;
  }

  private void writeAt(byte[] bytes, long position) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    while (buf.hasRemaining()) {
      position += channel.write(buf, position);
    }
  }

  /** Whether {@link #finish} had to copy (the reservation did not fit); for tests. */
  boolean copied() {
    return copied;
  }

  /** Abandons the archive unless it was finished: deletes the temporary file. */
  @Override
  public void close() throws IOException {
    done = true;
    try {
      channel.close();
    } finally {
      Files.deleteIfExists(partial);
    }
  }
}
