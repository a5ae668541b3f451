package io.hellgate.export.testkit.golden;

import java.util.Map;

/** Vectors that core currently fails, with the bug; see CoreBugTest. Remove entries when fixed. */
final class KnownCoreBugs {
  static final Map<String, String> VECTORS = Map.of();

  private KnownCoreBugs() {}
}
