package io.hellgate.export.cli;

import java.util.Locale;

/** Human sizes on the command line: {@code 500m}, {@code 2g}. */
final class Sizes {
  private Sizes() {}

  /** {@code 123}, {@code 64k}, {@code 256m} or {@code 2g} in bytes; IllegalArgumentException otherwise. */
  static long parse(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    if (!t.matches("\\d{1,15}[kmg]?")) {
      throw new IllegalArgumentException("'" + s + "' is not a size such as 500m or 2g");
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
    return Long.parseLong(t) * mult;
  }
}
