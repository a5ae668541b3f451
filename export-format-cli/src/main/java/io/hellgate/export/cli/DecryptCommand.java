package io.hellgate.export.cli;

import io.hellgate.export.ExportReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code export-tool decrypt ARCHIVE --key KEY.pem [--out FILE]}: the verified JSON Lines, to
 * stdout or to FILE. FILE appears (owner-only, atomically renamed) only after full verification.
 */
@Command(
    name = "decrypt",
    description = {
      "Verify an export completely (tag, checksum, count, framing, and that every line is a valid",
      "token record), then write its JSON Lines to stdout or --out FILE. Nothing is written unless",
      "all of that passed. With --out, FILE is created only after the whole write; on failure no",
      "file exists (it is written as a hidden .export-tool-*.partial file beside it and renamed).",
      "To stdout, a failure while writing (a changed archive file, a full disk) exits non-zero:",
      "discard the output then."
    })
final class DecryptCommand implements Callable<Integer> {
  /** The hidden file the plaintext is written to before the rename: {@code .export-tool-*.partial}. */
  static final String PARTIAL_PREFIX = ".export-tool-";

  @Spec CommandSpec spec;

  @picocli.CommandLine.ParentCommand ExportTool tool;

  @Mixin ArchiveArgs input;

  @Option(names = "--out", paramLabel = "FILE", description = "Write the JSON Lines here instead of stdout.")
  Path out;

  @Override
  public Integer call() throws Exception {
    if (out != null) {
      OutputTarget.check("--out", out, input.archive, "the archive");
    }
    try (ExportReader reader = input.openVerified(spec.commandLine().getErr())) {
      long count;
      if (out == null) {
        OutputStream o = new java.io.BufferedOutputStream(tool.stdout(), 1 << 16);
        count = copy(reader, o);
        o.flush();
      } else {
        count = toFile(reader);
      }
      spec.commandLine()
          .getErr()
          .println("decrypted " + count + " records (" + reader.manifest().checksum() + ")" + (out == null ? "" : " to " + Printable.escape(out)));
      return ExportTool.OK;
    }
  }

  /** Copies the verified lines as bytes: no decoding, no re-encoding. */
  private static long copy(ExportReader reader, OutputStream o) throws IOException {
    long n = 0;
    byte[] buf = new byte[8192];
    for (java.nio.ByteBuffer line; (line = reader.nextLineBytes()) != null; n++) {
      while (line.hasRemaining()) {
        int k = Math.min(buf.length, line.remaining());
        line.get(buf, 0, k);
        o.write(buf, 0, k);
      }
      o.write('\n');
    }
    return n;
  }

  private long toFile(ExportReader reader) throws IOException {
    Path dir = out.toAbsolutePath().getParent();
    // The partial file holds plaintext: delete it on Ctrl-C or SIGTERM too, not only on errors.
    AtomicReference<Path> partial = new AtomicReference<>();
    Thread cleanup = new Thread(() -> deleteQuietly(partial.get()), "export-tool-delete-partial");
    Runtime.getRuntime().addShutdownHook(cleanup);
    try {
      // A short name of its own (~40 characters), not derived from FILE's: a long but legal FILE
      // name must not make the temporary name too long.
      Path tmp =
          FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
              ? Files.createTempFile(dir, PARTIAL_PREFIX, ".partial",
                  PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
              : Files.createTempFile(dir, PARTIAL_PREFIX, ".partial");
      partial.set(tmp);
      long n;
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
          OutputStream os = new java.io.BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16)) {
        n = copy(reader, os);
        os.flush();
        ch.force(true);
      }
      // Checked again: the target may have changed during the verification pass.
      OutputTarget.check("--out", out, input.archive, "the archive");
      try {
        Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
      }
      return n;
    } finally {
      Path tmp = partial.get();
      if (tmp != null) {
        Files.deleteIfExists(tmp);
      }
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is exiting: the hook runs (and finds nothing left to delete)
      }
    }
  }

  private static void deleteQuietly(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException | RuntimeException e) {
        // nothing more can be done while the JVM exits
      }
    }
  }
}
