package io.hellgate.export.cli;

import io.hellgate.export.ExportReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * What {@code decrypt} and {@code verify} share: the archive, the recipient keys and
 * {@code --max-size}, and opening the archive with its whole content authenticated. A picocli mixin;
 * one instance per invocation.
 */
final class ArchiveArgs {
  @Parameters(paramLabel = "ARCHIVE", description = "The export .tgz.")
  Path archive;

  @Mixin KeySourceOptions keys;

  @Option(names = "--max-size", paramLabel = "SIZE",
      description = "Refuse exports whose encrypted data is larger than SIZE (e.g. 2g), before reading it.")
  String maxSize;

  @Option(names = "--skip-record-validation",
      description = "RISKY: do not check that each line is a valid token record (JSON, card fields); only the "
          + "encryption, checksum, count and line framing are verified. About 4x faster; use only when the "
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
    ExportTool.requireNotDirectory(archive);
    ExportReader.Options.Builder options = ExportReader.options().validateRecords(!skipRecordValidation);
    keys.load().forEach(options::key);
    if (maxSize != null) {
      options.maxDataBytes(Sizes.parse(maxSize));
    }
    if (formatOneOne != null) {
      formatOneOne.accept(options); // verify's format 1.1 options (signature, scope)
    }
    AtomicLong read = new AtomicLong();
    options.progress(read::set);
    ExportReader reader = null;
    // From the file itself: nothing is spooled, and the release pass re-reads the file in place
    // (each chunk re-authenticated), so decrypting needs no temporary space.
    try (Progress progress = Progress.start(err, "verifying", read, Files.size(archive))) {
      // A regular file is read twice in place; a pipe or FIFO can be read once only, so it is
      // opened as a stream (its ciphertext spooled for the release pass).
      reader = Files.isRegularFile(archive)
          ? ExportReader.open(archive, options.build())
          : ExportReader.open(sequential(Files.newInputStream(archive)), options.build());
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
}
