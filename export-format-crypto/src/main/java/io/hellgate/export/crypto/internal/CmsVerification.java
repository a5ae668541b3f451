package io.hellgate.export.crypto.internal;

import io.hellgate.export.ExportFormatException;
import io.hellgate.export.ExportFormatException.Reason;
import io.hellgate.export.ManifestVerifier;
import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertStore;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXCertPathBuilderResult;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.util.Selector;

/**
 * The verifier behind {@code ManifestSignatures.verifier()}: the checks of docs/format.md 13.3, in
 * order, each failure a {@code signature_invalid} naming the check. Immutable and thread-safe.
 */
public final class CmsVerification implements ManifestVerifier {
  /** The largest signature accepted: far above a manifest plus a chain of a few certificates. */
  static final int MAX_SIGNATURE_BYTES = 512 * 1024;
  private static final int MAX_CERTIFICATES = 10;
  /** BouncyCastle's provider, not registered: the JDK's lacks the CMS name of RSASSA-PSS with SHA-256. */
  private static final java.security.Provider BC = new org.bouncycastle.jce.provider.BouncyCastleProvider();

  private final Set<TrustAnchor> anchors;
  private final List<X509Certificate> anchorCerts;
  private final List<X509CRL> crls;
  private final List<byte[]> ocsp;
  private final boolean online;
  private final boolean softFail;
  private final Clock clock;
  private final Duration timeout;

  public CmsVerification(List<X509Certificate> anchors, List<X509CRL> crls, List<byte[]> ocsp, boolean online,
      boolean softFail, Clock clock, Duration timeout) {
    this.anchorCerts = List.copyOf(anchors);
    Set<TrustAnchor> set = new HashSet<>();
    for (X509Certificate a : anchors) {
      set.add(new TrustAnchor(a, null));
    }
    this.anchors = Set.copyOf(set);
    this.crls = List.copyOf(crls);
    this.ocsp = List.copyOf(ocsp);
    this.online = online;
    this.softFail = softFail;
    this.clock = clock;
    this.timeout = timeout;
  }

  /** The signer certificate a signature names, unverified. */
  public static X509Certificate unverifiedSigner(byte[] signature) throws ExportFormatException {
    Parsed p = parse(signature);
    return p.signerCert;
  }

  private static final class Parsed {
    CMSSignedData data;
    SignerInformation signer;
    X509Certificate signerCert;
    List<X509Certificate> certificates;
    byte[] content;
  }

  private static Parsed parse(byte[] signature) throws ExportFormatException {
    if (signature.length > MAX_SIGNATURE_BYTES) {
      throw invalid("the signature is larger than " + MAX_SIGNATURE_BYTES + " bytes");
    }
    Parsed p = new Parsed();
    try {
      p.data = new CMSSignedData(signature);
    } catch (CMSException | RuntimeException e) {
      throw invalid("the signature is not a DER CMS SignedData");
    }
    if (!CMSObjectIdentifiers.data.getId().equals(p.data.getSignedContentTypeOID())) {
      throw invalid("the signed content type is not id-data");
    }
    if (p.data.getSignedContent() == null) {
      throw invalid("the signature is detached; the signed manifest must be attached");
    }
    Object content = p.data.getSignedContent().getContent();
    if (!(content instanceof byte[])) {
      throw invalid("the signed content is not an octet string");
    }
    p.content = (byte[]) content;
    Collection<SignerInformation> signers = p.data.getSignerInfos().getSigners();
    if (signers.size() != 1) {
      throw invalid("the signature must have exactly one signer, found " + signers.size());
    }
    p.signer = signers.iterator().next();
    @SuppressWarnings("unchecked")
    Collection<X509CertificateHolder> holders = p.data.getCertificates().getMatches(null);
    if (holders.size() > MAX_CERTIFICATES) {
      throw invalid("the signature includes more than " + MAX_CERTIFICATES + " certificates");
    }
    p.certificates = new ArrayList<>();
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      for (X509CertificateHolder h : holders) {
        X509Certificate c = (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(h.getEncoded()));
        p.certificates.add(c);
        @SuppressWarnings("unchecked")
        Selector<X509CertificateHolder> sid = p.signer.getSID();
        if (p.signerCert == null && sid.match(h)) {
          p.signerCert = c;
        }
      }
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw invalid("an included certificate cannot be parsed");
    }
    if (p.signerCert == null) {
      throw invalid("the signer's certificate is not included in the signature");
    }
    return p;
  }

  @Override
  public Verified verify(byte[] signature) throws ExportFormatException {
    Parsed p = parse(signature);
    SignerInformation si = p.signer;
    if (!NISTObjectIdentifiers.id_sha256.getId().equals(si.getDigestAlgOID())) {
      throw invalid("the signature's digest algorithm " + si.getDigestAlgOID() + " is not SHA-256");
    }
    String sigAlg = si.getEncryptionAlgOID();
    boolean ec = CmsSigning.ECDSA_SHA256.getAlgorithm().getId().equals(sigAlg);
    boolean pss = CmsSigning.RSA_PSS_SHA256.getAlgorithm().getId().equals(sigAlg);
    if (pss) {
      ASN1Encodable params = si.toASN1Structure().getDigestEncryptionAlgorithm().getParameters();
      if (params == null || !CmsSigning.RSA_PSS_SHA256.getParameters().toASN1Primitive().equals(params.toASN1Primitive())) {
        throw invalid("the RSASSA-PSS parameters are not SHA-256, MGF1-SHA-256, salt 32");
      }
    }
    if (pss && !(p.signerCert.getPublicKey() instanceof java.security.interfaces.RSAPublicKey
        && ((java.security.interfaces.RSAPublicKey) p.signerCert.getPublicKey()).getModulus().bitLength() >= 2048)) {
      throw invalid("the RSASSA-PSS signer key is not an RSA key of at least 2048 bits");
    }
    if (ec && !CmsSigning.isP256(p.signerCert.getPublicKey())) {
      throw invalid("the ECDSA signer key is not on P-256");
    }
    if (!ec && !pss) {
      throw invalid("the signature algorithm " + sigAlg + " is not accepted (ECDSA P-256/SHA-256 or RSASSA-PSS/SHA-256)");
    }
    AttributeTable signed = si.getSignedAttributes();
    if (signed == null) {
      throw invalid("the signature has no signed attributes");
    }
    Attribute timeAttr = signed.get(CMSAttributes.signingTime);
    if (timeAttr == null || timeAttr.getAttrValues().size() != 1) {
      throw invalid("the signature has no signing time");
    }
    Instant signingTime;
    try {
      signingTime = Time.getInstance(timeAttr.getAttrValues().getObjectAt(0)).getDate().toInstant();
    } catch (RuntimeException e) {
      throw invalid("the signing time is malformed");
    }
    if (signingTime.isAfter(clock.instant().plus(Duration.ofMinutes(5)))) {
      throw invalid("the signing time " + signingTime + " is in the future");
    }
    boolean valid;
    try {
      valid = si.verify(new JcaSimpleSignerInfoVerifierBuilder().setProvider(BC).build(p.signerCert.getPublicKey()));
    } catch (CMSException e) {
      valid = false;
    } catch (Exception e) {
      throw invalid("the signature cannot be checked: " + e.getClass().getSimpleName());
    }
    if (!valid) {
      throw invalid("the signature value does not verify (the signed manifest or the signature was changed)");
    }
    // The digest attribute is checked by verify(); double-check it names this content.
    if (signed.get(CMSAttributes.messageDigest) == null
        || !(signed.get(CMSAttributes.messageDigest).getAttrValues().getObjectAt(0) instanceof ASN1OctetString)) {
      throw invalid("the signature has no message digest");
    }
    List<X509Certificate> path = path(p, signingTime);
    boolean[] usage = p.signerCert.getKeyUsage();
    if (usage == null || !usage[0]) {
      throw invalid("the signer's certificate does not allow digitalSignature (keyUsage)");
    }
    if (!signingPurpose(p.signerCert)) {
      throw invalid("the signer's certificate has an extendedKeyUsage without emailProtection or anyExtendedKeyUsage"
          + " (a certificate for another purpose, such as a TLS server, may not sign exports)");
    }
    revocation(path);
    return Verified.of(p.content, path, signingTime);
  }

  /**
   * Whether {@code c}'s extendedKeyUsage, if it has one, allows signing an export: it must include
   * id-kp-emailProtection or anyExtendedKeyUsage, the rule {@code openssl cms -verify} applies (its
   * default purpose, smimesign), so both accept the same signers.
   */
  static boolean signingPurpose(X509Certificate c) throws ExportFormatException {
    List<String> eku;
    try {
      eku = c.getExtendedKeyUsage();
    } catch (java.security.cert.CertificateParsingException e) {
      throw invalid("the signer's certificate has a malformed extendedKeyUsage");
    }
    return eku == null || eku.contains("1.3.6.1.5.5.7.3.4") || eku.contains("2.5.29.37.0");
  }

  /** The signer, the path through the included certificates, and the anchor: valid at {@code at}. */
  private List<X509Certificate> path(Parsed p, Instant at) throws ExportFormatException {
    X509Certificate signer = p.signerCert;
    if (anchorCerts.contains(signer)) {
      try {
        signer.checkValidity(Date.from(at));
      } catch (CertificateExpiredException | CertificateNotYetValidException e) {
        throw invalid("the signer's certificate is not valid at the signing time " + at);
      }
      return List.of(signer);
    }
    try {
      X509CertSelector target = new X509CertSelector();
      target.setCertificate(signer);
      PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, target);
      params.setRevocationEnabled(false);
      params.setDate(Date.from(at));
      params.setMaxPathLength(MAX_CERTIFICATES);
      params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(p.certificates)));
      PKIXCertPathBuilderResult r = (PKIXCertPathBuilderResult) CertPathBuilder.getInstance("PKIX").build(params);
      CertPath cp = r.getCertPath();
      List<X509Certificate> out = new ArrayList<>();
      for (var c : cp.getCertificates()) {
        out.add((X509Certificate) c);
      }
      out.add(r.getTrustAnchor().getTrustedCert());
      return out;
    } catch (CertPathBuilderException e) {
      throw invalid("the signer's certificate does not chain to a configured signer trust anchor, valid at the signing time "
          + at + " (" + StoreKeys.rootMessage(e) + ")");
    } catch (GeneralSecurityException e) {
      throw invalid("the signer's certificate path cannot be built: " + StoreKeys.rootMessage(e));
    }
  }

  private void revocation(List<X509Certificate> path) throws ExportFormatException {
    if (path.size() < 2) {
      return; // the signer is itself an anchor: trusted by configuration
    }
    Revocation revocation = new Revocation(new Revocation.Settings(clock.instant(), crls, ocsp, online, timeout, timeout,
        16 << 20, Duration.ofMinutes(5), Duration.ofDays(7), timeout.multipliedBy(3)));
    List<String> unknown = new ArrayList<>();
    for (int i = 0; i + 1 < path.size(); i++) {
      X509Certificate c = path.get(i);
      Revocation.Status st = revocation.check(c, path.get(i + 1));
      if (st.state() == Revocation.State.REVOKED) {
        throw invalid("the signer's certificate chain is revoked: " + c.getSubjectX500Principal().getName() + " is " + st.detail());
      }
      if (st.state() == Revocation.State.UNKNOWN) {
        unknown.add(c.getSubjectX500Principal().getName() + ": " + st.detail());
      }
    }
    if (!unknown.isEmpty() && !softFail) {
      throw invalid("the revocation status of the signer's chain could not be established: " + String.join("; ", unknown));
    }
  }

  private static ExportFormatException invalid(String message) {
    return new ExportFormatException(Reason.SIGNATURE_INVALID, message);
  }
}
