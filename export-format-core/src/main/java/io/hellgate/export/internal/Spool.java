package io.hellgate.export.internal;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Set;

/**
 * Holds <em>ciphertext</em> between passes: in memory up to a threshold, then in a temporary file
 * that only the owner can read and that is deleted on {@link #close()}. Never give it plaintext.
 * Not thread-safe.
 */
public final class Spool implements Closeable {
  private final Path directory;
  private final int memoryLimit;
  private byte[] memory = new byte[8192];
  private int memorySize;
  private Path file;
  private OutputStream fileOut;
  private long size;
  private boolean sealed;

  /**
   * @param directory where a temporary file may be created, or null for the default temp directory
   * @param memoryLimit bytes kept in memory before switching to a file
   */
  public Spool(Path directory, int memoryLimit) {
    this.directory = directory;
    this.memoryLimit = memoryLimit;
  }

  /** Appends bytes. */
  public void write(byte[] b, int off, int len) throws IOException {
    if (sealed) {
      throw new IllegalStateException("spool is sealed");
    }
    if (fileOut == null && memorySize + (long) len <= memoryLimit) {
      if (memorySize + len > memory.length) {
        memory = Arrays.copyOf(memory, Math.min(memoryLimit, Math.max(memorySize + len, memory.length * 2)));
      }
      System.arraycopy(b, off, memory, memorySize, len);
      memorySize += len;
    } else {
      if (fileOut == null) {
        file = createPrivateTempFile();
        fileOut = Files.newOutputStream(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        fileOut.write(memory, 0, memorySize);
        memory = null;
      }
      fileOut.write(b, off, len);
    }
    size += len;
  }

  private Path createPrivateTempFile() throws IOException {
    Path dir = directory != null ? directory : Path.of(System.getProperty("java.io.tmpdir"));
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      FileAttribute<Set<java.nio.file.attribute.PosixFilePermission>> ownerOnly =
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
      return Files.createTempFile(dir, "export-spool-", ".ciphertext", ownerOnly);
    }
    return Files.createTempFile(dir, "export-spool-", ".ciphertext");
  }

  /** Bytes written so far. */
  public long size() {
    return size;
  }

  /** Whether the bytes went to a temporary file. */
  public boolean onDisk() {
    return file != null;
  }

  /** Ends writing; {@link #openInput()} may be called afterwards, any number of times. */
  public void seal() throws IOException {
    if (!sealed) {
      sealed = true;
      if (fileOut != null) {
        fileOut.close();
      }
    }
  }

  /** Reads everything written, from the start. */
  public InputStream openInput() throws IOException {
    if (!sealed) {
      throw new IllegalStateException("seal the spool before reading it");
    }
    return file != null ? Files.newInputStream(file) : new ByteArrayInputStream(memory, 0, memorySize);
  }

  /** Deletes the temporary file, if any. */
  @Override
  public void close() throws IOException {
    sealed = true;
    memory = null;
    try {
      if (fileOut != null) {
        fileOut.close();
      }
    } finally {
      if (file != null) {
        Files.deleteIfExists(file);
      }
    }
  }
}
