package io.hellgate.export.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilesystemArchiveStoreTest {
  /**
   * Regression: the copy into the store replaced the owner-only temporary file, so the stored
   * archive took the source file's permissions (e.g. world-readable rw-r--r--).
   */
  @Test
  void storedArchiveIsOwnerOnlyWhateverTheSourcePermissions(@TempDir Path dir) throws Exception {
    assumeThat(Files.getFileAttributeView(dir, PosixFileAttributeView.class)).as("a POSIX file system").isNotNull();
    Path source = dir.resolve("export.tgz");
    Files.write(source, new byte[] {1, 2, 3});
    Files.setPosixFilePermissions(source, PosixFilePermissions.fromString("rw-r--r--"));
    ArchiveStore store = ArchiveStore.filesystem(dir.resolve("store"));
    Path stored = store.file(store.put(source, UUID.randomUUID()));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(stored))).isEqualTo("rw-------");
    assertThat(Files.readAllBytes(stored)).containsExactly(1, 2, 3);
  }
}
