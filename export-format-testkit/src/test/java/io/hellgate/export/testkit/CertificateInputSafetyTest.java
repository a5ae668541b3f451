package io.hellgate.export.testkit;

import static io.hellgate.export.testkit.CertificatePolicyTest.ACME;
import static io.hellgate.export.testkit.CertificatePolicyTest.bytes;
import static io.hellgate.export.testkit.CertificatePolicyTest.policyFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hellgate.export.crypto.CertificateInput;
import io.hellgate.export.crypto.CertificateInputException;
import io.hellgate.export.crypto.CertificatePolicy;
import io.hellgate.export.crypto.PolicyDecision;
import io.hellgate.export.crypto.PolicyDecision.Status;
import java.util.List;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** certificate.parse: raw keys and pasted private keys are refused, and private keys never leak. */
class CertificateInputSafetyTest {
  static final String RAW_KEY_MESSAGE =
      "A raw public key without a CA-issued certificate cannot be accepted. Please provide an OV"
          + " (or higher) X.509 certificate containing the public key.";
  static final String NEVER_SEND = "Never send private keys, passphrases, or HSM access details.";

  static TestPki pki;
  static TestCertificate rsaLeaf;
  static TestCertificate ecLeaf;
  static CertificatePolicy policy;

  @BeforeAll
  static void setUp() {
    pki = TestPki.builder().intermediate(false).build();
    rsaLeaf = pki.leaf(ACME).build();
    ecLeaf = pki.leaf(ACME).ecKey().build();
    policy = policyFor(pki).build();
  }

  @AfterAll
  static void tearDown() {
    pki.close();
  }

  static String everything(PolicyDecision d, CertificateInput in) {
    return d.toString() + "\n" + in + "\n"
        + d.checks().stream().map(c -> c.toString()).collect(Collectors.joining("\n"));
  }

  static void assertRefusedPrivateKey(byte[] input, byte[] keyDer) {
    CertificateInput in = CertificateInput.of(input);
    PolicyDecision d = policy.evaluate(in);
    assertThat(d.accepted()).isFalse();
    assertThat(d.check("certificate.parse").orElseThrow().status()).isEqualTo(Status.FAIL);
    assertThat(d.check("certificate.parse").orElseThrow().message()).contains(NEVER_SEND);
    assertThat(d.checks().subList(1, d.checks().size()))
        .allSatisfy(c -> assertThat(c.status()).isEqualTo(Status.SKIPPED));
    assertThat(d.certificate()).isEmpty();
    assertThatThrownBy(d::acceptedRecipient).isInstanceOf(IllegalStateException.class)
        .satisfies(e -> SecretInput.assertNoFragment(String.valueOf(e.getMessage()), keyDer));
    SecretInput.assertNoFragment(everything(d, in), keyDer);
  }

  static byte[] pkcs1(java.security.PrivateKey key) throws Exception {
    return PrivateKeyInfo.getInstance(key.getEncoded()).parsePrivateKey().toASN1Primitive().getEncoded();
  }

  @Test
  void secretCheckDetectsALeakedKey() {
    byte[] der = rsaLeaf.privateKey().getEncoded();
    assertThatThrownBy(() -> SecretInput.assertNoFragment("oops: " + rsaLeaf.privateKeyPem(), der))
        .isInstanceOf(AssertionError.class);
    String hex = java.util.HexFormat.of().withUpperCase().formatHex(der, 40, 60);
    assertThatThrownBy(() -> SecretInput.assertNoFragment("dump " + hex, der))
        .isInstanceOf(AssertionError.class);
  }

  @Test
  void refusesPkcs8PrivateKeyWithoutRepeatingIt() {
    assertRefusedPrivateKey(bytes(rsaLeaf.privateKeyPem()), rsaLeaf.privateKey().getEncoded());
  }

  @Test
  void refusesPkcs1RsaPrivateKeyWithoutRepeatingIt() throws Exception {
    byte[] der = pkcs1(rsaLeaf.privateKey());
    assertRefusedPrivateKey(bytes(Pem.block("RSA PRIVATE KEY", der)), der);
  }

  @Test
  void refusesEcPrivateKeyWithoutRepeatingIt() throws Exception {
    byte[] der = pkcs1(ecLeaf.privateKey());
    assertRefusedPrivateKey(bytes(Pem.block("EC PRIVATE KEY", der)), der);
  }

  @Test
  void refusesEncryptedPrivateKeyLabel() {
    byte[] der = rsaLeaf.privateKey().getEncoded();
    assertRefusedPrivateKey(bytes(Pem.block("ENCRYPTED PRIVATE KEY", der)), der);
  }

  @Test
  void refusesDerPrivateKeys() throws Exception {
    assertRefusedPrivateKey(rsaLeaf.privateKey().getEncoded(), rsaLeaf.privateKey().getEncoded());
    byte[] pkcs1 = pkcs1(rsaLeaf.privateKey());
    assertRefusedPrivateKey(pkcs1, pkcs1);
  }

  @Test
  void refusesCertificateBundledWithItsPrivateKey() {
    String both = rsaLeaf.certificatePem() + rsaLeaf.privateKeyPem();
    assertRefusedPrivateKey(bytes(both), rsaLeaf.privateKey().getEncoded());
  }

  @Test
  void refusesTruncatedPrivateKeyPaste() {
    String pem = rsaLeaf.privateKeyPem();
    String truncated = pem.substring(0, pem.length() / 2);
    assertRefusedPrivateKey(bytes(truncated), rsaLeaf.privateKey().getEncoded());
  }

  @Test
  void refusesPrivateKeyGivenAsIntermediatesOrAnchors() {
    byte[] pem = bytes(rsaLeaf.privateKeyPem());
    assertThatThrownBy(() -> CertificateInput.builder(bytes(rsaLeaf.certificatePem())).intermediatesPem(pem))
        .isInstanceOf(CertificateInputException.class)
        .hasMessageContaining("Never send private keys".toLowerCase())
        .satisfies(e -> SecretInput.assertNoFragment(e.getMessage(), rsaLeaf.privateKey().getEncoded()));
    assertThatThrownBy(() -> CertificatePolicy.builder().trustAnchorsPem(pem))
        .isInstanceOf(CertificateInputException.class)
        .satisfies(e -> SecretInput.assertNoFragment(e.getMessage(), rsaLeaf.privateKey().getEncoded()));
  }

  @Test
  void rejectsRawPublicKeyWithTheSeedAnswer() {
    byte[] spki = rsaLeaf.certificate().getPublicKey().getEncoded();
    for (byte[] input : List.of(bytes(Pem.block("PUBLIC KEY", spki)), spki)) {
      PolicyDecision d = policy.evaluate(input);
      assertThat(d.accepted()).isFalse();
      assertThat(d.check("certificate.parse").orElseThrow().message()).isEqualTo(RAW_KEY_MESSAGE);
    }
  }

  @Test
  void rejectsInputThatIsNotACertificate() {
    PolicyDecision d = policy.evaluate(bytes("hello, here is our certificate"));
    assertThat(d.check("certificate.parse").orElseThrow().status()).isEqualTo(Status.FAIL);
    assertThat(d.check("certificate.parse").orElseThrow().message()).startsWith("Not an X.509 certificate");
    PolicyDecision corrupt = policy.evaluate(bytes(Pem.block("CERTIFICATE", new byte[] {0x30, 0x03, 1, 2, 3})));
    assertThat(corrupt.check("certificate.parse").orElseThrow().status()).isEqualTo(Status.FAIL);
  }

  @Test
  void rejectsOversizedInput() {
    CertificatePolicy small = policyFor(pki).maxInputBytes(1024).build();
    PolicyDecision d = small.evaluate(bytes(rsaLeaf.certificatePem() + " ".repeat(2000)));
    assertThat(d.check("certificate.parse").orElseThrow().message()).contains("at most 1024");
    assertThat(d.accepted()).isFalse();
  }

  @Test
  void parsesCertificateThatIsNotAKeyPaste() {
    PolicyDecision d = policy.evaluate(bytes(rsaLeaf.certificatePem()));
    assertThat(d.check("certificate.parse").orElseThrow().status()).isEqualTo(Status.PASS);
    assertThat(d.certificate()).contains(rsaLeaf.certificate());
  }
}
