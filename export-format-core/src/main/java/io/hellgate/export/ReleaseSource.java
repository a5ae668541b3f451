package io.hellgate.export;

import io.hellgate.export.ExportFormatException.Reason;
import io.hellgate.export.internal.StoredBlockFile;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The release pass's source for an archive opened from a file: the file opened again at its data
 * entry. The file may have changed since the verification pass: every chunk read from it is
 * checked against that pass's chunk tags ({@link ReleasePass}) before any of it is released; a
 * file shortened or rewritten under the walk fails as tampered content. Not thread-safe.
 */
final class ReleaseSource implements ReleasePass.Source {
  private final Path file;
  private final ArchiveScanner scanner;
  private final long maxDataBytes;
  /** Where the data entry starts in the decompressed stream. */
  private final long dataOffset;
  private boolean readInPlace;

  /** Call while the scanner is at the data entry, before the verification pass reads it. */
  ReleaseSource(Path file, ArchiveScanner scanner, long maxDataBytes) {
    this.file = file;
    this.scanner = scanner;
    this.maxDataBytes = maxDataBytes;
    this.dataOffset = scanner.dataOffset();
  }

  /** Whether the last {@link #open()} reads the file's stored blocks in place. */
  boolean readInPlace() {
    return readInPlace;
  }

  private static AuthenticationFailedException changedFile(IOException cause) {
    AuthenticationFailedException t = new AuthenticationFailedException(
        Reason.TAMPERED_CONTENT,
        "the archive file changed after it was authenticated" + (cause == null ? "" : ": " + cause.getMessage()));
    if (cause != null) {
      t.initCause(cause);
    }
    return t;
  }

  /** Opens the archive file again at its data entry, for the release pass. */
  @Override
  public InputStream open() throws IOException {
    if (scanner.readInPlace()) {
      // Pass 1 read the reference writer's stored blocks in place: so does this pass, without
      // inflating (the chunk tags authenticate what is read). The file can only have changed since.
      InputStream blocks;
      try {
        blocks = StoredBlockFile.open(file, dataOffset, scanner.dataSize());
      } catch (StoredBlockFile.Mismatch | EOFException e) {
        throw changedFile(e);
      }
      if (blocks == null) {
        throw changedFile(null);
      }
      readInPlace = true;
      return new FilterInputStream(blocks) {
        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          try {
            return super.read(b, off, len);
          } catch (StoredBlockFile.Mismatch | EOFException e) {
            // Shortened or rewritten under the walk: as tampered as a changed byte, which the
            // chunk tags would catch. Other I/O errors and interruption pass through.
            throw changedFile(e);
          }
        }
      };
    }
    // Any other layout: inflate again.
    InputStream in = Files.newInputStream(file);
    try {
      ArchiveScanner again = ArchiveScanner.open(in).maxDataBytes(maxDataBytes);
      again.readManifest(null);
      if (!again.dataPending()) {
        throw new AuthenticationFailedException(
            Reason.TAMPERED_CONTENT, "the archive file changed after it was verified: its data entry moved");
      }
      InputStream data = again.dataStream();
      return new FilterInputStream(data) {
        @Override
        public void close() throws IOException {
          again.close();
        }
      };
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }
}
