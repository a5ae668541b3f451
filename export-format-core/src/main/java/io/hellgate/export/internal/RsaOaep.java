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
 * explicit {@link OAEPParameterSpec} (the JDK's {@code OAEPWithSHA-256AndMGF1Padding} name defaults
 * MGF1 to SHA-1).
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

  /** Unwraps with a JCA private key through whichever provider supports it. */
  public static byte[] unwrap(PrivateKey privateKey, byte[] wrapped) throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance(TRANSFORMATION);
    cipher.init(Cipher.DECRYPT_MODE, privateKey, SHA256_MGF1_SHA256);
    return cipher.doFinal(wrapped);
  }
}
