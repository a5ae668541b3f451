package io.hellgate.export.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hellgate.export.ExportFormatException;
import io.hellgate.export.ExportReader;
import io.hellgate.export.ExportWriter;
import io.hellgate.export.ManifestSigner;
import io.hellgate.export.ManifestVerifier;
import io.hellgate.export.Recipient;
import io.hellgate.export.RecipientKey;
import io.hellgate.export.crypto.ManifestSignatures;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Format 1.1 CMS signatures end to end: written by the writer with {@link ManifestSignatures#signer()},
 * checked by the reader with {@link ManifestSignatures#verifier()} and by {@code openssl cms -verify}
 * with nothing but the signer's root certificate.
 */
class ManifestSignatureTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static TestPki senderPki;
  static TestPki otherPki;
  static TestPki recipientPki;
  static TestCertificate recipient;
  static TestCertificate ecSigner;
  static TestCertificate rsaSigner;

  @TempDir Path dir;

  @BeforeAll
  static void pki() throws Exception {
    senderPki = TestPki.builder().rootSubject("CN=Hellgate Export Signing Root,O=Hellgate Test PKI,C=DE").build();
    otherPki = TestPki.builder().rootSubject("CN=Someone Else Root,O=Other,C=DE").build();
    recipientPki = TestPki.builder().build();
    recipient = recipientPki.leaf(CertificatePolicyTest.ACME).ov().build();
    ecSigner = senderPki.leaf("CN=export-signer,O=Hellgate,C=DE").ecKey().signatureOnlyKeyUsage().build();
    rsaSigner = senderPki.leaf("CN=export-signer-rsa,O=Hellgate,C=DE").signatureOnlyKeyUsage().build();
  }

  @AfterAll
  static void close() {
    senderPki.close();
    otherPki.close();
    recipientPki.close();
  }

  static ManifestSigner signer(TestCertificate c) {
    return ManifestSignatures.signer().key(c.privateKey(), c.certificate()).chain(c.chain()).build();
  }


  static byte[] export(ManifestSigner signer) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ExportWriter w = ExportWriter.open(out, ExportWriter.options()
        .recipient(Recipient.unverified(recipient.certificate()))
        .guardianInstance("signing-test.on-hellgate.cloud")
        .signer(signer)
        .build())) {
      SyntheticRecords records = SyntheticRecords.seeded(13);
      for (int i = 0; i < 5; i++) {
        w.write(records.next());
      }
      w.finish();
    }
    return out.toByteArray();
  }

  static ManifestSignatures.VerifierBuilder verifier(TestPki pki) throws Exception {
    ManifestSignatures.VerifierBuilder b = ManifestSignatures.verifier().trustAnchors(List.of(pki.root()));
    for (byte[] crl : pki.crls()) {
      b.crl(crl);
    }
    return b;
  }

  static ExportReader open(byte[] archive, ManifestVerifier verifier) throws Exception {
    return ExportReader.open(new ByteArrayInputStream(archive), ExportReader.options()
        .key(RecipientKey.of(recipient.privateKey(), recipient.certificate()))
        .signatureVerifier(verifier).build());
  }

  static String code(Throwable e) {
    return ((ExportFormatException) e).reason().code();
  }

  @Test
  void ecdsaP256SignatureVerifiesAndNamesTheSigner() throws Exception {
    byte[] archive = export(signer(ecSigner));
    try (ExportReader r = open(archive, verifier(senderPki).build())) {
      assertThat(r.manifest().version()).isEqualTo("1.1");
      ManifestVerifier.Verified v = r.verifiedSignature().orElseThrow();
      assertThat(v.signer()).isEqualTo(ecSigner.certificate());
      assertThat(v.signerChain()).endsWith(senderPki.root());
      assertThat(v.signingTime()).isEqualTo(r.manifest().createdAt());
      r.verify();
    }
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(archive), ExportReader.options()
        .key(RecipientKey.of(recipient.privateKey(), recipient.certificate())).build())) {
      assertThat(ManifestSignatures.unverifiedSigner(r.manifest())).contains(ecSigner.certificate());
    }
  }

  @Test
  void rsaPssSignatureVerifies() throws Exception {
    byte[] archive = export(signer(rsaSigner));
    try (ExportReader r = open(archive, verifier(senderPki).build())) {
      assertThat(r.verifiedSignature().orElseThrow().signer()).isEqualTo(rsaSigner.certificate());
    }
    // RSASSA-PSS, not PKCS#1 v1.5: the SignerInfo names id-RSASSA-PSS (1.2.840.113549.1.1.10)
    byte[] der = signature(archive);
    assertThat(hex(der)).contains(hex(new byte[] {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x0a}));
  }

  @Test
  void signerFromPkcs12AndPemFilesVerifies() throws Exception {
    java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    java.util.List<java.security.cert.Certificate> chain = new java.util.ArrayList<>();
    chain.add(ecSigner.certificate());
    chain.addAll(ecSigner.chain());
    ks.setKeyEntry("signer", ecSigner.privateKey(), "p12-pass".toCharArray(), chain.toArray(new java.security.cert.Certificate[0]));
    Path p12 = dir.resolve("signer.p12");
    try (var out = Files.newOutputStream(p12)) {
      ks.store(out, "p12-pass".toCharArray());
    }
    ManifestSigner fromP12 = ManifestSignatures.signer().pkcs12(p12, null, "p12-pass".toCharArray()).chain(ecSigner.chain()).build();
    try (ExportReader r = open(export(fromP12), verifier(senderPki).build())) {
      assertThat(r.verifiedSignature().orElseThrow().signer()).isEqualTo(ecSigner.certificate());
    }
    Files.writeString(dir.resolve("key.pem"), ecSigner.privateKeyPem());
    Files.writeString(dir.resolve("cert.pem"), ecSigner.certificatePem() + ecSigner.chainPem());
    ManifestSigner fromPem = ManifestSignatures.signer().pem(dir.resolve("key.pem"), dir.resolve("cert.pem"), null).build();
    try (ExportReader r = open(export(fromPem), verifier(senderPki).build())) {
      assertThat(r.verifiedSignature().orElseThrow().signerChain()).hasSize(3); // leaf, issuing CA, root
    }
    assertThatThrownBy(() -> ManifestSignatures.signer().pkcs12(p12, null, "wrong".toCharArray()))
        .isInstanceOf(io.hellgate.export.crypto.KeySourceException.class);
  }

  @Test
  void signerFromAnotherPkiIsUntrusted() throws Exception {
    byte[] archive = export(signer(otherPki.leaf("CN=impostor,O=Other,C=DE").ecKey().signatureOnlyKeyUsage().build()));
    assertThatThrownBy(() -> open(archive, verifier(senderPki).build()))
        .satisfies(e -> assertThat(code(e)).isEqualTo("signature_invalid"))
        .hasMessageContaining("does not chain to a configured signer trust anchor");
  }

  @Test
  void revokedSignerIsRejected() throws Exception {
    TestCertificate revoked = senderPki.leaf("CN=revoked-signer,O=Hellgate,C=DE").ecKey().signatureOnlyKeyUsage().build();
    byte[] archive = export(signer(revoked));
    senderPki.revoke(revoked);
    assertThatThrownBy(() -> open(archive, verifier(senderPki).build()))
        .satisfies(e -> assertThat(code(e)).isEqualTo("signature_invalid"))
        .hasMessageContaining("revoked");
  }

  @Test
  void unknownRevocationFailsUnlessSoftFail() throws Exception {
    byte[] archive = export(signer(ecSigner));
    ManifestSignatures.VerifierBuilder noCrls = ManifestSignatures.verifier().trustAnchors(List.of(senderPki.root()));
    assertThatThrownBy(() -> open(archive, noCrls.build()))
        .satisfies(e -> assertThat(code(e)).isEqualTo("signature_invalid"))
        .hasMessageContaining("revocation status of the signer's chain could not be established");
    try (ExportReader r = open(archive, noCrls.softFailRevocation(true).build())) {
      assertThat(r.verifiedSignature()).isPresent();
    }
  }

  @Test
  void signerExpiredAtSigningTimeIsRejected() throws Exception {
    TestCertificate expired = senderPki.leaf("CN=expired-signer,O=Hellgate,C=DE").ecKey().signatureOnlyKeyUsage().expired().build();
    byte[] archive = export(signer(expired));
    assertThatThrownBy(() -> open(archive, verifier(senderPki).build()))
        .satisfies(e -> assertThat(code(e)).isEqualTo("signature_invalid"))
        .hasMessageContaining("valid at the signing time");
  }

  @Test
  void signerBuilderRefusesUnsuitableKeysAndCertificates() throws Exception {
    TestCertificate noSigning = senderPki.leaf("CN=encipher-only,O=Hellgate,C=DE").ecKey().keyUsage(KeyUsage.keyAgreement).build();
    assertThatThrownBy(() -> signer(noSigning)).hasMessageContaining("keyUsage digitalSignature");
    assertThatThrownBy(() -> ManifestSignatures.signer().key(rsaSigner.privateKey(), ecSigner.certificate()).build())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> ManifestSignatures.signer().build()).hasMessageContaining("signing key and its certificate are required");
    assertThatThrownBy(() -> ManifestSignatures.verifier().build()).hasMessageContaining("at least one signer trust anchor");
  }

  @Test
  void signatureOverAChangedMemberIsRejectedBeforeDecryption() throws Exception {
    byte[] archive = export(signer(ecSigner));
    byte[] changed = io.hellgate.export.testkit.golden.GoldenEdits.editManifest(archive, m -> m.put("guardian_instance", "evil.on-hellgate.cloud"));
    assertThatThrownBy(() -> open(changed, verifier(senderPki).build()))
        .satisfies(e -> assertThat(code(e)).isEqualTo("signature_invalid"))
        .hasMessage("the signature does not cover this manifest: member guardian_instance differs from the signed manifest");
    byte[] flipped = io.hellgate.export.testkit.golden.GoldenEdits.editManifest(archive, m -> {
      byte[] der = Base64.getDecoder().decode(m.get("signature").asText());
      der[der.length - 5] ^= 1; // inside the signature value
      m.put("signature", Base64.getEncoder().encodeToString(der));
    });
    assertThatThrownBy(() -> open(flipped, verifier(senderPki).build()))
        .satisfies(e -> assertThat(code(e)).isEqualTo("signature_invalid"));
  }

  /**
   * A CMS signer made with BouncyCastle alone, bypassing {@link ManifestSignatures#signer()}'s
   * checks, as a forger would: {@code algorithm} a JCA name, the signing time shifted by {@code shift}.
   */
  static ManifestSigner rawSigner(TestCertificate c, String algorithm, java.time.Duration shift) {
    return (content, signingTime) -> {
      try {
        org.bouncycastle.asn1.cms.AttributeTable attributes = new org.bouncycastle.asn1.cms.AttributeTable(
            new org.bouncycastle.asn1.cms.Attribute(org.bouncycastle.asn1.cms.CMSAttributes.signingTime,
                new org.bouncycastle.asn1.DERSet(new org.bouncycastle.asn1.cms.Time(java.util.Date.from(signingTime.plus(shift))))));
        org.bouncycastle.cms.SignerInfoGenerator info = new org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder(
            new org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder().build())
            .setSignedAttributeGenerator(new org.bouncycastle.cms.DefaultSignedAttributeTableGenerator(attributes))
            .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder(algorithm)
                .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider()).build(c.privateKey()), c.certificate());
        org.bouncycastle.cms.CMSSignedDataGenerator gen = new org.bouncycastle.cms.CMSSignedDataGenerator();
        gen.addSignerInfoGenerator(info);
        List<java.security.cert.X509Certificate> certs = new java.util.ArrayList<>();
        certs.add(c.certificate());
        certs.addAll(c.chain());
        gen.addCertificates(new org.bouncycastle.cert.jcajce.JcaCertStore(certs));
        return gen.generate(new org.bouncycastle.cms.CMSProcessableByteArray(content), true).getEncoded();
      } catch (Exception e) {
        throw new java.io.IOException(e);
      }
    };
  }

  @Test
  void rawSignerWithASuitableKeyVerifies() throws Exception {
    // the control for the two tests below: the raw signer itself makes acceptable signatures
    try (ExportReader r = open(export(rawSigner(rsaSigner, "SHA256withRSAandMGF1", java.time.Duration.ZERO)), verifier(senderPki).build())) {
      assertThat(r.verifiedSignature().orElseThrow().signer()).isEqualTo(rsaSigner.certificate());
    }
    try (ExportReader r = open(export(rawSigner(ecSigner, "SHA256withECDSA", java.time.Duration.ZERO)), verifier(senderPki).build())) {
      assertThat(r.verifiedSignature().orElseThrow().signer()).isEqualTo(ecSigner.certificate());
    }
  }

  @Test
  void rsaPssSignerWithFewerThan2048BitsIsRejected() throws Exception {
    TestCertificate weak = senderPki.leaf("CN=weak-signer,O=Hellgate,C=DE").rsaBits(1024).signatureOnlyKeyUsage().build();
    byte[] archive = export(rawSigner(weak, "SHA256withRSAandMGF1", java.time.Duration.ZERO));
    assertThatThrownBy(() -> open(archive, verifier(senderPki).build()))
        .satisfies(e -> assertThat(code(e)).isEqualTo("signature_invalid"))
        .hasMessageContaining("at least 2048 bits");
  }

  @Test
  void expiredSignerBackdatingItsSigningTimeIsRejected() throws Exception {
    // valid from 20 to 10 days ago; the manifest says now, the signing time says 15 days ago
    java.time.Instant now = senderPki.now();
    TestCertificate expired = senderPki.leaf("CN=expired-backdating-signer,O=Hellgate,C=DE").ecKey().signatureOnlyKeyUsage()
        .validity(now.minus(java.time.Duration.ofDays(20)), now.minus(java.time.Duration.ofDays(10))).build();
    byte[] archive = export(rawSigner(expired, "SHA256withECDSA", java.time.Duration.ofDays(-15)));
    assertThatThrownBy(() -> open(archive, verifier(senderPki).build()))
        .satisfies(e -> assertThat(code(e)).isEqualTo("signature_invalid"))
        .hasMessageContaining("is not the manifest's created_at");
  }

  @Test
  void signerWithATlsServerOnlyExtendedKeyUsageIsRejected() throws Exception {
    // digitalSignature alone is what every ECDSA TLS server certificate has: under a shared root,
    // any web server's key could otherwise sign exports (openssl cms -verify refuses it too)
    TestCertificate tls = senderPki.leaf("CN=www.hellgate.example,O=Hellgate,C=DE").ecKey().signatureOnlyKeyUsage()
        .serverAuth().build();
    byte[] archive = export(rawSigner(tls, "SHA256withECDSA", java.time.Duration.ZERO));
    assertThatThrownBy(() -> open(archive, verifier(senderPki).build()))
        .satisfies(e -> assertThat(code(e)).isEqualTo("signature_invalid"))
        .hasMessageContaining("extendedKeyUsage without emailProtection or anyExtendedKeyUsage");
    assertThatThrownBy(() -> signer(tls)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("extendedKeyUsage");
    // with emailProtection (or anyExtendedKeyUsage) among its purposes a signer is accepted
    for (TestCertificate ok : List.of(
        senderPki.leaf("CN=smime-signer,O=Hellgate,C=DE").ecKey().signatureOnlyKeyUsage().serverAuth().smimeOrganization().build(),
        senderPki.leaf("CN=any-signer,O=Hellgate,C=DE").ecKey().signatureOnlyKeyUsage().anyExtendedKeyUsage().build())) {
      try (ExportReader r = open(export(signer(ok)), verifier(senderPki).build())) {
        assertThat(r.verifiedSignature().orElseThrow().signer()).isEqualTo(ok.certificate());
      }
    }
  }

  @Test
  void opensslVerifiesWithOnlyTheRootCertificate() throws Exception {
    OpenSslCrossCheckTest.probe();
    OpenSslCrossCheckTest.requireOpenSsl();
    for (TestCertificate signer : List.of(ecSigner, rsaSigner)) {
      byte[] archive = export(signer(signer));
      Files.write(dir.resolve("sig.der"), signature(archive));
      Files.writeString(dir.resolve("root.pem"), senderPki.rootPem());
      OpenSslCrossCheckTest.openssl(dir, "cms", "-verify", "-binary", "-inform", "DER", "-in", "sig.der",
          "-CAfile", "root.pem", "-out", "content.json");
      JsonNode signed = JSON.readTree(Files.readAllBytes(dir.resolve("content.json")));
      ObjectNode manifest = io.hellgate.export.testkit.golden.GoldenEdits.manifest(archive);
      manifest.remove("signature");
      assertThat(signed).isEqualTo(manifest);
      // and openssl refuses it with another root
      Files.writeString(dir.resolve("other.pem"), otherPki.rootPem());
      assertThatThrownBy(() -> OpenSslCrossCheckTest.openssl(dir, "cms", "-verify", "-binary", "-inform", "DER",
          "-in", "sig.der", "-CAfile", "other.pem", "-out", "content2.json"))
          .isInstanceOf(AssertionError.class);
    }
  }

  static byte[] signature(byte[] archive) throws Exception {
    return Base64.getDecoder().decode(io.hellgate.export.testkit.golden.GoldenEdits.manifest(archive).get("signature").asText());
  }

  static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (byte x : b) {
      sb.append(String.format("%02x", x));
    }
    return sb.toString();
  }

}
