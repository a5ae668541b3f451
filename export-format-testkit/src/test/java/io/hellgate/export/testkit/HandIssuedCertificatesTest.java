package io.hellgate.export.testkit;

import static io.hellgate.export.testkit.CertificatePolicyTest.bytes;
import static io.hellgate.export.testkit.CertificatePolicyTest.message;
import static io.hellgate.export.testkit.CertificatePolicyTest.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.hellgate.export.crypto.CertificateInput;
import io.hellgate.export.crypto.CertificatePolicy;
import io.hellgate.export.crypto.PolicyDecision;
import io.hellgate.export.crypto.PolicyDecision.Status;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CertificatePolicies;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.asn1.x509.PolicyInformation;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Regression tests for certificates that the test PKI's builders cannot make (found in a review of
 * session 5): issued here by hand with BouncyCastle, each aimed at one check of
 * {@link CertificatePolicy}.
 */
class HandIssuedCertificatesTest {
  private static final String PRIVATE_OID = "1.3.6.1.4.1.99999.1.1";
  private static final String OV = "2.23.140.1.2.2";
  private static final String ROOT_DN = "CN=Review Root,O=Review,C=DE";
  private static final String LEAF_DN = "CN=export.acme.example,O=Acme Payments GmbH,C=DE";
  private static final AtomicLong SERIAL = new AtomicLong(1000);

  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  private static KeyPair rootKeys;
  private static X509Certificate root;

  @BeforeAll
  static void root() throws Exception {
    rootKeys = keys("RSA", 2048);
    root = issue(ROOT_DN, rootKeys.getPublic(), ROOT_DN, sha256Rsa(rootKeys.getPrivate()), true,
        KeyUsage.keyCertSign | KeyUsage.cRLSign, null, null);
  }

  private static KeyPair keys(String alg, int bits) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance(alg);
    g.initialize(bits);
    return g.generateKeyPair();
  }

  private static ContentSigner sha256Rsa(PrivateKey key) throws Exception {
    return new JcaContentSignerBuilder("SHA256withRSA").build(key);
  }

  /** A certificate valid from yesterday for 90 days, with basicConstraints and keyUsage critical. */
  private static X509Certificate issue(String subject, PublicKey key, String issuer, ContentSigner signer,
      boolean ca, int keyUsage, String policy, Extension extra) throws Exception {
    return issue(subject, key, new X500Name(issuer), signer, ca, keyUsage, policy, extra);
  }

  private static X509Certificate issue(String subject, PublicKey key, X500Name issuer, ContentSigner signer,
      boolean ca, int keyUsage, String policy, Extension extra) throws Exception {
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer,
        BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(NOW.minus(Duration.ofDays(1))),
        Date.from(NOW.plus(Duration.ofDays(90))), new X500Name(subject), key);
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
    if (policy != null) {
      b.addExtension(Extension.certificatePolicies, false,
          new CertificatePolicies(new PolicyInformation(new ASN1ObjectIdentifier(policy))));
    }
    if (extra != null) {
      b.addExtension(extra);
    }
    return new JcaX509CertificateConverter().getCertificate(b.build(signer));
  }

  private static X509Certificate ovLeaf(PublicKey key, String issuer, ContentSigner signer) throws Exception {
    return issue(LEAF_DN, key, issuer, signer, false, KeyUsage.keyEncipherment, OV, null);
  }

  private static CertificatePolicy.Builder policy(X509Certificate... anchors) {
    return CertificatePolicy.builder().trustAnchors(List.of(anchors)).onlineRevocation(false)
        .softFailRevocation(true).clock(Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private static CertificateInput.Builder input(X509Certificate leaf) {
    return CertificateInput.builder(bytes(Pem.certificate(leaf)));
  }

  /** An OCSP response signed by {@code issuerKey} with one entry per status, in order. */
  private static byte[] ocsp(X509Certificate cert, X509Certificate issuer, PrivateKey issuerKey,
      Instant thisUpdate, Instant nextUpdate, CertificateStatus... entries) throws Exception {
    CertificateID id = new CertificateID(
        new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
        new JcaX509CertificateHolder(issuer), cert.getSerialNumber());
    BasicOCSPRespBuilder b =
        new BasicOCSPRespBuilder(new RespID(new JcaX509CertificateHolder(issuer).getSubject()));
    for (CertificateStatus entry : entries) {
      b.addResponse(id, entry, Date.from(thisUpdate), Date.from(nextUpdate), null);
    }
    BasicOCSPResp basic = b.build(sha256Rsa(issuerKey), null, Date.from(NOW));
    return new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL, basic).getEncoded();
  }

  /** Regression: an anchor was used as an issuer without being a CA (the JDK checks neither). */
  @Test
  void rejectsACertificateIssuedByAPinnedLeaf() throws Exception {
    try (TestPki pki = TestPki.builder().build()) {
      TestCertificate pinned = pki.leaf("CN=pinned.acme.example,O=Acme Payments GmbH,C=DE")
          .selfSigned().policies(PRIVATE_OID).build();
      X500Name pinnedDn = X500Name.getInstance(pinned.certificate().getSubjectX500Principal().getEncoded());
      KeyPair minted = keys("RSA", 2048);
      X509Certificate leaf = issue("CN=exports.other.example,O=Other Bank AG,C=CH", minted.getPublic(),
          pinnedDn, sha256Rsa(pinned.privateKey()), false, KeyUsage.keyEncipherment, OV, null);
      byte[] good = ocsp(leaf, pinned.certificate(), pinned.privateKey(), NOW.minusSeconds(60),
          NOW.plus(Duration.ofDays(1)), CertificateStatus.GOOD);
      PolicyDecision d = policy(pinned.certificate()).privatePkiPolicyOids(PRIVATE_OID)
          .privatePkiSelfSignedLeaves(true).softFailRevocation(false).build()
          .evaluate(input(leaf).ocspResponse(good).build());
      assertThat(status(d, "chain.trusted")).isEqualTo(Status.FAIL);
      assertThat(message(d, "chain.trusted")).contains("which is not a CA");
      assertThat(d.accepted()).isFalse();
      // the pinned certificate itself is still accepted
      PolicyDecision self = policy(pinned.certificate()).privatePkiPolicyOids(PRIVATE_OID)
          .privatePkiSelfSignedLeaves(true).build().evaluate(input(pinned.certificate()).build());
      assertThat(status(self, "chain.trusted")).isEqualTo(Status.PASS);
    }
  }

  @Test
  void rejectsACertificateIssuedByAnAnchorWithoutKeyCertSign() throws Exception {
    KeyPair k = keys("RSA", 2048);
    String dn = "CN=No Sign Root,O=Review,C=DE";
    X509Certificate noSign = issue(dn, k.getPublic(), dn, sha256Rsa(k.getPrivate()), true, KeyUsage.cRLSign, null, null);
    X509Certificate leaf = ovLeaf(keys("RSA", 2048).getPublic(), dn, sha256Rsa(k.getPrivate()));
    PolicyDecision d = policy(noSign).build().evaluate(input(leaf).build());
    assertThat(status(d, "chain.trusted")).isEqualTo(Status.FAIL);
    PolicyDecision ok = policy(root).build()
        .evaluate(input(ovLeaf(keys("RSA", 2048).getPublic(), ROOT_DN, sha256Rsa(rootKeys.getPrivate()))).build());
    assertThat(status(ok, "chain.trusted")).isEqualTo(Status.PASS);
  }

  /** Regression: no PKIX run covers a pinned leaf, and nothing else looked at its critical extensions. */
  @Test
  void rejectsAPinnedLeafWithAnUnknownCriticalExtension() throws Exception {
    KeyPair k = keys("RSA", 2048);
    X509Certificate self = issue(LEAF_DN, k.getPublic(), LEAF_DN, sha256Rsa(k.getPrivate()), false,
        KeyUsage.keyEncipherment, PRIVATE_OID,
        new Extension(new ASN1ObjectIdentifier("1.3.6.1.4.1.99999.7.7"), true, new DEROctetString(new byte[] {5, 0}).getOctets()));
    PolicyDecision d = policy(self).privatePkiPolicyOids(PRIVATE_OID).privatePkiSelfSignedLeaves(true).build()
        .evaluate(input(self).build());
    assertThat(status(d, "chain.trusted")).isEqualTo(Status.FAIL);
    assertThat(message(d, "chain.trusted")).contains("1.3.6.1.4.1.99999.7.7");
    assertThat(d.accepted()).isFalse();
  }

  /** A SHA1withDSA signer that labels its signature with {@code oid}. */
  private static ContentSigner sha1Dsa(PrivateKey key, String oid) throws Exception {
    Signature sig = Signature.getInstance("SHA1withDSA");
    sig.initSign(key);
    return new LabelledSigner(sig, new AlgorithmIdentifier(new ASN1ObjectIdentifier(oid)));
  }

  /** Regression: SHA-1 under the OIW arc's DSA identifiers was not recognised as weak. */
  @Test
  void rejectsSha1WithDsaUnderItsOiwIdentifiers() throws Exception {
    KeyPair dsa = keys("DSA", 1024); // the JDK pairs SHA-1 only with 1024-bit DSA keys
    String caDn = "CN=Review DSA CA,O=Review,C=DE";
    X509Certificate ca = issue(caDn, dsa.getPublic(), ROOT_DN, sha256Rsa(rootKeys.getPrivate()), true,
        KeyUsage.keyCertSign | KeyUsage.cRLSign, null, null);
    for (String oid : List.of("1.3.14.3.2.27", "1.3.14.3.2.13")) {
      X509Certificate leaf = ovLeaf(keys("RSA", 2048).getPublic(), caDn, sha1Dsa(dsa.getPrivate(), oid));
      PolicyDecision d = policy(root).build().evaluate(input(leaf).intermediates(List.of(ca)).build());
      assertThat(status(d, "chain.trusted")).as(oid).isEqualTo(Status.PASS); // the JDK verifies it
      assertThat(status(d, "signature.algorithm")).as(oid).isEqualTo(Status.FAIL);
      assertThat(d.accepted()).isFalse();
    }
  }

  /** Regression: an id-RSASSA-PSS key (signatures only, RFC 4055) passed key.algorithm. */
  @Test
  void rejectsAnRsassaPssOnlyKey() throws Exception {
    KeyPair pss = keys("RSASSA-PSS", 2048);
    X509Certificate leaf = ovLeaf(pss.getPublic(), ROOT_DN, sha256Rsa(rootKeys.getPrivate()));
    assertThat(leaf.getPublicKey().getAlgorithm()).isEqualTo("RSASSA-PSS");
    PolicyDecision d = policy(root).build().evaluate(input(leaf).build());
    assertThat(status(d, "key.algorithm")).isEqualTo(Status.FAIL);
    assertThat(message(d, "key.algorithm")).contains("RFC 4055");
    // and the writer refuses it even without a policy
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> io.hellgate.export.Recipient.unverified(leaf))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RSASSA-PSS");
  }

  /** A private root restricted by nameConstraints to its organization stays restricted. */
  @Test
  void appliesTheAnchorsOwnNameConstraints() throws Exception {
    KeyPair k = keys("RSA", 2048);
    String dn = "CN=Acme Private Root,O=Acme Payments GmbH,C=DE";
    NameConstraints nc = new NameConstraints(
        new GeneralSubtree[] {new GeneralSubtree(new GeneralName(new X500Name("C=DE,O=Acme Payments GmbH")))}, null);
    X509Certificate constrained = issue(dn, k.getPublic(), dn, sha256Rsa(k.getPrivate()), true,
        KeyUsage.keyCertSign | KeyUsage.cRLSign, null, new Extension(Extension.nameConstraints, true, nc.getEncoded()));
    X509Certificate outside = issue("C=CH,O=Other Bank AG,CN=x", keys("RSA", 2048).getPublic(), dn,
        sha256Rsa(k.getPrivate()), false, KeyUsage.keyEncipherment, OV, null);
    PolicyDecision d = policy(constrained).build().evaluate(input(outside).build());
    assertThat(status(d, "chain.trusted")).isEqualTo(Status.FAIL);
    X509Certificate inside = issue("C=DE,O=Acme Payments GmbH,CN=export", keys("RSA", 2048).getPublic(), dn,
        sha256Rsa(k.getPrivate()), false, KeyUsage.keyEncipherment, OV, null);
    PolicyDecision ok = policy(constrained).build().evaluate(input(inside).build());
    assertThat(status(ok, "chain.trusted")).as(message(ok, "chain.trusted")).isEqualTo(Status.PASS);
  }

  /** Regression: only an OCSP response's first entry for the certificate was read. */
  @Test
  void aRevokedEntryAnywhereInAnOcspResponseWins() throws Exception {
    X509Certificate leaf = ovLeaf(keys("RSA", 2048).getPublic(), ROOT_DN, sha256Rsa(rootKeys.getPrivate()));
    byte[] staleGoodThenRevoked = ocsp(leaf, root, rootKeys.getPrivate(), NOW.minus(Duration.ofDays(9)),
        NOW.minus(Duration.ofDays(2)), CertificateStatus.GOOD, new RevokedStatus(Date.from(NOW.minus(Duration.ofDays(5))), 1));
    PolicyDecision d = policy(root).build().evaluate(input(leaf).ocspResponse(staleGoodThenRevoked).build());
    assertThat(status(d, "revocation")).isEqualTo(Status.FAIL);
    assertThat(message(d, "revocation")).contains("revoked on");
  }

  @Test
  void aFreshGoodEntryAfterAStaleOneCounts() throws Exception {
    X509Certificate leaf = ovLeaf(keys("RSA", 2048).getPublic(), ROOT_DN, sha256Rsa(rootKeys.getPrivate()));
    CertificateID id = new CertificateID(
        new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
        new JcaX509CertificateHolder(root), leaf.getSerialNumber());
    BasicOCSPRespBuilder b = new BasicOCSPRespBuilder(new RespID(new JcaX509CertificateHolder(root).getSubject()));
    b.addResponse(id, CertificateStatus.GOOD, Date.from(NOW.minus(Duration.ofDays(9))), Date.from(NOW.minus(Duration.ofDays(2))), null);
    b.addResponse(id, CertificateStatus.GOOD, Date.from(NOW.minusSeconds(60)), Date.from(NOW.plus(Duration.ofDays(1))), null);
    byte[] response = new OCSPRespBuilder()
        .build(OCSPRespBuilder.SUCCESSFUL, b.build(sha256Rsa(rootKeys.getPrivate()), null, Date.from(NOW))).getEncoded();
    PolicyDecision d = policy(root).softFailRevocation(false).build().evaluate(input(leaf).ocspResponse(response).build());
    assertThat(status(d, "revocation")).isEqualTo(Status.PASS);
  }

  /** Regression: a multi-valued RDN's first attribute was read as O, whatever its type. */
  @Test
  void rejectsABlankOrganizationHiddenInAMultiValuedRdn() throws Exception {
    String blank = "\u2003".repeat(10); // EM SPACEs: strip() empties them
    X509Certificate leaf = issue("CN=Evil Corp+O=" + blank + ",C=DE", keys("RSA", 2048).getPublic(), ROOT_DN,
        sha256Rsa(rootKeys.getPrivate()), false, KeyUsage.keyEncipherment, OV, null);
    PolicyDecision d = policy(root).build().evaluate(input(leaf).build());
    assertThat(status(d, "subject.organization")).isEqualTo(Status.FAIL);
  }

  /** Regression: CertificateFactory ignores what follows a DER certificate, even a private key. */
  @Test
  void refusesADerCertificateFollowedByADerPrivateKey() throws Exception {
    KeyPair k = keys("RSA", 2048);
    X509Certificate leaf = ovLeaf(k.getPublic(), ROOT_DN, sha256Rsa(rootKeys.getPrivate()));
    byte[] cert = leaf.getEncoded();
    byte[] key = k.getPrivate().getEncoded();
    byte[] both = new byte[cert.length + key.length];
    System.arraycopy(cert, 0, both, 0, cert.length);
    System.arraycopy(key, 0, both, cert.length, key.length);
    PolicyDecision d = policy(root).build().evaluate(CertificateInput.builder(both).build());
    assertThat(status(d, "certificate.parse")).isEqualTo(Status.FAIL);
    assertThat(message(d, "certificate.parse")).contains("private key");
  }
}
