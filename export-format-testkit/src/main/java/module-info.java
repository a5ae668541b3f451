/**
 * Test support for export-format: a throwaway test PKI ({@link io.hellgate.export.testkit.TestPki})
 * with loopback OCSP and CRL servers, and PEM writing. Never use its keys for real data.
 */
module io.hellgate.export.testkit {
  requires transitive io.hellgate.export.crypto;
  requires org.bouncycastle.provider;
  requires org.bouncycastle.util;
  requires org.bouncycastle.pkix;
  requires jdk.httpserver;

  exports io.hellgate.export.testkit;
}
