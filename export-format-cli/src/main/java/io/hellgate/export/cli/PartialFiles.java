package io.hellgate.export.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The hidden, owner-only temporary files that {@code decrypt --out} writes plaintext to before
 * moving them into place: {@code .export-tool-PID-RANDOM.partial} beside the target. A normal
 * failure, Ctrl-C and SIGTERM delete them; SIGKILL (and a power cut) cannot run any code, so the
 * next {@code decrypt --out} into the same directory deletes the files of processes that no
 * longer run ({@link #sweepStale}).
 */
final class PartialFiles {
  static final String PREFIX = ".export-tool-";
  static final String SUFFIX = ".partial";

  private PartialFiles() {}

  /** A new owner-only partial file in {@code dir}, named for this process. */
  static Path create(Path dir) throws IOException {
    String prefix = PREFIX + ProcessHandle.current().pid() + "-";
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
        ? Files.createTempFile(dir, prefix, SUFFIX,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
        : Files.createTempFile(dir, prefix, SUFFIX);
  }

  /**
   * Deletes the partial files in {@code dir} left by export-tool processes that no longer run
   * (killed mid-write): regular files named {@code .export-tool-PID-*.partial}, never a symbolic
   * link. Errors are ignored: this is housekeeping.
   *
   * @return how many were deleted
   */
  static int sweepStale(Path dir) {
    int deleted = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, PREFIX + "*" + SUFFIX)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        String rest = name.substring(PREFIX.length());
        int dash = rest.indexOf('-');
        if (dash <= 0 || !Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        long pid;
        try {
          pid = Long.parseLong(rest.substring(0, dash));
        } catch (NumberFormatException e) {
          continue;
        }
        if (pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).isEmpty() && Files.deleteIfExists(f)) {
          deleted++;
        }
      }
    } catch (IOException | RuntimeException e) {
      // housekeeping only
    }
    return deleted;
  }

  /**
   * Moves the complete {@code partial} to {@code target} atomically, then syncs the directory so
   * the rename survives a crash. Without {@code replace}, an existing target is never replaced,
   * not even one that appeared after the checks (a hard link creates the name only if it is free).
   *
   * @throws FileAlreadyExistsException if {@code target} exists and {@code replace} is false
   */
  static void moveIntoPlace(Path partial, Path target, boolean replace) throws IOException {
    if (replace) {
      try {
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } else {
      try {
        Files.createLink(target, partial); // fails if target exists: no window for a replace
        Files.delete(partial);
      } catch (UnsupportedOperationException | FileAlreadyExistsException e) {
        if (e instanceof FileAlreadyExistsException) {
          throw new FileAlreadyExistsException(target.toString(), null, "it appeared while decrypting; use --force to replace it");
        }
        Files.move(partial, target); // no hard links here: fails if target exists
      } catch (IOException e) {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
          throw e;
        }
        Files.move(partial, target); // a file system without hard links (EPERM, ENOTSUP)
      }
    }
    syncDirectory(target.toAbsolutePath().getParent());
  }

  /**
   * Makes a rename in {@code dir} durable (fsync of the directory). Where directories cannot be
   * opened (Windows) nothing is done; on Linux a failed fsync is an error.
   */
  static void syncDirectory(Path dir) throws IOException {
    FileChannel d;
    try {
      d = FileChannel.open(dir, StandardOpenOption.READ);
    } catch (IOException | UnsupportedOperationException e) {
      if (IS_LINUX) {
        throw e instanceof IOException ? (IOException) e : new IOException(e);
      }
      return; // not supported here: the rename itself is still atomic
    }
    try (d) {
      d.force(true);
    }
  }

  private static final boolean IS_LINUX = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux");
}
