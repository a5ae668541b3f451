package io.hellgate.export.testkit;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A CA of a test PKI: certificate, key, and the serials it has revoked. Thread-safe. */
final class TestCa {
  final String name;
  final X509Certificate certificate;
  final KeyPair keys;
  private final Map<BigInteger, Instant> revoked = new ConcurrentHashMap<>();

  TestCa(String name, X509Certificate certificate, KeyPair keys) {
    this.name = name;
    this.certificate = certificate;
    this.keys = keys;
  }

  void revoke(BigInteger serial, Instant when) {
    revoked.put(serial, when);
  }

  Instant revokedAt(BigInteger serial) {
    return revoked.get(serial);
  }

  byte[] crl(Instant thisUpdate, Instant nextUpdate) {
    return crl(thisUpdate, nextUpdate, null, null, null);
  }

  /**
   * A CRL listing every revoked serial, plus {@code extension} (if not null) as a CRL extension,
   * and one more entry for a random serial carrying {@code entryExtension} (if not null).
   */
  byte[] crl(
      Instant thisUpdate, Instant nextUpdate, Extension extension, Extension entryExtension,
      BigInteger extraSerial) {
    try {
      X509v2CRLBuilder b =
          new X509v2CRLBuilder(
              new JcaX509CertificateHolder(certificate).getSubject(), Date.from(thisUpdate));
      if (nextUpdate != null) {
        b.setNextUpdate(Date.from(nextUpdate));
      }
      revoked.forEach(
          (serial, when) -> b.addCRLEntry(serial, Date.from(when), CRLReason.keyCompromise));
      if (entryExtension != null) {
        b.addCRLEntry(extraSerial, Date.from(thisUpdate), new Extensions(entryExtension));
      }
      if (extension != null) {
        b.addExtension(extension);
      }
      b.addExtension(
          Extension.authorityKeyIdentifier,
          false,
          new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(certificate));
      return b.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate()))
          .getEncoded();
    } catch (Exception e) {
      throw new IllegalStateException("cannot sign test CRL", e);
    }
  }
}
