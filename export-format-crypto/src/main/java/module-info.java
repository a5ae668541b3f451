/**
 * Who may receive an export and with which keys: loading recipient keys from PEM, PKCS#12 and
 * PKCS#11 (HSM) key stores, and certificate requests for new recipient keys.
 */
module io.hellgate.export.crypto {
  requires transitive io.hellgate.export.core;
  requires org.bouncycastle.provider;
  requires org.bouncycastle.util;
  requires org.bouncycastle.pkix;

  exports io.hellgate.export.crypto;
}
