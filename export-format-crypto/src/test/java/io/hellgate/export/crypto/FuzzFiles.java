package io.hellgate.export.crypto;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The loaders take files: each fuzz input is written to one temporary file per test JVM. */
final class FuzzFiles {
  private FuzzFiles() {}

  /** A fresh temporary file (deleted when the JVM exits) for the fuzz inputs of {@code what}. */
  static Path create(String what) {
    try {
      Path file = Files.createTempFile("fuzz-" + what + "-", ".bin");
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Replaces the file's content with {@code input}. */
  static Path write(Path file, byte[] input) {
    try {
      return Files.write(file, input);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
