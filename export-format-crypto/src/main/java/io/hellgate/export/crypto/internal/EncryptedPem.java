package io.hellgate.export.crypto.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;

/**
 * Writes encrypted PKCS#8 PEM ("ENCRYPTED PRIVATE KEY", PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC)
 * with BouncyCastle; the engine behind {@code RecipientKeys.writeEncryptedPem}, in a class of its
 * own so that loading {@code RecipientKeys} loads no BouncyCastle class. Stateless, thread-safe.
 */
public final class EncryptedPem {
  /** Opens the output once the key is encrypted (so a failure leaves no file). */
  public interface Target {
    OutputStream open() throws IOException;
  }

  private EncryptedPem() {}

  /**
   * Encrypts {@code key} under {@code password} (not zeroed here) and writes it to {@code target}.
   *
   * @throws IllegalArgumentException if the key cannot be encrypted as PKCS#8
   */
  public static void write(PrivateKey key, char[] password, int iterations, Target target) throws IOException {
    JcaPKCS8Generator generator;
    try {
      generator =
          new JcaPKCS8Generator(
              key,
              new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                  .setPRF(PKCS8Generator.PRF_HMACSHA256)
                  .setIterationCount(iterations)
                  .setProvider(BcPem.provider())
                  .setPassword(password)
                  .build());
    } catch (OperatorCreationException | RuntimeException e) {
      throw new IllegalArgumentException("the key cannot be encrypted as PKCS#8", e);
    }
    try (OutputStream os = target.open();
        Writer w = new OutputStreamWriter(os, StandardCharsets.US_ASCII);
        JcaPEMWriter pem = new JcaPEMWriter(w)) {
      pem.writeObject(generator);
    }
  }
}
