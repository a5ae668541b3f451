package io.hellgate.export.testkit.jqwik;

import io.hellgate.export.testkit.golden.ConformanceSuite;
import io.hellgate.export.testkit.golden.Implementation;

/**
 * The reader contract against this library's ExportReader. It lives here, not in core's tests,
 * because the testkit depends on core (Maven forbids the cycle); see docs/testing.md.
 */
class ExportReaderContractTest extends ReaderContract {
  @Override
  protected Implementation reader() {
    return ConformanceSuite.exportReader();
  }
}
