package io.hellgate.export.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hellgate.export.crypto.CertificateInput;
import io.hellgate.export.crypto.CertificateInputException;
import io.hellgate.export.crypto.CertificatePolicy;
import io.hellgate.export.crypto.PolicyDecision;
import io.hellgate.export.crypto.PolicyDecision.Status;
import io.hellgate.export.crypto.ValidationLevel;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every check of CertificatePolicy, pass and fail, with offline (supplied) revocation evidence. */
class CertificatePolicyTest {
  static final String ACME = "CN=export.acme.example,O=Acme Payments GmbH,C=DE";
  static final String DV_MESSAGE =
      "DV certificates do not provide organizational identity validation and are therefore not"
          + " sufficient. Please use an OV or EV certificate.";

  static TestPki pki;
  static TestPki stranger;

  @BeforeAll
  static void setUp() {
    pki = TestPki.builder().build();
    stranger = TestPki.builder().build(); // same DNs, different keys
  }

  @AfterAll
  static void tearDown() {
    pki.close();
    stranger.close();
  }

  static CertificatePolicy.Builder policyFor(TestPki p) {
    return CertificatePolicy.builder()
        .trustAnchors(List.of(p.root()))
        .onlineRevocation(false)
        .clock(Clock.fixed(p.now(), ZoneOffset.UTC));
  }

  static CertificateInput withCrls(TestPki p, TestCertificate leaf) throws CertificateInputException {
    CertificateInput.Builder b =
        CertificateInput.builder(bytes(leaf.certificatePem())).intermediates(leaf.chain());
    for (byte[] crl : p.crls()) {
      b.crl(crl);
    }
    return b.build();
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  static PolicyDecision judge(TestCertificate leaf) throws CertificateInputException {
    return judgeIn(pki, leaf);
  }

  /** Judges a leaf of {@code p} by the default offline policy, with {@code p}'s fresh CRLs. */
  static PolicyDecision judgeIn(TestPki p, TestCertificate leaf) throws CertificateInputException {
    return policyFor(p).build().evaluate(withCrls(p, leaf));
  }

  static Status status(PolicyDecision d, String code) {
    return d.check(code).orElseThrow().status();
  }

  static String message(PolicyDecision d, String code) {
    return d.check(code).orElseThrow().message();
  }

  // ---- accepted certificates

  @Test
  void acceptsOrganizationValidatedCertificate() throws Exception {
    PolicyDecision d = judge(pki.leaf(ACME).ov().build());
    assertThat(d.failures()).isEmpty();
    assertThat(d.warnings()).isEmpty();
    assertThat(d.accepted()).isTrue();
    assertThat(d.checks()).extracting(PolicyDecision.Check::code).containsExactly(
        "certificate.parse", "validation_level", "subject.organization", "chain.trusted",
        "validity", "revocation", "key.algorithm", "key.usage", "signature.algorithm", "dedicated");
    assertThat(d.acceptedRecipient().isPolicyChecked()).isTrue();
    assertThat(d.acceptedRecipient().certificate()).isEqualTo(d.certificate().orElseThrow());
  }

  @Test
  void acceptsExtendedValidationCertificate() throws Exception {
    PolicyDecision d = judge(pki.leaf(ACME).ev().build());
    assertThat(d.accepted()).isTrue();
    assertThat(message(d, "validation_level")).contains("EV");
  }

  @Test
  void acceptsSmimeOrganizationValidatedCertificate() throws Exception {
    PolicyDecision d = judge(pki.leaf(ACME).smimeOrganization().build());
    assertThat(d.accepted()).isTrue();
    assertThat(message(d, "validation_level")).contains("SMIME_ORGANIZATION");
  }

  @Test
  void acceptsSmimeSponsorValidatedCertificate() throws Exception {
    PolicyDecision d = judge(pki.leaf(ACME).policies("2.23.140.1.5.3.2").build());
    assertThat(d.accepted()).isTrue();
  }

  @Test
  void acceptsCertificateWhoseChainIsInTheSamePemBundle() throws Exception {
    TestCertificate leaf = pki.leaf(ACME).build();
    CertificateInput.Builder b = CertificateInput.builder(bytes(leaf.certificatePem() + leaf.chainPem()));
    for (byte[] crl : pki.crls()) {
      b.crl(crl);
    }
    assertThat(policyFor(pki).build().evaluate(b.build()).accepted()).isTrue();
  }

  @Test
  void acceptsDerEncodedCertificate() throws Exception {
    TestCertificate leaf = pki.leaf(ACME).build();
    CertificateInput.Builder b =
        CertificateInput.builder(leaf.certificate().getEncoded()).intermediates(leaf.chain());
    b.crl(bytes(pki.crlsPem()));
    assertThat(policyFor(pki).build().evaluate(b.build()).accepted()).isTrue();
  }

  // ---- validation level

  @Test
  void rejectsDomainValidatedCertificate() throws Exception {
    PolicyDecision d = judge(pki.leaf(ACME).dv().build());
    assertThat(d.accepted()).isFalse();
    assertThat(status(d, "validation_level")).isEqualTo(Status.FAIL);
    assertThat(message(d, "validation_level")).contains("Domain Validated").endsWith(DV_MESSAGE);
  }

  @Test
  void rejectsCertificateWithoutPolicy() throws Exception {
    PolicyDecision d = judge(pki.leaf(ACME).policies().build());
    assertThat(status(d, "validation_level")).isEqualTo(Status.FAIL);
    assertThat(message(d, "validation_level")).contains("no certificate policy").contains(DV_MESSAGE);
  }

  @Test
  void rejectsUnknownPolicy() throws Exception {
    PolicyDecision d = judge(pki.leaf(ACME).policies("1.3.6.1.4.1.99999.7", "2.5.29.32.0").build());
    assertThat(status(d, "validation_level")).isEqualTo(Status.FAIL);
    assertThat(message(d, "validation_level")).contains(DV_MESSAGE);
  }

  @Test
  void rejectsIndividualValidatedCertificates() throws Exception {
    for (String oid : List.of("2.23.140.1.2.3", "2.23.140.1.5.4.1")) {
      PolicyDecision d = judge(pki.leaf(ACME).policies(oid).build());
      assertThat(status(d, "validation_level")).as(oid).isEqualTo(Status.FAIL);
      assertThat(message(d, "validation_level")).as(oid).contains("Individual Validated");
    }
  }

  @Test
  void rejectsMailboxValidatedCertificate() throws Exception {
    PolicyDecision d = judge(pki.leaf(ACME).policies("2.23.140.1.5.1.3").build());
    assertThat(message(d, "validation_level")).contains("mailbox-validated");
    assertThat(d.accepted()).isFalse();
  }

  @Test
  void rejectsCertificateAssertingBothDomainAndOrganizationValidation() throws Exception {
    PolicyDecision d = judge(pki.leaf(ACME).policies(TestPki.OV, TestPki.DV).build());
    assertThat(status(d, "validation_level")).isEqualTo(Status.FAIL);
  }

  @Test
  void acceptsPrivatePkiPolicyOnlyWhenConfigured() throws Exception {
    TestCertificate leaf = pki.leaf(ACME).policies("1.3.6.1.4.1.99999.1.1").build();
    PolicyDecision without = policyFor(pki).build().evaluate(withCrls(pki, leaf));
    PolicyDecision with =
        policyFor(pki).privatePkiPolicyOids("1.3.6.1.4.1.99999.1.1").build().evaluate(withCrls(pki, leaf));
    assertThat(status(without, "validation_level")).isEqualTo(Status.FAIL);
    assertThat(with.accepted()).isTrue();
    assertThat(message(with, "validation_level")).contains("PRIVATE_PKI");
  }

  @Test
  void rejectsLevelThatThePolicyDoesNotAccept() throws Exception {
    CertificatePolicy evOnly = policyFor(pki).acceptedLevels(EnumSet.of(ValidationLevel.EV)).build();
    TestCertificate ov = pki.leaf(ACME).ov().build();
    TestCertificate ev = pki.leaf(ACME).ev().build();
    assertThat(status(evOnly.evaluate(withCrls(pki, ov)), "validation_level")).isEqualTo(Status.FAIL);
    assertThat(evOnly.evaluate(withCrls(pki, ev)).accepted()).isTrue();
  }

  // ---- organization

  @Test
  void rejectsSubjectWithoutOrganization() throws Exception {
    PolicyDecision d = judge(pki.leaf("CN=export.acme.example,C=DE").build());
    assertThat(status(d, "subject.organization")).isEqualTo(Status.FAIL);
    assertThat(message(d, "subject.organization")).contains("O (Organization)").doesNotContain("C (Country)");
  }

  @Test
  void rejectsSubjectWithoutCountry() throws Exception {
    PolicyDecision d = judge(pki.leaf("CN=export.acme.example,O=Acme Payments GmbH").build());
    assertThat(status(d, "subject.organization")).isEqualTo(Status.FAIL);
    assertThat(message(d, "subject.organization")).contains("C (Country)");
  }

  @Test
  void rejectsBlankOrganization() throws Exception {
    PolicyDecision d = judge(pki.leaf("CN=export.acme.example,O= ,C=DE").build());
    assertThat(status(d, "subject.organization")).isEqualTo(Status.FAIL);
  }

  @Test
  void reportsOrganizationAndCountryWhenPresent() throws Exception {
    PolicyDecision d = judge(pki.leaf(ACME).build());
    assertThat(status(d, "subject.organization")).isEqualTo(Status.PASS);
    assertThat(message(d, "subject.organization")).contains("Acme Payments GmbH").contains("DE");
  }

  // ---- chain

  @Test
  void rejectsCertificateFromUntrustedCa() throws Exception {
    TestCertificate foreign = stranger.leaf(ACME).build();
    PolicyDecision d = policyFor(pki).build().evaluate(withCrls(stranger, foreign));
    assertThat(status(d, "chain.trusted")).isEqualTo(Status.FAIL);
    assertThat(status(d, "revocation")).isEqualTo(Status.SKIPPED);
    assertThat(d.accepted()).isFalse();
  }

  @Test
  void rejectsCertificateWhoseIntermediateIsMissing() throws Exception {
    TestCertificate leaf = pki.leaf(ACME).build();
    PolicyDecision d = policyFor(pki).build().evaluate(bytes(leaf.certificatePem()));
    assertThat(status(d, "chain.trusted")).isEqualTo(Status.FAIL);
    assertThat(message(d, "chain.trusted")).contains("include its intermediate");
  }

  @Test
  void rejectsChainLongerThanTheLimit() throws Exception {
    TestCertificate leaf = pki.leaf(ACME).build();
    PolicyDecision d = policyFor(pki).maxChainLength(1).build().evaluate(withCrls(pki, leaf));
    assertThat(status(d, "chain.trusted")).isEqualTo(Status.FAIL);
    assertThat(message(d, "chain.trusted")).contains("longer than 1");
  }

  @Test
  void rejectsSelfSignedCertificate() throws Exception {
    TestCertificate self = pki.leaf(ACME).selfSigned().build();
    CertificatePolicy policy =
        CertificatePolicy.builder().trustAnchors(List.of(pki.root(), self.certificate()))
            .onlineRevocation(false).clock(Clock.fixed(pki.now(), ZoneOffset.UTC)).build();
    PolicyDecision d = policy.evaluate(bytes(self.certificatePem()));
    assertThat(status(d, "chain.trusted")).isEqualTo(Status.FAIL);
    assertThat(message(d, "chain.trusted")).contains("self-signed");
  }

  @Test
  void acceptsSelfSignedAnchorInPrivatePkiMode() throws Exception {
    TestCertificate self = pki.leaf(ACME).selfSigned().policies("1.3.6.1.4.1.99999.1.1").build();
    CertificatePolicy policy =
        CertificatePolicy.builder().trustAnchors(List.of(self.certificate()))
            .privatePkiPolicyOids("1.3.6.1.4.1.99999.1.1").privatePkiSelfSignedLeaves(true)
            .onlineRevocation(false).clock(Clock.fixed(pki.now(), ZoneOffset.UTC)).build();
    PolicyDecision d = policy.evaluate(bytes(self.certificatePem()));
    assertThat(d.failures()).isEmpty();
    assertThat(d.accepted()).isTrue();
  }

  @Test
  void rejectsSelfSignedLeafThatIsNotAnAnchorEvenInPrivatePkiMode() throws Exception {
    TestCertificate self = pki.leaf(ACME).selfSigned().policies("1.3.6.1.4.1.99999.1.1").build();
    CertificatePolicy policy =
        policyFor(pki).privatePkiPolicyOids("1.3.6.1.4.1.99999.1.1").privatePkiSelfSignedLeaves(true).build();
    assertThat(status(policy.evaluate(bytes(self.certificatePem())), "chain.trusted")).isEqualTo(Status.FAIL);
  }

  // ---- validity

  @Test
  void rejectsExpiredCertificate() throws Exception {
    PolicyDecision d = judge(pki.leaf(ACME).expired().build());
    assertThat(status(d, "validity")).isEqualTo(Status.FAIL);
    assertThat(message(d, "validity")).contains("expired on");
    assertThat(status(d, "chain.trusted")).isEqualTo(Status.PASS);
  }

  @Test
  void rejectsNotYetValidCertificate() throws Exception {
    PolicyDecision d = judge(pki.leaf(ACME).notYetValid().build());
    assertThat(status(d, "validity")).isEqualTo(Status.FAIL);
    assertThat(message(d, "validity")).contains("not valid before");
  }

  @Test
  void rejectsCertificateWhoseIntermediateExpired() throws Exception {
    try (TestPki old = TestPki.builder()
        .intermediateValidity(pki.now().minus(Duration.ofDays(900)), pki.now().minus(Duration.ofDays(1)))
        .now(pki.now()).build()) {
      TestCertificate leaf = old.leaf(ACME).validity(pki.now().minus(Duration.ofDays(10)), pki.now().plus(Duration.ofDays(10))).build();
      PolicyDecision d = judgeIn(old, leaf);
      assertThat(status(d, "validity")).isEqualTo(Status.FAIL);
      assertThat(message(d, "validity")).contains("Test Issuing CA");
    }
  }

  @Test
  void acceptsCertificateAtAClockWithinItsValidity() throws Exception {
    TestCertificate leaf = pki.leaf(ACME).build();
    CertificatePolicy later =
        policyFor(pki).clock(Clock.fixed(pki.now().plus(Duration.ofHours(2)), ZoneOffset.UTC)).build();
    assertThat(status(later.evaluate(withCrls(pki, leaf)), "validity")).isEqualTo(Status.PASS);
  }

  // ---- key

  @Test
  void rejectsRsa1024Key() throws Exception {
    PolicyDecision d = judge(pki.leaf(ACME).rsaBits(1024).build());
    assertThat(status(d, "key.algorithm")).isEqualTo(Status.FAIL);
    assertThat(message(d, "key.algorithm")).contains("1024 bits");
  }

  @Test
  void rejectsEcKey() throws Exception {
    PolicyDecision d = judge(pki.leaf(ACME).ecKey().build());
    assertThat(status(d, "key.algorithm")).isEqualTo(Status.FAIL);
    assertThat(message(d, "key.algorithm")).contains("EC").contains("RSA-OAEP-256");
    assertThatThrownBy(d::acceptedRecipient).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void appliesConfiguredMinimumRsaSize() throws Exception {
    TestCertificate leaf = pki.leaf(ACME).build();
    CertificatePolicy strict = policyFor(pki).minRsaBits(3072).build();
    assertThat(status(strict.evaluate(withCrls(pki, leaf)), "key.algorithm")).isEqualTo(Status.FAIL);
    assertThat(status(judge(leaf), "key.algorithm")).isEqualTo(Status.PASS);
  }

  @Test
  void rejectsKeyUsageWithoutKeyEncipherment() throws Exception {
    PolicyDecision d = judge(pki.leaf(ACME).signatureOnlyKeyUsage().build());
    assertThat(status(d, "key.usage")).isEqualTo(Status.FAIL);
    assertThat(message(d, "key.usage")).contains("keyEncipherment");
  }

  @Test
  void rejectsKeyUsageWithCertificateSigning() throws Exception {
    PolicyDecision d = judge(pki.leaf(ACME).certSignKeyUsage().build());
    assertThat(message(d, "key.usage")).contains("keyCertSign").contains("cRLSign");
  }

  @Test
  void rejectsAnyExtendedKeyUsage() throws Exception {
    PolicyDecision d = judge(pki.leaf(ACME).anyExtendedKeyUsage().build());
    assertThat(message(d, "key.usage")).contains("anyExtendedKeyUsage");
    assertThat(d.accepted()).isFalse();
  }

  @Test
  void acceptsCertificateWithoutKeyUsageExtension() throws Exception {
    PolicyDecision d = judge(pki.leaf(ACME).keyUsage(null).build());
    assertThat(status(d, "key.usage")).isEqualTo(Status.PASS);
  }

  @Test
  void acceptsKeyEnciphermentOnlyKeyUsage() throws Exception {
    PolicyDecision d = judge(pki.leaf(ACME).keyUsage(KeyUsage.keyEncipherment).build());
    assertThat(d.accepted()).isTrue();
  }

  // ---- signature algorithm

  @Test
  void rejectsSha1SignedCertificate() throws Exception {
    PolicyDecision d = judge(pki.leaf(ACME).sha1Signed().build());
    assertThat(status(d, "signature.algorithm")).isEqualTo(Status.FAIL);
    assertThat(message(d, "signature.algorithm")).contains("SHA1withRSA");
  }

  @Test
  void rejectsMd4SignedCertificate() throws Exception {
    PolicyDecision d = judge(pki.leaf(ACME).signatureAlgorithm("MD4withRSA").build());
    assertThat(status(d, "signature.algorithm")).isEqualTo(Status.FAIL);
    assertThat(message(d, "signature.algorithm")).contains("is signed with MD4withRSA");
  }

  @Test
  void rejectsRsassaPssWithSha1() throws Exception {
    // BouncyCastle encodes SHA-1 PSS parameters as the DER default: an empty sequence
    PolicyDecision d = judge(pki.leaf(ACME).signatureAlgorithm("SHA1withRSAandMGF1").build());
    assertThat(status(d, "signature.algorithm")).isEqualTo(Status.FAIL);
    assertThat(message(d, "signature.algorithm")).contains("is signed with RSASSA-PSS with SHA-1");
  }

  @Test
  void acceptsRsassaPssWithSha256() throws Exception {
    PolicyDecision d = judge(pki.leaf(ACME).signatureAlgorithm("SHA256withRSAandMGF1").build());
    assertThat(status(d, "signature.algorithm")).isEqualTo(Status.PASS);
    assertThat(d.accepted()).isTrue();
  }

  @Test
  void rejectsSha1SignedIntermediate() throws Exception {
    try (TestPki weak = TestPki.builder().intermediateSignatureAlgorithm("SHA1withRSA").now(pki.now()).build()) {
      PolicyDecision d = judgeIn(weak, weak.leaf(ACME).build());
      assertThat(status(d, "signature.algorithm")).isEqualTo(Status.FAIL);
      assertThat(message(d, "signature.algorithm")).contains("Test Issuing CA");
    }
  }

  @Test
  void exemptsTheAnchorsOwnSha1SelfSignature() throws Exception {
    try (TestPki legacyRoot = TestPki.builder().rootSignatureAlgorithm("SHA1withRSA").now(pki.now()).build()) {
      PolicyDecision d = judgeIn(legacyRoot, legacyRoot.leaf(ACME).build());
      assertThat(status(d, "signature.algorithm")).isEqualTo(Status.PASS);
      assertThat(d.accepted()).isTrue();
    }
  }

  // ---- dedicated

  @Test
  void warnsAboutTlsServerCertificate() throws Exception {
    PolicyDecision d = judge(pki.leaf(ACME).serverAuth().build());
    assertThat(status(d, "dedicated")).isEqualTo(Status.WARN);
    assertThat(message(d, "dedicated")).contains("Use a dedicated certificate and key pair");
    assertThat(d.accepted()).isTrue();
  }

  @Test
  void rejectsTlsServerCertificateInDedicatedMode() throws Exception {
    TestCertificate leaf = pki.leaf(ACME).serverAuth().build();
    PolicyDecision d = policyFor(pki).requireDedicatedCertificate(true).build().evaluate(withCrls(pki, leaf));
    assertThat(status(d, "dedicated")).isEqualTo(Status.FAIL);
    assertThat(d.accepted()).isFalse();
  }

  @Test
  void passesDedicatedCheckForNonTlsCertificate() throws Exception {
    TestCertificate leaf = pki.leaf(ACME).build();
    PolicyDecision d = policyFor(pki).requireDedicatedCertificate(true).build().evaluate(withCrls(pki, leaf));
    assertThat(status(d, "dedicated")).isEqualTo(Status.PASS);
  }

  // ---- decision and policy

  @Test
  void acceptedRecipientIsRefusedForRejectedDecision() throws Exception {
    PolicyDecision d = judge(pki.leaf(ACME).dv().build());
    assertThatThrownBy(d::acceptedRecipient)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("validation_level");
  }

  @Test
  void builderRequiresATrustAnchor() {
    assertThatThrownBy(() -> CertificatePolicy.builder().build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("trust anchor");
  }

  @Test
  void builderRefusesWeakRsaMinimum() {
    assertThatThrownBy(() -> policyFor(pki).minRsaBits(1024).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("minRsaBits");
  }

  @Test
  void builderRefusesSelfSignedLeavesWithoutPrivatePolicy() {
    assertThatThrownBy(() -> policyFor(pki).privatePkiSelfSignedLeaves(true).build())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> policyFor(pki).privatePkiPolicyOids("not-an-oid"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void policyEvaluatesConcurrentlyWithConsistentResults() throws Exception {
    CertificatePolicy policy = policyFor(pki).build();
    TestCertificate good = pki.leaf(ACME).build();
    TestCertificate dv = pki.leaf(ACME).dv().build();
    CertificateInput goodIn = withCrls(pki, good);
    CertificateInput dvIn = withCrls(pki, dv);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        CertificateInput in = i % 2 == 0 ? goodIn : dvIn;
        results.add(pool.submit(() -> policy.evaluate(in).accepted()));
      }
      for (int i = 0; i < results.size(); i++) {
        assertThat(results.get(i).get()).isEqualTo(i % 2 == 0);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
