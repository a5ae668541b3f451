package io.hellgate.export.cli;

import picocli.CommandLine.Option;

/** {@code --force}: replace an existing output file, which is refused by default. A picocli mixin. */
final class ForceOption {
  @Option(names = {"-f", "--force"}, description = "Replace the output file if it exists (refused by default).")
  boolean force;
}
