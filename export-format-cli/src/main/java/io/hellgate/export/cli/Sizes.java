package io.hellgate.export.cli;

import java.util.Locale;

/** Human sizes on the command line: {@code 500m}, {@code 2g}. */
final class Sizes {
  private Sizes() {}

  /**
   * {@code 123}, {@code 64k}, {@code 256m} or {@code 2g} in bytes; {@link ExportTool.UsageError}
   * (exit 2) for anything else or a size beyond {@code Long.MAX_VALUE} bytes.
   */
  static long parse(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    if (!t.matches("\\d{1,15}[kmg]?")) {
      throw new ExportTool.UsageError("'" + s + "' is not a size such as 500m or 2g");
    }
    long mult = 1;
    if (t.endsWith("g")) {
      mult = 1L << 30;
    } else if (t.endsWith("m")) {
      mult = 1L << 20;
    } else if (t.endsWith("k")) {
      mult = 1L << 10;
    }
    if (mult != 1) {
      t = t.substring(0, t.length() - 1);
    }
    try {
      return Math.multiplyExact(Long.parseLong(t), mult);
    } catch (ArithmeticException e) {
      throw new ExportTool.UsageError("'" + s + "' is too large a size (at most " + (Long.MAX_VALUE >> 30) + "g)");
    }
  }
}
