package io.hellgate.export;

import io.hellgate.export.internal.Fingerprints;
import io.hellgate.export.internal.InternalAccess;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.util.Objects;

/**
 * The certificate an export is encrypted to, and whether a certificate policy accepted it.
 *
 * <p>The safe way to get one is {@code CertificatePolicy.evaluate(...)} in
 * {@code export-format-crypto}: an accepted decision hands out a {@code Recipient} that is marked as
 * checked, and {@link ExportWriter} records that in its result. {@link #unverified} skips every
 * check (trust chain, validity, revocation, validation level) and exists for tests, demos and
 * callers that check certificates elsewhere; its name says so.
 *
 * <p>Immutable and thread-safe.
 *
 * <pre>{@code
 * Recipient r = policy.evaluate(pem).acceptedRecipient();   // checked
 * Recipient t = Recipient.unverified(testCertificate);     // tests only
 * }</pre>
 */
public final class Recipient {
  static {
    InternalAccess.setRecipientFactory(Recipient::new);
  }

  private final X509Certificate certificate;
  private final String checkedBy;
  private final String fingerprint;

  private Recipient(X509Certificate certificate, String checkedBy) {
    this.certificate = Objects.requireNonNull(certificate, "certificate");
    if (!(certificate.getPublicKey() instanceof RSAPublicKey)
        || !"RSA".equals(certificate.getPublicKey().getAlgorithm())) {
      // an id-RSASSA-PSS key (RFC 4055) is an RSAPublicKey too, but for signatures only
      throw new IllegalArgumentException(
          "recipient certificate must carry an RSA (rsaEncryption) public key, found "
              + certificate.getPublicKey().getAlgorithm());
    }
    this.checkedBy = checkedBy;
    this.fingerprint = Fingerprints.sha256(certificate);
  }

  /**
   * A recipient that no policy has checked. Use only where the certificate was checked elsewhere,
   * or in tests.
   *
   * @param certificate an X.509 certificate with an RSA public key
   * @return the recipient
   * @throws IllegalArgumentException if the key is not RSA, or is an RSASSA-PSS (signature-only) key
   */
  public static Recipient unverified(X509Certificate certificate) {
    return new Recipient(certificate, null);
  }

  /** The certificate. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** Whether a certificate policy accepted this recipient. */
  public boolean isPolicyChecked() {
    return checkedBy != null;
  }

  /** The SHA-256 fingerprint in the manifest's form, {@code sha256:ab:cd:…}. */
  public String fingerprint() {
    return fingerprint;
  }

  @Override
  public String toString() {
    return "Recipient{"
        + certificate.getSubjectX500Principal().getName()
        + ", "
        + fingerprint
        + (checkedBy == null ? ", unverified" : ", checked by " + checkedBy)
        + "}";
  }
}
