/**
 * Test kit for format v1.0: golden archives, conformance vectors and their runner
 * ({@link io.hellgate.export.testkit.golden.ConformanceSuite}).
 */
module io.hellgate.export.testkit {
  requires io.hellgate.export.core;
  requires com.fasterxml.jackson.databind;

  exports io.hellgate.export.testkit.golden;
}
