package io.hellgate.export.cli;

import io.hellgate.export.ExportReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code export-tool decrypt ARCHIVE --key KEY.pem [--out FILE]}: the verified JSON Lines, to
 * stdout (two passes: nothing is written before full verification) or to FILE (one pass into an
 * owner-only hidden file, renamed to FILE only after full verification, deleted otherwise).
 */
@Command(
    name = "decrypt",
    description = {
      "Verify an export completely (tag, checksum, count, framing, and that every line is a valid",
      "token record), then write its JSON Lines to stdout or --out FILE. Nothing is written unless",
      "all of that passed. With --out, the archive is read once: the JSON Lines go to a hidden,",
      "owner-only .export-tool-*.partial file beside FILE as they are decrypted, and that file is",
      "renamed to FILE (and the directory synced) only after everything verified; on any failure",
      "it is deleted and no FILE exists. An existing FILE is replaced only with --force. ARCHIVE -",
      "reads standard input (to stdout: spooled, encrypted, for the second pass); --out - is stdout.",
      "To stdout, a failure while writing (a changed archive file, a full disk) exits non-zero:",
      "discard the output then."
    })
final class DecryptCommand implements Callable<Integer> {
  /** The hidden file the plaintext is written to before the rename: {@code .export-tool-*.partial}. */
  static final String PARTIAL_PREFIX = ".export-tool-";

  @Spec CommandSpec spec;

  @picocli.CommandLine.ParentCommand ExportTool tool;

  @Mixin ArchiveArgs input;

  @Option(names = "--out", paramLabel = "FILE", description = "Write the JSON Lines here instead of stdout (- for stdout).")
  Path out;

  @Mixin ForceOption force;

  @Override
  public Integer call() throws Exception {
    if (Stdio.isDash(out)) {
      out = null; // standard output
    }
    if (out != null) {
      OutputTarget.check("--out", out, input.archive, "the archive", force.force);
      PartialFiles.sweepStale(out.toAbsolutePath().getParent());
      return toFile(spec.commandLine().getErr());
    }
    input.passes = 2;
    try (ExportReader reader = input.openVerified(spec.commandLine().getErr())) {
      long count;
      try (Progress.Pass pass = input.progress.pass("writing", input.archiveSize)) {
        OutputStream o = tool.stdout();
        count = reader.transferTo(new ToStream(o, pass));
        o.flush();
      }
      done(count, reader);
      return ExportTool.OK;
    }
  }

  private void done(long count, ExportReader reader) {
    if (!input.ui.quiet) {
      spec.commandLine()
          .getErr()
          .println("decrypted " + count + " records (" + reader.manifest().checksum() + ")" + (out == null ? "" : " to " + Printable.escape(out)));
    }
  }

  /**
   * The plaintext chunks (up to 1 MiB, from {@link ExportReader#transferTo}) straight to an
   * output stream, no copy: the chunks are array-backed; counts the release pass's progress.
   */
  private static final class ToStream implements java.nio.channels.WritableByteChannel {
    private final OutputStream out;
    private final Progress.Pass progress;

    ToStream(OutputStream out, Progress.Pass progress) {
      this.out = out;
      this.progress = progress;
    }

    @Override
    public int write(java.nio.ByteBuffer b) throws IOException {
      int n = b.remaining();
      out.write(b.array(), b.arrayOffset() + b.position(), n);
      b.position(b.limit());
      progress.add(n);
      return n;
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public void close() {
      // the stream belongs to the caller
    }
  }

  /**
   * {@code --out FILE}: one pass (docs/security.md, "decrypt --out and its temporary file"). The
   * plaintext goes to an owner-only hidden file beside FILE as it is decrypted; the reader verifies
   * everything at the end (its last read throws otherwise), and only then is the file synced and
   * renamed to FILE. On any failure, Ctrl-C or SIGTERM it is deleted; after a SIGKILL the next
   * decrypt into that directory deletes it.
   */
  private int toFile(java.io.PrintWriter err) throws IOException {
    Path dir = out.toAbsolutePath().getParent();
    // The partial file holds plaintext: delete it on Ctrl-C or SIGTERM too, not only on errors.
    AtomicReference<Path> partial = new AtomicReference<>();
    Thread cleanup = new Thread(() -> deleteQuietly(partial.get()), "export-tool-delete-partial");
    Runtime.getRuntime().addShutdownHook(cleanup);
    input.passes = 1;
    try (ExportReader reader = input.openSinglePass(err)) {
      // A short name of its own (~40 characters), not derived from FILE's: a long but legal FILE
      // name must not make the temporary name too long.
      // Named for this process, so that a later run can delete it if this one is killed (SIGKILL).
      Path tmp = PartialFiles.create(dir);
      partial.set(tmp);
      long n;
      try (Progress.Pass pass = input.progress.pass("decrypting", input.archiveSize);
          FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        input.readProgress = pass;
        n = reader.transferTo(ch); // its end verifies everything, or throws
        ch.force(true);
      } finally {
        input.readProgress = null;
      }
      // Checked again: the target may have changed while the archive was read.
      OutputTarget.check("--out", out, input.archive, "the archive", force.force);
      PartialFiles.moveIntoPlace(tmp, out, force.force); // then fsyncs the directory
      done(n, reader);
      return ExportTool.OK;
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
