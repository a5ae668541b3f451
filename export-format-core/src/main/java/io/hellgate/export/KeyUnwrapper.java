package io.hellgate.export;

import java.security.GeneralSecurityException;

/**
 * Recovers an export's 32-byte AES data key from its wrapped form, for keys that are not a plain JCA
 * {@link java.security.PrivateKey}: an HSM vendor's API, a cloud KMS, a remote signing service.
 *
 * <p><b>Contract:</b> {@link #unwrap} performs RSAES-OAEP decryption (RFC 8017) with SHA-256,
 * MGF1-SHA-256 and an empty label ("RSA-OAEP-256") and returns the message. It throws
 * {@link GeneralSecurityException} when decryption fails; it must not reveal why (padding versus
 * length), so that no padding oracle leaks. The caller zeroes the returned array after use.
 * Implementations must be safe to call from any thread, once per export.
 *
 * <pre>{@code
 * KeyUnwrapper kms = wrapped -> kmsClient.decrypt(keyId, "RSAES_OAEP_SHA_256", wrapped);
 * RecipientKey key = RecipientKey.of(kms, recipientCertificate);
 * }</pre>
 */
@FunctionalInterface
public interface KeyUnwrapper {
  /**
   * Decrypts a wrapped data key.
   *
   * @param encryptedKey the manifest's {@code encryption.encrypted_key}, decoded from base64
   * @return the unwrapped key; the reader rejects anything but 32 bytes
   * @throws GeneralSecurityException if the key cannot be unwrapped
   */
  byte[] unwrap(byte[] encryptedKey) throws GeneralSecurityException;
}
