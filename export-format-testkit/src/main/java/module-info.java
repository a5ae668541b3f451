/**
 * Test support for export-format: a throwaway test PKI ({@link io.hellgate.export.testkit.TestPki})
 * with loopback OCSP and CRL servers, PEM writing, synthetic records with Luhn-valid test PANs
 * ({@link io.hellgate.export.testkit.SyntheticRecords}), golden archives and the conformance
 * vectors with their runner ({@link io.hellgate.export.testkit.golden.ConformanceSuite}), and, for
 * jqwik users, arbitraries and the reader/writer contracts ({@code io.hellgate.export.testkit.jqwik},
 * which needs jqwik on the module or class path; everything else works without it). Never use its
 * keys for real data.
 */
module io.hellgate.export.testkit {
  requires transitive io.hellgate.export.crypto;
  requires com.fasterxml.jackson.databind;
  requires org.bouncycastle.provider;
  requires org.bouncycastle.util;
  requires org.bouncycastle.pkix;
  requires jdk.httpserver;
  requires static net.jqwik.api;

  exports io.hellgate.export.testkit;
  exports io.hellgate.export.testkit.golden;
  exports io.hellgate.export.testkit.jqwik;

  // No "provides net.jqwik.api.providers.ArbitraryProvider": the module system checks a provided
  // service's package at resolution even when its module is "requires static", so without jqwik the
  // module would not resolve (ModulePathTest). The providers are registered in META-INF/services
  // (class path); on the module path, @Domain(ExportDomain.class) registers them (docs/testing.md).
}
