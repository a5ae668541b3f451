/**
 * Who may receive an export and with which keys: {@link io.hellgate.export.crypto.CertificatePolicy}
 * checks a recipient certificate (validation level, organization, trust chain, validity,
 * revocation, key) and hands out a policy-checked {@link io.hellgate.export.Recipient};
 * {@link io.hellgate.export.crypto.RecipientKeys} loads recipient keys from PEM, PKCS#12 and PKCS#11
 * (HSM) key stores; {@link io.hellgate.export.crypto.CertificateRequests} makes certificate requests
 * for new, dedicated recipient keys.
 */
module io.hellgate.export.crypto {
  requires transitive io.hellgate.export.core;
  requires org.bouncycastle.provider;
  requires org.bouncycastle.util;
  requires org.bouncycastle.pkix;

  exports io.hellgate.export.crypto;
}
