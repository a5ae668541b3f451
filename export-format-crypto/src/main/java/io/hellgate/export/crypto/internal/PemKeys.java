package io.hellgate.export.crypto.internal;

import io.hellgate.export.crypto.KeySourceException;
import io.hellgate.export.crypto.KeySourceException.Reason;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.List;

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
  private PemKeys() {}

  /** A private key and the certificate found next to it in the same file, if any. */
  public record Loaded(PrivateKey key, X509Certificate certificate) {}

  /**
   * Reads the first private key in {@code file}: PKCS#8 ("PRIVATE KEY"), encrypted PKCS#8
   * ("ENCRYPTED PRIVATE KEY"), PKCS#1 ("RSA PRIVATE KEY"), also with legacy OpenSSL encryption
   * ("Proc-Type: 4,ENCRYPTED"). Does not zero {@code password}; the caller does.
   */
  /**
   * Reads the first private key in {@code file}: PKCS#8 ("PRIVATE KEY"), encrypted PKCS#8
   * ("ENCRYPTED PRIVATE KEY"), PKCS#1 ("RSA PRIVATE KEY"), also with legacy OpenSSL encryption
   * ("Proc-Type: 4,ENCRYPTED"). Does not zero {@code password}; the caller does. A file of plain
   * "PRIVATE KEY" (RSA) and "CERTIFICATE" blocks only is read with the JDK alone; anything else by
   * BouncyCastle ({@link BcPem}), which also gives every error message.
   */
  public static Loaded read(Path file, char[] password) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new KeySourceException(Reason.NOT_FOUND, "no such key file: " + file);
    }
    byte[] bytes = Files.readAllBytes(file);
    try {
      Loaded plain = plain(bytes);
      return plain != null ? plain : BcPem.read(new String(bytes, StandardCharsets.US_ASCII), file, password);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  /**
   * The common case without BouncyCastle: only "PRIVATE KEY" (an RSA PKCS#8 key, the first one
   * counts, as BouncyCastle's path takes it) and "CERTIFICATE" blocks. Null for anything else, or
   * anything that does not parse, which BouncyCastle's path then reads or reports.
   */
  private static Loaded plain(byte[] bytes) {
    List<PemBlocks.Block> blocks;
    try {
      blocks = PemBlocks.parse(bytes);
    } catch (IllegalArgumentException e) {
      return null;
    }
    try {
      byte[] key = null;
      byte[] cert = null;
      for (PemBlocks.Block b : blocks) {
        if (b.label().equals("PRIVATE KEY")) {
          key = key == null ? b.der() : key;
        } else if (b.label().equals("CERTIFICATE")) {
          cert = cert == null ? b.der() : cert;
        } else {
          return null;
        }
      }
      if (key == null) {
        return null;
      }
      PrivateKey k = KeyFactory.getInstance("RSA").generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(key));
      X509Certificate c = cert == null ? null
          : (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(cert));
      return new Loaded(k, c);
    } catch (GeneralSecurityException | RuntimeException e) {
      return null; // not RSA, or malformed: BouncyCastle's path says which
    } finally {
      for (PemBlocks.Block b : blocks) {
        Arrays.fill(b.der(), (byte) 0);
      }
    }
  }

  /** Reads the first certificate from a PEM or DER file. */
  public static X509Certificate readCertificate(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    String text = new String(bytes, StandardCharsets.US_ASCII);
    if (text.contains("-----BEGIN")) {
      try {
        for (PemBlocks.Block b : PemBlocks.parse(bytes)) {
          if (b.label().equals("CERTIFICATE")) {
            return toCertificate(b.der(), file);
          }
        }
      } catch (IllegalArgumentException | KeySourceException e) {
        // BouncyCastle's parser reads it or gives the message
      }
      return BcPem.readCertificate(text, file);
    }
    return toCertificate(bytes, file);
  }

  static X509Certificate toCertificate(byte[] der, Path file) throws KeySourceException {
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
}
