package io.hellgate.export.cli;

import java.nio.file.Path;

/**
 * {@code -} as a file name: standard input where a file is read, standard output where one is
 * written (as age, openssl and tar users expect). A file really named {@code -} is {@code ./-}.
 */
final class Stdio {
  private Stdio() {}

  /** Standard input of the invocation {@code spec} belongs to (not to be closed). */
  static java.io.InputStream in(picocli.CommandLine.Model.CommandSpec spec) {
    ExportTool tool = spec == null ? null : ExportTool.of(spec);
    return tool != null ? tool.stdin() : System.in;
  }

  /** All of standard input, refused past {@code max} bytes. */
  static byte[] readAll(picocli.CommandLine.Model.CommandSpec spec, long max, String what) throws java.io.IOException {
    byte[] b = in(spec).readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
    if (b.length > max) {
      throw new java.io.IOException(what + " on standard input is larger than " + max + " bytes");
    }
    return b;
  }

  /** Whether {@code path} is {@code -}. */
  static boolean isDash(Path path) {
    return path != null && path.toString().equals("-");
  }
}
