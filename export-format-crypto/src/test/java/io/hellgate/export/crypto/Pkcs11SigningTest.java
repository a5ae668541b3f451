package io.hellgate.export.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.hellgate.export.ManifestSigner;
import io.hellgate.export.ManifestVerifier;
import io.hellgate.export.crypto.internal.StoreKeys;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Provider;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A manifest signing key (ECDSA P-256) in a real SoftHSM2 token, through SunPKCS11. Skips when SoftHSM2 is absent. */
class Pkcs11SigningTest {
  private static final String ALIAS = "export-signer";
  private static SoftHsm hsm;
  private static X509Certificate certificate;

  @BeforeAll
  static void keyInToken() throws Exception {
    hsm = SoftHsm.get();
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair kp = g.generateKeyPair();
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name("CN=hsm-signer,O=Hellgate,C=DE"),
        BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minusSeconds(3600)), Date.from(now.plusSeconds(86400)),
        new X500Name("CN=hsm-signer,O=Hellgate,C=DE"), kp.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
    certificate = new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
    Provider provider = StoreKeys.pkcs11Provider(hsm.signerConfig);
    KeyStore store = StoreKeys.pkcs11Store(provider, hsm.signerConfig, SoftHsm.PIN.toCharArray());
    store.setKeyEntry(ALIAS, kp.getPrivate(), null, new Certificate[] {certificate});
  }

  @Test
  void signsInTheTokenAndTheSignatureVerifies() throws Exception {
    StoreKeys.Entry entry = StoreKeys.pkcs11Signing(hsm.signerConfig, ALIAS, SoftHsm.PIN.toCharArray());
    assertThat(entry.provider().getName()).startsWith("SunPKCS11");
    assertThat(entry.key().getClass().getName()).as("a token key object, not a software key").contains("P11");

    ManifestSigner signer = ManifestSignatures.signer().pkcs11(hsm.signerConfig, ALIAS, SoftHsm.PIN.toCharArray()).build();
    byte[] content = "{\"version\": \"1.1\"}".getBytes(StandardCharsets.UTF_8);
    Instant at = Instant.now().minusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    byte[] cms = signer.sign(content, at);

    // the signer is pinned as its own (self-signed) trust anchor
    ManifestVerifier.Verified v = ManifestSignatures.verifier().trustAnchors(List.of(certificate)).build().verify(cms);
    assertThat(v.content()).isEqualTo(content);
    assertThat(v.signer()).isEqualTo(certificate);
    assertThat(v.signingTime()).isEqualTo(at);
  }
}
