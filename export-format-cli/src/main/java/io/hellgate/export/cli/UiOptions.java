package io.hellgate.export.cli;

import picocli.CommandLine.Option;

/**
 * {@code --quiet} and {@code --progress}, shared by the commands that run long (encrypt, decrypt,
 * verify) as a picocli mixin. Progress goes to standard error: shown when standard error is a
 * terminal, always with {@code --progress}, never with {@code --quiet}. {@code --quiet} also drops
 * informational messages; warnings and errors are always printed. One instance per invocation.
 */
final class UiOptions {
  @Option(names = {"-q", "--quiet"},
      description = "Print no progress and no informational messages (warnings and errors still go to stderr).")
  boolean quiet;

  @Option(names = "--progress",
      description = "Show progress on stderr (bytes, rate, ETA, per pass) even when stderr is not a terminal.")
  boolean progress;

  /** Whether progress is shown: forced, or on a terminal; never when quiet. */
  boolean showProgress() {
    return !quiet && (progress || Terminal.isTerminal(2));
  }
}
