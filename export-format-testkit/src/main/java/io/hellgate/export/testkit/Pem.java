package io.hellgate.export.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Collection;
import java.util.Objects;

/**
 * PEM encoding of certificates, PKCS#8 private keys and CRLs, for files that tools, the CLI and
 * OpenSSL can read. Stateless and thread-safe.
 *
 * <pre>{@code
 * Pem.write(dir.resolve("cert.pem"), Pem.certificate(leaf.certificate()));
 * Pem.write(dir.resolve("key.pem"), Pem.privateKey(leaf.privateKey()));
 * }</pre>
 */
public final class Pem {
  private Pem() {}

  /** A {@code CERTIFICATE} block. */
  public static String certificate(X509Certificate certificate) {
    try {
      return block("CERTIFICATE", certificate.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("certificate cannot be encoded", e);
    }
  }

  /** Concatenated {@code CERTIFICATE} blocks, in order. */
  public static String certificates(Collection<X509Certificate> certificates) {
    StringBuilder sb = new StringBuilder();
    certificates.forEach(c -> sb.append(certificate(c)));
    return sb.toString();
  }

  /**
   * An unencrypted PKCS#8 {@code PRIVATE KEY} block.
   *
   * @throws IllegalArgumentException if the key has no PKCS#8 encoding (e.g. an HSM key)
   */
  public static String privateKey(PrivateKey key) {
    if (!"PKCS#8".equals(key.getFormat()) || key.getEncoded() == null) {
      throw new IllegalArgumentException("key has no PKCS#8 encoding");
    }
    return block("PRIVATE KEY", key.getEncoded());
  }

  /** An {@code X509 CRL} block from DER bytes. */
  public static String crl(byte[] der) {
    return block("X509 CRL", der);
  }

  /** A PEM block with the given label. */
  public static String block(String label, byte[] der) {
    Objects.requireNonNull(label, "label");
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
  }

  /** Writes PEM text as US-ASCII, replacing the file. */
  public static Path write(Path file, String pem) throws IOException {
    return Files.writeString(file, pem, StandardCharsets.US_ASCII);
  }
}
