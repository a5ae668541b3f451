package io.hellgate.export.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.hellgate.export.ManifestVerifier;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The testkit's manifest signers: the certificates the verifier requires, made once, verifying. */
class TestSignerTest {
  @Test
  void signersAreMadeOncePerAlgorithm() {
    for (TestSigner.Algorithm a : TestSigner.Algorithm.values()) {
      assertThat(TestSigner.of(a)).isSameAs(TestSigner.of(a)).extracting(TestSigner::algorithm).isEqualTo(a);
    }
  }

  @Test
  void certificatesHaveDigitalSignatureKeyUsageOnlyAndNoExtendedKeyUsage() throws Exception {
    for (TestSigner.Algorithm a : TestSigner.Algorithm.values()) {
      var c = TestSigner.of(a).certificate().certificate();
      boolean[] ku = c.getKeyUsage();
      assertThat(ku[0]).as("digitalSignature").isTrue();
      for (int i = 1; i < ku.length; i++) {
        assertThat(ku[i]).as("keyUsage bit %d", i).isFalse();
      }
      assertThat(c.getExtendedKeyUsage()).isNull();
    }
  }

  @Test
  void keysAreP256AndRsa2048() {
    var ec = (ECPublicKey) TestSigner.of(TestSigner.Algorithm.ECDSA_P256).certificate().certificate().getPublicKey();
    assertThat(ec.getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
    var rsa = (RSAPublicKey) TestSigner.of(TestSigner.Algorithm.RSA_PSS_2048).certificate().certificate().getPublicKey();
    assertThat(rsa.getModulus().bitLength()).isEqualTo(2048);
  }

  @Test
  void eachSignerVerifiesUnderItsOwnVerifierWithRevocationChecked() throws Exception {
    byte[] content = "{\"version\": \"1.1\"}".getBytes(StandardCharsets.UTF_8);
    Instant now = Instant.now().minusSeconds(5);
    for (TestSigner.Algorithm a : TestSigner.Algorithm.values()) {
      TestSigner s = TestSigner.of(a);
      ManifestVerifier.Verified v = s.verifier().verify(s.signer().sign(content, now));
      assertThat(v.content()).isEqualTo(content);
      assertThat(v.signer()).isEqualTo(s.certificate().certificate());
      assertThat(new String(s.trustAnchorsPem(), StandardCharsets.US_ASCII)).startsWith("-----BEGIN CERTIFICATE-----");
      assertThat(s.toString()).contains(a.name()).contains("CN=export-signer-");
    }
  }
}
