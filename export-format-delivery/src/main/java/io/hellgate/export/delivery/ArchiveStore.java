package io.hellgate.export.delivery;

import io.hellgate.export.delivery.internal.FilesystemArchiveStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Where published archives live until they are downloaded: a small SPI with a filesystem
 * implementation ({@link #filesystem(Path)}). The service never trusts the store blindly: before a
 * stored file is served, its manifest's {@code export_id}, its size and its SHA-256 are compared
 * with what was recorded at publish time.
 *
 * <p>Implementations must be thread-safe; stored files are never changed after {@link #put}.
 *
 * <pre>{@code
 * ArchiveStore store = ArchiveStore.filesystem(Path.of("/var/lib/export-delivery/archives"));
 * }</pre>
 */
public interface ArchiveStore {
  /**
   * Stores a copy of {@code archive} under a key derived from its export ID and returns the key.
   * Storing the same export twice returns the same key if the bytes are identical.
   *
   * @throws IOException if the copy fails, or a different file is already stored for the export
   */
  String put(Path archive, UUID exportId) throws IOException;

  /**
   * The stored file for a key, as a local path the server streams from (a remote store stages
   * the file locally first).
   *
   * @throws IOException if there is no such file
   */
  Path file(String key) throws IOException;

  /**
   * A store in {@code directory}, created owner-only ({@code rwx------}) if missing. An existing
   * directory that other users can read or write is refused.
   *
   * @throws IOException if the directory cannot be created or is not owner-only
   */
  static ArchiveStore filesystem(Path directory) throws IOException {
    return FilesystemArchiveStore.open(directory);
  }
}
