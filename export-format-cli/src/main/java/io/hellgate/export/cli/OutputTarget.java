package io.hellgate.export.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Checks on a file a command is about to create or replace. */
final class OutputTarget {
  private OutputTarget() {}

  /**
   * Refuses (with {@link ExportTool.UsageError}) an existing output unless {@code force}, an empty
   * output path or one without a file name
   * ({@code /}), an output path that exists and is not a regular
   * file (a symlink, device, FIFO or directory would be replaced by a regular file), or that is
   * the same file as one of the inputs (which would be destroyed before it is read).
   *
   * @param option the option naming the path, for the message ({@code --out})
   * @param input the command's input file
   * @param inputName what the input is called in messages ({@code --in}, {@code the archive})
   * @param force whether an existing regular file may be replaced ({@code --force}); without it an
   *     existing output is refused
   */
  static void check(String option, Path out, Path input, String inputName, boolean force) throws IOException {
    if (out.toString().isEmpty()) {
      throw new ExportTool.UsageError(option + " is empty: give the name of the file to create");
    }
    if (out.getFileName() == null) {
      throw new ExportTool.UsageError(option + " " + out + " names no file: give the name of the file to create");
    }
    // Checked before any (long) work, so that the error names --out rather than a temporary file.
    Path dir = out.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      throw new NoSuchFileException(out.toString(), null,
          Files.exists(dir) ? dir + " is not a directory" : "directory " + dir + " does not exist");
    }
    if (!Files.isWritable(dir)) {
      throw new AccessDeniedException(out.toString(), null, "directory " + dir + " is not writable");
    }
    if (Files.exists(out, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(out, LinkOption.NOFOLLOW_LINKS)) {
      throw new ExportTool.UsageError(option + " " + out + " exists and is not a regular file");
    }
    if (input != null && !Stdio.isDash(input) && Files.exists(out) && Files.exists(input) && Files.isSameFile(out, input)) {
      throw new ExportTool.UsageError(option + " " + out + " is the same file as " + inputName + " " + input);
    }
    if (!force && Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
      throw new ExportTool.UsageError(option + " " + out + " exists: give --force to replace it");
    }
  }
}
