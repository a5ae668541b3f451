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

  /**
   * Opens the archive and verifies it completely (progress on stderr for long runs on a terminal).
   * The caller closes the returned reader; on failure nothing stays open.
   */
  ExportReader openVerified(PrintWriter err) throws IOException {
    ExportReader.Options.Builder options = ExportReader.options();
    keys.load().forEach(options::key);
    if (maxSize != null) {
      options.maxDataBytes(Sizes.parse(maxSize));
    }
    AtomicLong read = new AtomicLong();
    options.progress(read::set);
    ExportReader reader = null;
    // From the file itself: nothing is spooled, and the release pass re-reads the file in place
    // (each chunk re-authenticated), so decrypting needs no temporary space.
    try (Progress progress = Progress.start(err, "verifying", read, Files.size(archive))) {
      reader = ExportReader.open(archive, options.build());
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
