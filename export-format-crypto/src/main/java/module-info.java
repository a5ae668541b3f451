/**
 * Who may receive an export: {@link io.hellgate.export.crypto.CertificatePolicy} checks a recipient
 * certificate (validation level, organization, trust chain, validity, revocation, key) and hands
 * out a policy-checked {@link io.hellgate.export.Recipient}.
 */
module io.hellgate.export.crypto {
  requires transitive io.hellgate.export.core;
  requires org.bouncycastle.provider;
  requires org.bouncycastle.util;
  requires org.bouncycastle.pkix;

  exports io.hellgate.export.crypto;
}
