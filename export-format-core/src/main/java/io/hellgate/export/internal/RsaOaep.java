package io.hellgate.export.internal;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.MGF1ParameterSpec;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

/**
 * RSA-OAEP-256: RSAES-OAEP with SHA-256, MGF1 with SHA-256 and an empty label, always through an
 * explicit {@link OAEPParameterSpec}: the JDK's named "OAEP with SHA-256 and MGF1" transformation
 * defaults MGF1 to SHA-1, which is a different (and for this format wrong) scheme.
 */
public final class RsaOaep {
  /** The parameters; immutable. */
  public static final OAEPParameterSpec SHA256_MGF1_SHA256 =
      new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT);

  private static final String TRANSFORMATION = "RSA/ECB/OAEPPadding";

  private RsaOaep() {}

  /** Wraps {@code key} to {@code publicKey}. */
  public static byte[] wrap(PublicKey publicKey, byte[] key, SecureRandom random)
      throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance(TRANSFORMATION);
    cipher.init(Cipher.ENCRYPT_MODE, publicKey, SHA256_MGF1_SHA256, random);
    return cipher.doFinal(key);
  }

  /**
   * Unwraps with a JCA private key through whichever provider supports it. When no installed
   * provider offers RSA-OAEP-256 for this key (a PKCS#11 token through SunPKCS11, which has no
   * OAEP), the RSA operation runs in the key's provider as {@code RSA/ECB/NoPadding} and the OAEP
   * decoding runs here ({@link OaepSha256Decoder}, constant-time). The key never leaves its provider.
   */
  public static byte[] unwrap(PrivateKey privateKey, byte[] wrapped) throws GeneralSecurityException {
    return unwrap(privateKey, null, wrapped);
  }

  /**
   * As {@link #unwrap(PrivateKey, byte[])}, with the matching public key (from the certificate)
   * when known: a token's private key may not reveal its modulus, which the raw path needs. Without
   * either, the wrapped key's own length stands in for the modulus length (a public value; a wrong
   * one only makes decoding fail).
   */
  public static byte[] unwrap(PrivateKey privateKey, java.security.PublicKey publicKey, byte[] wrapped)
      throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance(TRANSFORMATION);
    try {
      cipher.init(Cipher.DECRYPT_MODE, privateKey, SHA256_MGF1_SHA256);
    } catch (java.security.InvalidKeyException | java.security.InvalidAlgorithmParameterException
        | UnsupportedOperationException e) {
      java.math.BigInteger modulus =
          publicKey instanceof java.security.interfaces.RSAKey
              ? ((java.security.interfaces.RSAKey) publicKey).getModulus()
              : privateKey instanceof java.security.interfaces.RSAKey
                  ? ((java.security.interfaces.RSAKey) privateKey).getModulus()
                  : null;
      int k = modulus != null ? (modulus.bitLength() + 7) / 8 : wrapped.length;
      return TokenUnwrapper.unwrapRaw(privateKey, null, k, wrapped);
    }
    return cipher.doFinal(wrapped);
  }
}
