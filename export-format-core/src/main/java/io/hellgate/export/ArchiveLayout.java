package io.hellgate.export;

import io.hellgate.export.internal.Spool;
import io.hellgate.export.internal.StoredGzipOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The writer's archive layout (docs/format.md, "Archive"): a gzip member of stored deflate blocks
 * around a POSIX tar with {@code manifest.json} then {@code tokens.jsonl.enc}; every header field
 * fixed (mode 0644, uid/gid 0, empty user and group names, mtime = {@code created_at}), so pinned
 * inputs give identical bytes.
 */
final class ArchiveLayout {
  private ArchiveLayout() {}

  static void write(OutputStream out, ExportManifest manifest, Spool ciphertext) throws IOException {
    byte[] manifestJson = manifest.toJson();
    StoredGzipOutputStream gzip = new StoredGzipOutputStream(out);
    TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip, "UTF-8");
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_ERROR);
    long mtime = manifest.createdAt().getEpochSecond();

    tar.putArchiveEntry(entry(ExportWriter.MANIFEST_ENTRY, manifestJson.length, mtime));
    tar.write(manifestJson);
    tar.closeArchiveEntry();

    tar.putArchiveEntry(entry(ExportWriter.DATA_ENTRY, ciphertext.size(), mtime));
    byte[] buf = new byte[1 << 16];
    try (InputStream in = ciphertext.openInput()) {
      for (int n; (n = in.read(buf)) > 0; ) {
        tar.write(buf, 0, n);
      }
    }
    tar.closeArchiveEntry();
    tar.finish();
    tar.flush();
    gzip.close(); // finishes the gzip member; leaves `out` open
  }

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
