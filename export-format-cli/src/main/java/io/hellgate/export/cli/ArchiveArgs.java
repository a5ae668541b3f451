package io.hellgate.export.cli;

import io.hellgate.export.ExportReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * What {@code decrypt} and {@code verify} share: the archive, the recipient keys and
 * {@code --max-size}, and opening the archive with its whole content authenticated. A picocli mixin;
 * one instance per invocation.
 */
final class ArchiveArgs {
  @Parameters(paramLabel = "ARCHIVE", description = "The export .tgz (- for standard input).")
  Path archive;

  @Mixin KeySourceOptions keys;

  @Mixin UiOptions ui;

  @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE)
  picocli.CommandLine.Model.CommandSpec mixee;

  /** How many passes the command makes, for the progress display: set before {@link #openVerified}. */
  int passes = 1;

  /** The run's progress display, made by {@link #openVerified}; a command adds its later passes. */
  Progress progress = Progress.none();

  /** The archive's size in bytes, or -1 for a stream; known after {@link #openVerified}. */
  long archiveSize = -1;

  @Option(names = "--max-size", paramLabel = "SIZE",
      description = "Refuse exports whose encrypted data is larger than SIZE (e.g. 2g), before reading it.")
  String maxSize;

  @Option(names = "--skip-record-validation",
      description = "RISKY: do not check that each line is a valid token record (JSON, card fields); only the "
          + "encryption, checksum, count and line framing are verified. Faster (docs/performance.md); use only when the "
          + "consumer validates every record itself.")
  boolean skipRecordValidation;

  /** Set by a command that adds reader options of its own (verify: signer trust, scope check). */
  java.util.function.Consumer<ExportReader.Options.Builder> formatOneOne;

  /**
   * A stream that never asks the file for its position: {@code skip} reads and discards and
   * {@code available} says 0, since a pipe cannot seek ("Illegal seek").
   */
  private static java.io.InputStream sequential(java.io.InputStream in) {
    return new java.io.FilterInputStream(in) {
      @Override
      public int available() {
        return 0;
      }

      @Override
      public long skip(long n) throws IOException {
        byte[] discard = new byte[(int) Math.min(Math.max(n, 0), 8192)];
        long left = n;
        for (int r; left > 0 && (r = read(discard, 0, (int) Math.min(discard.length, left))) > 0; ) {
          left -= r;
        }
        return n - left;
      }
    };
  }

  /**
   * Opens the archive and verifies it completely (progress on stderr for long runs on a terminal).
   * The caller closes the returned reader; on failure nothing stays open.
   */
  ExportReader openVerified(PrintWriter err) throws IOException {
    ExportReader.Options.Builder options = options();
    progress = Progress.of(err, ui, passes);
    ExportReader reader = null;
    // From the file itself: nothing is spooled, and the release pass re-reads the file in place
    // (each chunk re-authenticated), so decrypting needs no temporary space.
    try (Progress.Pass pass = progress.pass("verifying", archiveSize)) {
      options.progress(pass);
      reader = open(options);
      reader.verify();
      return reader;
    } catch (IOException | RuntimeException e) {
      try {
        if (reader != null) {
          reader.close();
        }
      } catch (IOException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
  }

  /**
   * Opens the archive for one pass that releases lines as it decrypts them and verifies
   * everything (tag, checksum, count, framing, records unless skipped) at the end, where the last
   * read throws if anything failed: only for {@code decrypt --out FILE}, whose caller writes to an
   * owner-only temporary file and deletes it on any failure (docs/security.md). The archive bytes
   * read go to {@link #readProgress} while the caller sets it.
   */
  ExportReader openSinglePass(PrintWriter err) throws IOException {
    ExportReader.Options.Builder options = options().unverifiedStreaming(true);
    progress = Progress.of(err, ui, 1);
    options.progress(n -> {
      java.util.function.LongConsumer sink = readProgress;
      if (sink != null) {
        sink.accept(n);
      }
    });
    return open(options);
  }

  /** Where {@link #openSinglePass}'s reader reports the archive bytes read; set by the caller. */
  java.util.function.LongConsumer readProgress;

  /** The options every command reads with; also settles {@link #archiveSize}. */
  private ExportReader.Options.Builder options() throws IOException {
    if (!Stdio.isDash(archive)) {
      ExportTool.requireNotDirectory(archive);
    }
    ExportReader.Options.Builder options = ExportReader.options().validateRecords(!skipRecordValidation);
    keys.load().forEach(options::key);
    if (formatOneOne != null) {
      formatOneOne.accept(options); // verify's format 1.1 options (signature, scope)
    }
    if (maxSize != null) {
      options.maxDataBytes(Sizes.parse(maxSize));
    }
    archiveSize = !Stdio.isDash(archive) && Files.isRegularFile(archive) ? Files.size(archive) : -1;
    return options;
  }

  private ExportReader open(ExportReader.Options.Builder options) throws IOException {
    // A regular file is read in place (twice when verified first); a pipe, FIFO or standard input
    // can be read once only, so it is opened as a stream (its ciphertext spooled for a release pass).
    return archiveSize >= 0
        ? ExportReader.open(archive, options.build())
        : ExportReader.open(sequential(Stdio.isDash(archive) ? stdin() : Files.newInputStream(archive)), options.build());
  }

  /** Standard input of this invocation. */
  private java.io.InputStream stdin() {
    ExportTool tool = mixee == null ? null : ExportTool.of(mixee);
    return tool != null ? tool.stdin() : System.in;
  }
}
