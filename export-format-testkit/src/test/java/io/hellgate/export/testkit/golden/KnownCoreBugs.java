package io.hellgate.export.testkit.golden;

import java.util.Map;

/** Vectors that core currently fails, with the bug; see CoreBugTest. Remove entries when fixed. */
final class KnownCoreBugs {
  static final Map<String, String> VECTORS =
      Map.of(
          "valid-unknown-record-members",
          "RecordCodec.compact() calls ObjectMapper.readTree(parser) with FAIL_ON_TRAILING_TOKENS enabled, so any"
              + " unknown record member fails as 'not valid JSON' instead of being kept");

  private KnownCoreBugs() {}
}
