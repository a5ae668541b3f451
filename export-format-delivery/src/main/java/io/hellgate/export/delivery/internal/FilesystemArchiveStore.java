package io.hellgate.export.delivery.internal;

import io.hellgate.export.delivery.ArchiveStore;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.UUID;

/** {@link ArchiveStore#filesystem(Path)}: one file per export, {@code <export_id>.tgz}, owner-only. */
public final class FilesystemArchiveStore implements ArchiveStore {
  private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");

  private final Path dir;
  private final boolean posix;

  private FilesystemArchiveStore(Path dir, boolean posix) {
    this.dir = dir;
    this.posix = posix;
  }

  /** Opens (creating owner-only if missing) a store directory; refuses one others can access. */
  public static FilesystemArchiveStore open(Path directory) throws IOException {
    Path dir = directory.toAbsolutePath().normalize();
    boolean posix = Files.getFileAttributeView(dir.getParent() == null ? dir : dir.getParent(),
        PosixFileAttributeView.class) != null;
    if (!Files.exists(dir)) {
      if (posix) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
        Files.setPosixFilePermissions(dir, OWNER_DIR); // umask may have narrowed it further
      } else {
        Files.createDirectories(dir);
      }
    }
    if (!Files.isDirectory(dir)) {
      throw new IOException("archive store " + dir + " is not a directory");
    }
    if (posix) {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir);
      for (PosixFilePermission p : perms) {
        if (!p.name().startsWith("OWNER_")) {
          throw new IOException("archive store " + dir + " is accessible to other users ("
              + PosixFilePermissions.toString(perms) + "); make it owner-only: chmod 700 " + dir);
        }
      }
    }
    return new FilesystemArchiveStore(dir, posix);
  }

  @Override
  public String put(Path archive, UUID exportId) throws IOException {
    String key = exportId + ".tgz";
    Path target = dir.resolve(key);
    if (Files.exists(target)) {
      if (Hashes.sha256Hex(target).equals(Hashes.sha256Hex(archive))) {
        return key;
      }
      throw new FileAlreadyExistsException(target.toString(), null,
          "another archive with export_id " + exportId + " is already stored");
    }
    Path tmp = Files.createTempFile(dir, ".incoming-", ".tmp");
    try {
      if (posix) {
        Files.setPosixFilePermissions(tmp, OWNER_FILE);
      }
      // into the owner-only file itself: Files.copy(..., REPLACE_EXISTING) would recreate it with
      // the source's permissions
      try (java.io.OutputStream out = Files.newOutputStream(tmp)) {
        Files.copy(archive, out);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return key;
  }

  @Override
  public Path file(String key) throws IOException {
    if (!key.matches("[0-9a-f-]{36}\\.tgz")) {
      throw new NoSuchFileException(key, null, "not a key of this store");
    }
    Path f = dir.resolve(key);
    if (!Files.isRegularFile(f)) {
      throw new NoSuchFileException(f.toString(), null, "the stored archive is missing");
    }
    return f;
  }

  @Override
  public String toString() {
    return "FilesystemArchiveStore{" + dir + "}";
  }
}
