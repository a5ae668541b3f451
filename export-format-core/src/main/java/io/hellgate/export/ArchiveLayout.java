package io.hellgate.export;

import io.hellgate.export.internal.StoredGzipOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * The writer's archive layout (docs/format.md, "Archive"): a gzip member of stored deflate blocks
 * around a POSIX tar with {@code manifest.json} then {@code tokens.jsonl.enc}; every header field
 * fixed (mode 0644, uid/gid 0, empty user and group names, mtime = {@code created_at}), so pinned
 * inputs give identical bytes.
 */
final class ArchiveLayout {
  private ArchiveLayout() {}

  /** tar's record size. The archive ends after its two end-of-archive records: no block padding. */
  private static final int RECORD = 512;
  /** The largest size a plain octal ustar size field holds: 8 GiB − 1. */
  private static final long MAX_OCTAL_SIZE = 077777777777L;

  static void write(OutputStream out, ExportManifest manifest, long size, InputStream ciphertext) throws IOException {
    StoredGzipOutputStream gzip = new StoredGzipOutputStream(out);
    gzip.write(prefix(manifest, size));
    // Straight from the spool into stored deflate blocks: no tar record layer in between.
    byte[] buf = new byte[1 << 20];
    long copied = 0;
    try {
      for (int n; copied < size && (n = ciphertext.read(buf, 0, (int) Math.min(buf.length, size - copied))) > 0; ) {
        gzip.write(buf, 0, n);
        copied += n;
      }
    } finally {
      java.util.Arrays.fill(buf, (byte) 0);
    }
    if (copied != size || ciphertext.read() != -1) {
      throw new IOException("spooled ciphertext changed size while it was copied");
    }
    gzip.write(tail(size));
    gzip.close(); // finishes the gzip member; leaves `out` open
  }

  /**
   * The tar stream before the ciphertext: the header of {@code manifest.json}, the manifest, its
   * padding, and the header of the data entry of {@code size} bytes.
   */
  static byte[] prefix(ExportManifest manifest, long size) throws IOException {
    byte[] manifestJson = manifest.toJson();
    long mtime = manifest.createdAt().getEpochSecond();
    byte[] prefix = new byte[prefixLength(manifestJson.length)];
    System.arraycopy(header(ExportWriter.MANIFEST_ENTRY, manifestJson.length, mtime), 0, prefix, 0, RECORD);
    System.arraycopy(manifestJson, 0, prefix, RECORD, manifestJson.length);
    System.arraycopy(header(ExportWriter.DATA_ENTRY, size, mtime), 0, prefix, prefix.length - RECORD, RECORD);
    return prefix;
  }

  /** Length of {@link #prefix} for a manifest of {@code manifestLength} bytes. */
  static int prefixLength(int manifestLength) {
    return RECORD + manifestLength + padding(manifestLength) + RECORD;
  }

  /** The tar stream after a data entry of {@code size} bytes: its padding, then end-of-archive. */
  static byte[] tail(long size) {
    return new byte[padding(size) + 2 * RECORD];
  }

  private static int padding(long size) {
    return (int) ((RECORD - size % RECORD) % RECORD);
  }

  /**
   * One ustar header record. Sizes of 8 GiB and more, which its octal field cannot hold, use the
   * GNU/star base-256 encoding (docs/format.md).
   */
  static byte[] header(String name, long size, long mtimeSeconds) throws IOException {
    byte[] record = new byte[RECORD];
    entry(name, size, mtimeSeconds)
        .writeEntryHeader(record, UTF8, size > MAX_OCTAL_SIZE);
    return record;
  }

  private static final org.apache.commons.compress.archivers.zip.ZipEncoding UTF8 =
      org.apache.commons.compress.archivers.zip.ZipEncodingHelper.getZipEncoding("UTF-8");

  private static TarArchiveEntry entry(String name, long size, long mtimeSeconds) {
    TarArchiveEntry e = new TarArchiveEntry(name, true);
    e.setSize(size);
    e.setMode(0100644);
    e.setIds(0, 0);
    e.setUserName("");
    e.setGroupName("");
    e.setModTime(mtimeSeconds * 1000L);
    return e;
  }
}
