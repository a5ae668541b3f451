package io.hellgate.export.testkit;

import java.io.IOException;
import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.Req;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/** Builds issuer-signed OCSP responses for test CAs. Stateless. */
final class OcspResponder {
  private OcspResponder() {}

  /** Answers a DER OCSP request; unknown issuers get status "unknown" signed by the first CA. */
  static byte[] respond(byte[] request, List<TestCa> cas, Instant now) throws IOException {
    try {
      OCSPReq req = new OCSPReq(request);
      Req[] items = req.getRequestList();
      if (items.length != 1) {
        return new OCSPRespBuilder().build(OCSPRespBuilder.MALFORMED_REQUEST, null).getEncoded();
      }
      CertificateID id = items[0].getCertID();
      DigestCalculatorProvider digests = new JcaDigestCalculatorProviderBuilder().build();
      for (TestCa ca : cas) {
        if (id.matchesIssuer(new JcaX509CertificateHolder(ca.certificate), digests)) {
          return sign(ca, id, ca.revokedAt(id.getSerialNumber()), now, now.plusSeconds(86400));
        }
      }
      return new OCSPRespBuilder().build(OCSPRespBuilder.UNAUTHORIZED, null).getEncoded();
    } catch (Exception e) {
      throw new IOException("cannot answer OCSP request", e);
    }
  }

  /**
   * A response about {@code serial} of {@code ca}, signed by {@code signerKey}; {@code include}
   * certificates are embedded (a delegated responder's certificate).
   */
  static byte[] response(TestCa ca, BigInteger serial, Instant thisUpdate, Instant nextUpdate,
      boolean unknown, PrivateKey signerKey, X509Certificate... include) {
    try {
      CertificateID id =
          new CertificateID(
              new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
              new JcaX509CertificateHolder(ca.certificate),
              serial);
      CertificateStatus status = unknown ? new UnknownStatus() : status(ca.revokedAt(serial));
      return build(ca, id, status, thisUpdate, nextUpdate, signerKey, include);
    } catch (Exception e) {
      throw new IllegalStateException("cannot sign test OCSP response", e);
    }
  }

  private static CertificateStatus status(Instant revokedAt) {
    return revokedAt == null
        ? CertificateStatus.GOOD
        : new RevokedStatus(Date.from(revokedAt), CRLReason.keyCompromise);
  }

  private static byte[] sign(
      TestCa ca, CertificateID id, Instant revokedAt, Instant thisUpdate, Instant nextUpdate)
      throws Exception {
    return build(ca, id, status(revokedAt), thisUpdate, nextUpdate, ca.keys.getPrivate());
  }

  private static byte[] build(TestCa ca, CertificateID id, CertificateStatus status,
      Instant thisUpdate, Instant nextUpdate, PrivateKey signerKey, X509Certificate... include)
      throws Exception {
    X509Certificate responder = include.length == 0 ? ca.certificate : include[0];
    BasicOCSPRespBuilder b =
        new BasicOCSPRespBuilder(new RespID(new JcaX509CertificateHolder(responder).getSubject()));
    b.addResponse(id, status, Date.from(thisUpdate), nextUpdate == null ? null : Date.from(nextUpdate), null);
    X509CertificateHolder[] chain = new X509CertificateHolder[include.length];
    for (int i = 0; i < include.length; i++) {
      chain[i] = new JcaX509CertificateHolder(include[i]);
    }
    BasicOCSPResp basic =
        b.build(new JcaContentSignerBuilder("SHA256withRSA").build(signerKey), chain, Date.from(thisUpdate));
    return new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL, basic).getEncoded();
  }
}
