package io.hellgate.export.testkit.jqwik;

import io.hellgate.export.testkit.golden.ConformanceSuite;
import io.hellgate.export.testkit.golden.Implementation;

/** The signature contract against this library's ExportReader (with the vector's signer trust). */
class ExportReaderSignatureContractTest extends SignatureContract {
  @Override
  protected Implementation reader() {
    return ConformanceSuite.exportReader();
  }
}
