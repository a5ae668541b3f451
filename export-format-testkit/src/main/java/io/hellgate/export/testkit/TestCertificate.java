package io.hellgate.export.testkit;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A certificate issued by a {@link TestPki}, with its private key and the chain above it (issuing
 * CA first, root excluded). Test material only. Immutable and thread-safe.
 *
 * <pre>{@code
 * TestCertificate leaf = pki.leaf("CN=acme,O=Acme Payments GmbH,C=DE").build();
 * byte[] pem = leaf.certificatePem().getBytes(StandardCharsets.US_ASCII);
 * }</pre>
 */
public final class TestCertificate {
  private final X509Certificate certificate;
  private final PrivateKey privateKey;
  private final List<X509Certificate> chain;

  TestCertificate(X509Certificate certificate, PrivateKey privateKey, List<X509Certificate> chain) {
    this.certificate = certificate;
    this.privateKey = privateKey;
    this.chain = List.copyOf(chain);
  }

  /** The certificate. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** The private key (test material). */
  public PrivateKey privateKey() {
    return privateKey;
  }

  /** The CA certificates between this certificate and the root, issuing CA first. */
  public List<X509Certificate> chain() {
    return chain;
  }

  /** The certificate as a PEM block. */
  public String certificatePem() {
    return Pem.certificate(certificate);
  }

  /** The chain (without the root) as PEM blocks; empty for certificates issued by the root. */
  public String chainPem() {
    return Pem.certificates(chain);
  }

  /** The private key as an unencrypted PKCS#8 PEM block. */
  public String privateKeyPem() {
    return Pem.privateKey(privateKey);
  }

  /** The serial number in hex. */
  public String serialHex() {
    return certificate.getSerialNumber().toString(16);
  }

  @Override
  public String toString() {
    return "TestCertificate{" + certificate.getSubjectX500Principal().getName() + ", serial "
        + serialHex() + "}";
  }
}
