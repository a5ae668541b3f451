package io.hellgate.export.testkit.golden;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/** PEM decoding for the committed test keys (PKCS#8 {@code PRIVATE KEY}) and certificates. */
final class Pem {
  private Pem() {}

  static PrivateKey privateKey(byte[] pem) {
    String text = new String(pem, StandardCharsets.US_ASCII);
    if (!text.contains("-----BEGIN PRIVATE KEY-----")) {
      throw new IllegalArgumentException("expected a PKCS#8 PEM private key");
    }
    String b64 = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    try {
      return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64)));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not an RSA PKCS#8 key", e);
    }
  }

  static X509Certificate certificate(byte[] pem) {
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pem));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not an X.509 certificate", e);
    }
  }
}
