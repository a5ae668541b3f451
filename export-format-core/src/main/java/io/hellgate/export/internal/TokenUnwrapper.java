package io.hellgate.export.internal;

import io.hellgate.export.KeyUnwrapper;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;

/**
 * RSA-OAEP-256 unwrapping with a private key that stays in its provider (a PKCS#11 token).
 *
 * <p>If the provider offers {@code RSA/ECB/OAEPPadding} and accepts the explicit SHA-256 /
 * MGF1-SHA-256 parameter spec, the token does the whole decryption. Otherwise (SunPKCS11 has no
 * OAEP cipher; SoftHSM2 only does OAEP with SHA-1) the token performs only the raw RSA decryption
 * primitive ({@code RSA/ECB/NoPadding}, PKCS#11 {@code CKM_RSA_X_509}) and the EME-OAEP decoding
 * runs in the JVM in constant time ({@link OaepSha256Decoder}). Either way the private key never
 * leaves the token; in the raw mode the JVM briefly holds the padded data key, as it would hold the
 * data key itself.
 *
 * <p>Thread-safe: each call takes a new {@link Cipher}. Immutable.
 *
 * <pre>{@code
 * KeyUnwrapper u = TokenUnwrapper.create(tokenKey, sunPkcs11Instance, (RSAPublicKey) cert.getPublicKey());
 * RecipientKey key = RecipientKey.of(u, cert);
 * }</pre>
 */
public final class TokenUnwrapper implements KeyUnwrapper {
  private static final String OAEP = "RSA/ECB/OAEPPadding";
  private static final String RAW = "RSA/ECB/NoPadding";

  private final PrivateKey key;
  private final Provider provider;
  private final int modulusBytes;
  private final boolean tokenOaep;

  private TokenUnwrapper(PrivateKey key, Provider provider, int modulusBytes, boolean tokenOaep) {
    this.key = key;
    this.provider = provider;
    this.modulusBytes = modulusBytes;
    this.tokenOaep = tokenOaep;
  }

  /**
   * Chooses the token's OAEP if it supports RSA-OAEP-256, else raw RSA plus JVM decoding.
   *
   * @param key the token's private key
   * @param provider the token's provider
   * @param publicKey the matching public key (from the certificate), for the modulus length
   * @return the unwrapper
   * @throws GeneralSecurityException if the provider can do neither
   */
  public static TokenUnwrapper create(PrivateKey key, Provider provider, RSAPublicKey publicKey)
      throws GeneralSecurityException {
    int k = (publicKey.getModulus().bitLength() + 7) / 8;
    try {
      Cipher oaep = Cipher.getInstance(OAEP, provider);
      oaep.init(Cipher.DECRYPT_MODE, key, RsaOaep.SHA256_MGF1_SHA256);
      return new TokenUnwrapper(key, provider, k, true);
    } catch (GeneralSecurityException | UnsupportedOperationException e) {
      Cipher raw = Cipher.getInstance(RAW, provider);
      raw.init(Cipher.DECRYPT_MODE, key);
      return new TokenUnwrapper(key, provider, k, false);
    }
  }

  /** Whether the token performs OAEP itself (otherwise: raw RSA in the token, decoding here). */
  public boolean usesTokenOaep() {
    return tokenOaep;
  }

  @Override
  public byte[] unwrap(byte[] encryptedKey) throws GeneralSecurityException {
    if (tokenOaep) {
      Cipher oaep = Cipher.getInstance(OAEP, provider);
      oaep.init(Cipher.DECRYPT_MODE, key, RsaOaep.SHA256_MGF1_SHA256);
      return oaep.doFinal(encryptedKey);
    }
    return unwrapRaw(key, provider, modulusBytes, encryptedKey);
  }

  /**
   * Raw RSA ({@code RSA/ECB/NoPadding}) in {@code provider} (or whichever provider accepts the key
   * when null), then EME-OAEP-SHA-256 decoding in the JVM. Every failure is the same generic
   * {@link BadPaddingException}.
   */
  static byte[] unwrapRaw(PrivateKey key, Provider provider, int modulusBytes, byte[] encryptedKey)
      throws GeneralSecurityException {
    if (encryptedKey.length != modulusBytes) {
      // RFC 8017 7.1.2 step 1: a public length check, not a padding oracle.
      throw new BadPaddingException("RSA-OAEP decryption failed");
    }
    byte[] em = new byte[modulusBytes];
    byte[] out = null;
    try {
      Cipher raw = provider == null ? Cipher.getInstance(RAW) : Cipher.getInstance(RAW, provider);
      raw.init(Cipher.DECRYPT_MODE, key);
      out = raw.doFinal(encryptedKey);
      if (out.length > modulusBytes) {
        throw new BadPaddingException("RSA-OAEP decryption failed");
      }
      // Some tokens strip leading zero bytes of the RSA output: restore the k-byte encoding.
      System.arraycopy(out, 0, em, modulusBytes - out.length, out.length);
      return OaepSha256Decoder.decode(em);
    } catch (GeneralSecurityException | RuntimeException e) {
      // Padding failures, ciphertext >= modulus and token errors: one generic failure, no detail.
      throw new BadPaddingException("RSA-OAEP decryption failed");
    } finally {
      Arrays.fill(em, (byte) 0);
      if (out != null) {
        Arrays.fill(out, (byte) 0);
      }
    }
  }

  @Override
  public String toString() {
    return "TokenUnwrapper{" + provider.getName() + (tokenOaep ? ", token OAEP" : ", raw RSA + JVM OAEP") + "}";
  }
}
