package io.hellgate.export.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/** Certificate and unencrypted key files for the CLI. */
final class Pem {
  private Pem() {}

  static X509Certificate certificate(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (CertificateException | ClassCastException e) {
      throw new IOException(file + " is not an X.509 certificate (PEM or DER)");
    }
  }

  /** A PKCS#8 ("PRIVATE KEY") or PKCS#1 ("RSA PRIVATE KEY") PEM key. */
  static PrivateKey privateKey(Path file) throws IOException {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(r)) {
      Object o = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (o instanceof PrivateKeyInfo) {
        return converter.getPrivateKey((PrivateKeyInfo) o);
      }
      if (o instanceof PEMKeyPair) {
        return converter.getKeyPair((PEMKeyPair) o).getPrivate();
      }
    } catch (IOException | RuntimeException e) {
      throw new IOException(file + " could not be read as a PEM private key");
    }
    throw new IOException(file + " holds no unencrypted PKCS#8 or PKCS#1 private key");
  }
}
