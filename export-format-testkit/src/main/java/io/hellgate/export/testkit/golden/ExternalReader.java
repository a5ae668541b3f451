package io.hellgate.export.testkit.golden;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A reader in another process, as an {@link Implementation}: so that a non-JVM implementation is
 * judged by the same conformance vectors and contract properties as the Java reader.
 *
 * <p><b>Protocol.</b> For each archive the command is started once, with {@code {key}} and
 * {@code {certificate}} in its arguments replaced by the paths of PEM files holding the
 * recipient's PKCS#8 private key and X.509 certificate. The archive is written to its standard
 * input, which is then closed. The process either
 * <ul>
 *   <li>exits with status 0 after writing the plaintext (every line with its {@code \n}) to
 *       standard output: accepted; or
 *   <li>exits with status 1 with the reason code ({@code tampered_content}, ...) as the first line
 *       of standard error: rejected. Anything it wrote to standard output counts as released
 *       before the rejection ({@link Outcome#rejectedAfterReleasing}), which the contracts report.
 * </ul>
 * Any other status, an empty reason, or running past the timeout (default 60 s; the process is
 * then killed) makes {@link #read} throw: that is a broken harness, not a verdict.
 *
 * <p>The key files are written owner-only into a fresh temporary directory and deleted after each
 * run; they are the testkit's test keys. Immutable and thread-safe; each {@link #read} starts its
 * own process.
 *
 * <pre>{@code
 * ExternalReader python = ExternalReader.of(List.of(
 *     "python3", "docs/vectors/read_export.py", "{key}", "{certificate}"));
 * ConformanceSuite.run(python).assertPassed();
 * }</pre>
 */
public final class ExternalReader implements Implementation {
  /** Exit status of an accepted archive. */
  public static final int ACCEPTED = 0;
  /** Exit status of a rejected archive; the reason code is the first line of standard error. */
  public static final int REJECTED = 1;

  private final List<String> command;
  private final Duration timeout;
  private final Path directory;

  private ExternalReader(List<String> command, Duration timeout, Path directory) {
    this.command = command;
    this.timeout = timeout;
    this.directory = directory;
  }

  /**
   * A reader started as {@code command}.
   *
   * @param command the program and its arguments; {@code {key}} and {@code {certificate}} are
   *     replaced by PEM file paths wherever they occur
   * @return the reader, with a 60 s timeout, run in the current directory
   * @throws IllegalArgumentException if {@code command} is empty
   */
  public static ExternalReader of(List<String> command) {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("command must not be empty");
    }
    return new ExternalReader(List.copyOf(command), Duration.ofSeconds(60), null);
  }

  /**
   * This reader with another timeout per archive.
   *
   * @param timeout positive
   * @return a new reader
   */
  public ExternalReader withTimeout(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive");
    }
    return new ExternalReader(command, timeout, directory);
  }

  /**
   * This reader run in another working directory.
   *
   * @param directory an existing directory
   * @return a new reader
   */
  public ExternalReader withDirectory(Path directory) {
    return new ExternalReader(command, timeout, Objects.requireNonNull(directory, "directory"));
  }

  /**
   * Runs the command on one archive.
   *
   * @param vector the archive and the key to read it with
   * @return the verdict, with what was released
   * @throws IOException if the process cannot be started, exits with another status, gives no
   *     reason, or runs past the timeout
   * @throws InterruptedException if interrupted while waiting
   */
  @Override
  public Outcome read(Vector vector) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("external-reader", PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rwx------")));
    try {
      Path key = Files.write(dir.resolve("key.pem"), vector.privateKeyPem());
      Path cert = Files.write(dir.resolve("certificate.pem"), vector.certificatePem());
      List<String> argv = new ArrayList<>();
      for (String a : command) {
        argv.add(a.replace("{key}", key.toString()).replace("{certificate}", cert.toString()));
      }
      ProcessBuilder pb = new ProcessBuilder(argv);
      if (directory != null) {
        pb.directory(directory.toFile());
      }
      Process p = pb.start();
      byte[] archive = vector.archive();
      Pump in = new Pump(() -> feed(p.getOutputStream(), archive));
      Pump out = new Pump(() -> drain(p.getInputStream()));
      Pump err = new Pump(() -> drain(p.getErrorStream()));
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IOException(argv.get(0) + " ran past " + timeout + " on " + vector.id() + " and was killed");
      }
      in.join();
      byte[] stdout = out.join();
      String stderr = new String(err.join(), StandardCharsets.UTF_8);
      int status = p.exitValue();
      if (status == ACCEPTED) {
        return Outcome.valid(stdout);
      }
      String reason = stderr.lines().findFirst().orElse("").trim();
      if (status != REJECTED || reason.isEmpty()) {
        throw new IOException(argv.get(0) + " exited with status " + status + " on " + vector.id()
            + (reason.isEmpty() ? " without a reason" : ": " + stderr.strip()));
      }
      return Outcome.rejectedAfterReleasing(reason, stdout);
    } finally {
      deleteTree(dir);
    }
  }

  /** Writes the archive; a reader may exit before taking it all (a broken pipe is its answer). */
  private static byte[] feed(OutputStream stdin, byte[] archive) {
    try (stdin) {
      stdin.write(archive);
    } catch (IOException e) {
      // the process stopped reading: its exit status and output say why
    }
    return null;
  }

  private static byte[] drain(InputStream in) throws IOException {
    try (in) {
      return in.readAllBytes();
    }
  }

  /** One pipe, served by its own daemon thread, so that no pipe can block another. */
  private static final class Pump {
    private final Thread thread;
    private byte[] result;
    private IOException failure;

    Pump(IoSupplier task) {
      thread = new Thread(() -> {
        try {
          result = task.get();
        } catch (IOException e) {
          failure = e;
        }
      }, "external-reader-pipe");
      thread.setDaemon(true);
      thread.start();
    }

    byte[] join() throws IOException, InterruptedException {
      thread.join();
      if (failure != null) {
        throw failure;
      }
      return result;
    }
  }

  @FunctionalInterface
  private interface IoSupplier {
    byte[] get() throws IOException;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.delete(f);
      }
    }
    Files.delete(dir);
  }

  @Override
  public String toString() {
    return "ExternalReader" + command;
  }
}
