package io.hellgate.export;

import io.hellgate.export.internal.Fingerprints;
import io.hellgate.export.internal.RsaOaep;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.Optional;

/**
 * A key that can open exports: a way to unwrap the data key, and (ideally) the certificate it
 * belongs to.
 *
 * <p>When the certificate is known, the reader compares its SHA-256 fingerprint with the manifest's
 * {@code encryption.recipient.fingerprint} before trying the key, so a reader holding several keys
 * (key rotation) picks the right one and reports a clear {@link WrongKeyException} naming the
 * expected fingerprint when none matches. Without a certificate the key is simply tried.
 *
 * <p>Immutable and thread-safe if the underlying key or unwrapper is. The private key never leaves
 * its provider: a PKCS#11 key stays in its token.
 *
 * <pre>{@code
 * RecipientKey key = RecipientKey.of(privateKey, certificate);
 * RecipientKey kms = RecipientKey.of(wrapped -> kms.decrypt(wrapped), certificate);
 * }</pre>
 */
public final class RecipientKey {
  private final KeyUnwrapper unwrapper;
  private final String fingerprint;
  private final String description;

  private RecipientKey(KeyUnwrapper unwrapper, X509Certificate certificate, String description) {
    this.unwrapper = unwrapper;
    this.fingerprint = certificate == null ? null : Fingerprints.sha256(certificate);
    this.description = description;
  }

  /**
   * A JCA private key without its certificate: it is tried on every export. The data key is
   * unwrapped with {@code RSA/ECB/OAEPPadding} and an explicit SHA-256/MGF1-SHA-256 parameter spec
   * through whichever provider accepts the key; if none offers OAEP for it (a PKCS#11 token through
   * SunPKCS11), the RSA operation runs in the token as {@code RSA/ECB/NoPadding} and the OAEP
   * decoding runs in the JVM, in constant time. The private key never leaves its provider, which
   * must be installed ({@code Security.addProvider}) for JCA to find it; for a provider configured
   * but not installed, use {@code RecipientKeys.fromPkcs11} in export-format-crypto.
   *
   * @param privateKey an RSA private key from any provider
   * @return the key
   */
  public static RecipientKey of(PrivateKey privateKey) {
    Objects.requireNonNull(privateKey, "privateKey");
    return new RecipientKey(wrapped -> RsaOaep.unwrap(privateKey, wrapped), null, describe(privateKey));
  }

  /**
   * A JCA private key and its certificate.
   *
   * @param privateKey an RSA private key from any provider
   * @param certificate the certificate exports were encrypted to
   * @return the key
   */
  public static RecipientKey of(PrivateKey privateKey, X509Certificate certificate) {
    Objects.requireNonNull(privateKey, "privateKey");
    Objects.requireNonNull(certificate, "certificate");
    return new RecipientKey(
        wrapped -> RsaOaep.unwrap(privateKey, certificate.getPublicKey(), wrapped), certificate, describe(privateKey));
  }

  /**
   * A custom unwrapper (HSM, KMS) and its certificate.
   *
   * @param unwrapper performs RSA-OAEP-256 decryption
   * @param certificate the certificate exports were encrypted to
   * @return the key
   */
  public static RecipientKey of(KeyUnwrapper unwrapper, X509Certificate certificate) {
    Objects.requireNonNull(unwrapper, "unwrapper");
    Objects.requireNonNull(certificate, "certificate");
    return new RecipientKey(unwrapper, certificate, "custom unwrapper");
  }

  private static String describe(PrivateKey key) {
    return key.getAlgorithm() + " key (" + key.getClass().getSimpleName() + ")";
  }

  /** The unwrapper. */
  KeyUnwrapper unwrapper() {
    return unwrapper;
  }


  /** The certificate's fingerprint in the manifest's form ({@code sha256:ab:cd:…}), when known. */
  public Optional<String> fingerprint() {
    return Optional.ofNullable(fingerprint);
  }

  @Override
  public String toString() {
    return "RecipientKey{" + description + (fingerprint == null ? "" : ", " + fingerprint) + "}";
  }
}
