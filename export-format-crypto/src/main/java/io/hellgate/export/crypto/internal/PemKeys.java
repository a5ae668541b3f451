package io.hellgate.export.crypto.internal;

import io.hellgate.export.crypto.KeySourceException;
import io.hellgate.export.crypto.KeySourceException.Reason;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;

/**
 * Reads RSA private keys (and bundled certificates) from PEM files; the engine behind
 * {@link io.hellgate.export.crypto.RecipientKeys#fromPem}. Stateless and thread-safe. Errors are
 * {@link KeySourceException}s that name the file, never the password.
 *
 * <pre>{@code
 * PemKeys.Loaded loaded = PemKeys.read(Path.of("key.pem"), password); // caller zeroes password
 * }</pre>
 */
public final class PemKeys {
  /**
   * BouncyCastle's provider, for encrypted keys only: created on first use, since registering its
   * algorithms costs ~0.2-0.3 s of CPU at every start of export-tool (docs/performance.md, session 6).
   */
  private static final class Bc {
    static final BouncyCastleProvider PROVIDER = new BouncyCastleProvider();
  }

  private PemKeys() {}

  /** A private key and the certificate found next to it in the same file, if any. */
  public record Loaded(PrivateKey key, X509Certificate certificate) {}

  /**
   * Reads the first private key in {@code file}: PKCS#8 ("PRIVATE KEY"), encrypted PKCS#8
   * ("ENCRYPTED PRIVATE KEY"), PKCS#1 ("RSA PRIVATE KEY"), also with legacy OpenSSL encryption
   * ("Proc-Type: 4,ENCRYPTED"). Does not zero {@code password}; the caller does.
   */
  public static Loaded read(Path file, char[] password) throws IOException {
    String text = readText(file);
    PrivateKeyInfo info = null;
    X509Certificate certificate = null;
    try (PEMParser parser = new PEMParser(new StringReader(text))) {
      Object o;
      while ((o = readObject(parser, file)) != null) {
        if (o instanceof X509CertificateHolder && certificate == null) {
          certificate = toCertificate(((X509CertificateHolder) o).getEncoded(), file);
        } else if (info == null) {
          info = privateKeyInfo(o, file, password);
        }
      }
    }
    if (info == null) {
      throw new KeySourceException(Reason.MALFORMED, file + " contains no private key (expected a PEM \"PRIVATE KEY\", \"ENCRYPTED PRIVATE KEY\" or \"RSA PRIVATE KEY\" block)");
    }
    PrivateKey key;
    try {
      key = new JcaPEMKeyConverter().getPrivateKey(info);
    } catch (IOException e) {
      throw new KeySourceException(Reason.MALFORMED, file + " holds a private key this JDK cannot read", e);
    }
    if (!(key instanceof RSAPrivateKey)) {
      throw new KeySourceException(Reason.MALFORMED, file + " holds a " + key.getAlgorithm() + " key; export recipients need RSA");
    }
    return new Loaded(key, certificate);
  }

  private static Object readObject(PEMParser parser, Path file) throws KeySourceException {
    try {
      return parser.readObject();
    } catch (IOException | RuntimeException e) {
      throw new KeySourceException(Reason.MALFORMED, file + " is not valid PEM", e);
    }
  }

  private static PrivateKeyInfo privateKeyInfo(Object o, Path file, char[] password) throws KeySourceException {
    try {
      if (o instanceof PrivateKeyInfo) {
        return (PrivateKeyInfo) o;
      }
      if (o instanceof PEMKeyPair) {
        return ((PEMKeyPair) o).getPrivateKeyInfo();
      }
      if (o instanceof PKCS8EncryptedPrivateKeyInfo) {
        requirePassword(password, file);
        return ((PKCS8EncryptedPrivateKeyInfo) o)
            .decryptPrivateKeyInfo(new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(Bc.PROVIDER).build(password));
      }
      if (o instanceof PEMEncryptedKeyPair) {
        requirePassword(password, file);
        return ((PEMEncryptedKeyPair) o)
            .decryptKeyPair(new JcePEMDecryptorProviderBuilder().setProvider(Bc.PROVIDER).build(password))
            .getPrivateKeyInfo();
      }
    } catch (PKCSException | IOException | OperatorCreationException | RuntimeException e) {
      if (e instanceof KeySourceException) {
        throw (KeySourceException) e;
      }
      // Wrong passwords surface as padding or ASN.1 errors after decryption; one clear message.
      throw new KeySourceException(Reason.WRONG_PASSWORD, "wrong password for " + file + " (the key could not be decrypted)");
    }
    return null; // some other PEM object (public key, parameters): ignore
  }

  private static void requirePassword(char[] password, Path file) throws KeySourceException {
    if (password == null) {
      throw new KeySourceException(Reason.PASSWORD_REQUIRED, file + " is encrypted: a password is required");
    }
  }

  /** Reads the first certificate from a PEM or DER file. */
  public static X509Certificate readCertificate(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    String text = new String(bytes, StandardCharsets.US_ASCII);
    if (text.contains("-----BEGIN")) {
      try (PEMParser parser = new PEMParser(new StringReader(text))) {
        Object o;
        while ((o = readObject(parser, file)) != null) {
          if (o instanceof X509CertificateHolder) {
            return toCertificate(((X509CertificateHolder) o).getEncoded(), file);
          }
        }
      }
      throw new KeySourceException(Reason.MALFORMED, file + " contains no PEM \"CERTIFICATE\" block");
    }
    return toCertificate(bytes, file);
  }

  private static X509Certificate toCertificate(byte[] der, Path file) throws KeySourceException {
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException | RuntimeException e) {
      throw new KeySourceException(Reason.MALFORMED, file + " is not an X.509 certificate", e);
    }
  }

  /** Fails unless {@code certificate} carries the public half of {@code key}. */
  public static void requireMatch(PrivateKey key, X509Certificate certificate, String source) throws KeySourceException {
    if (!(certificate.getPublicKey() instanceof RSAPublicKey)) {
      throw new KeySourceException(Reason.CERTIFICATE_MISMATCH, "the certificate for " + source + " does not carry an RSA key");
    }
    RSAPublicKey pub = (RSAPublicKey) certificate.getPublicKey();
    boolean match = key instanceof RSAPrivateKey && ((RSAPrivateKey) key).getModulus().equals(pub.getModulus());
    if (match && key instanceof RSAPrivateCrtKey) {
      match = ((RSAPrivateCrtKey) key).getPublicExponent().equals(pub.getPublicExponent());
    }
    if (!match) {
      throw new KeySourceException(
          Reason.CERTIFICATE_MISMATCH,
          "the certificate " + certificate.getSubjectX500Principal().getName() + " does not belong to the private key in " + source);
    }
  }

  private static String readText(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new KeySourceException(Reason.NOT_FOUND, "no such key file: " + file);
    }
    byte[] bytes = Files.readAllBytes(file);
    try {
      return new String(bytes, StandardCharsets.US_ASCII);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }
}
