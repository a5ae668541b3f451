package io.hellgate.export.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hellgate.export.crypto.internal.CertificateParser;
import io.hellgate.export.crypto.internal.PemBlocks;
import java.lang.module.ModuleDescriptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Input classification without the testkit: uses the OpenSSL-made fixtures of export-format-core
 * (self-signed, no certificate policy) and JDK-generated keys.
 */
class CertificateParsingTest {
  static final Path FIXTURES = Path.of("../export-format-core/src/test/resources/fixtures");

  static String pem(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder().encodeToString(der)
        + "\n-----END " + label + "-----\n";
  }

  @Test
  void readsPemCertificatesInOrder() throws Exception {
    byte[] both = (Files.readString(FIXTURES.resolve("recipient-cert.pem"))
        + Files.readString(FIXTURES.resolve("other-cert.pem"))).getBytes(StandardCharsets.US_ASCII);
    CertificateParser.Result r = CertificateParser.parse(both);
    assertThat(r.kind()).isEqualTo(CertificateParser.Kind.CERTIFICATES);
    assertThat(r.certificates()).extracting(c -> c.getSubjectX500Principal().getName())
        .containsExactly("CN=recipient.export.example,O=Acme Payments GmbH,C=DE",
            "CN=other.export.example,O=Acme Payments GmbH,C=DE");
  }

  @Test
  void recognisesOpenSslPrivateKeyFixtureAsPrivateKey() throws Exception {
    byte[] key = Files.readAllBytes(FIXTURES.resolve("recipient-key.pem"));
    assertThat(CertificateParser.parse(key).kind()).isEqualTo(CertificateParser.Kind.PRIVATE_KEY);
    assertThat(CertificateParser.parse(key).problem()).doesNotContain(new String(key, StandardCharsets.US_ASCII).substring(40, 80));
  }

  private static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static byte[] der(String fixture) throws Exception {
    return CertificateParser.bundle(Files.readAllBytes(FIXTURES.resolve(fixture)), "fixture").get(0).getEncoded();
  }

  /** Regression: CertificateFactory read the first DER object and ignored the rest. */
  @Test
  void judgesEveryObjectOfConcatenatedDer() throws Exception {
    byte[] cert = der("recipient-cert.pem");
    byte[] other = der("other-cert.pem");
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    byte[] key = g.generateKeyPair().getPrivate().getEncoded();
    assertThat(CertificateParser.parse(concat(cert, key)).kind()).isEqualTo(CertificateParser.Kind.PRIVATE_KEY);
    assertThat(CertificateParser.parse(concat(key, cert)).kind()).isEqualTo(CertificateParser.Kind.PRIVATE_KEY);
    CertificateParser.Result two = CertificateParser.parse(concat(cert, other));
    assertThat(two.kind()).isEqualTo(CertificateParser.Kind.CERTIFICATES);
    assertThat(two.certificates()).extracting(X509Certificate::getEncoded).containsExactly(cert, other);
    assertThat(CertificateParser.parse(concat(cert, key, new byte[] {0x0a})).kind())
        .as("a key before junk is still a key").isEqualTo(CertificateParser.Kind.PRIVATE_KEY);
    CertificateParser.Result trailing = CertificateParser.parse(concat(cert, new byte[] {0x0a}));
    assertThat(trailing.kind()).isEqualTo(CertificateParser.Kind.UNREADABLE);
    CertificateParser.Result junk = CertificateParser.parse(concat(cert, new byte[] {0x04, 0x01, 0x00}));
    assertThat(junk.kind()).isEqualTo(CertificateParser.Kind.UNREADABLE);
    assertThat(junk.problem()).contains("DER object 2 of 2");
  }

  @Test
  void recognisesDerPrivateAndPublicKeys() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    var kp = g.generateKeyPair();
    assertThat(CertificateParser.parse(kp.getPrivate().getEncoded()).kind()).isEqualTo(CertificateParser.Kind.PRIVATE_KEY);
    assertThat(CertificateParser.parse(kp.getPublic().getEncoded()).kind()).isEqualTo(CertificateParser.Kind.PUBLIC_KEY);
    assertThat(CertificateParser.parse(pem("PUBLIC KEY", kp.getPublic().getEncoded()).getBytes(StandardCharsets.US_ASCII)).kind())
        .isEqualTo(CertificateParser.Kind.PUBLIC_KEY);
  }

  @Test
  void reportsMalformedPemWithoutContent() {
    byte[] noEnd = "-----BEGIN CERTIFICATE-----\nTUlJQ\n".getBytes(StandardCharsets.US_ASCII);
    assertThat(CertificateParser.parse(noEnd).kind()).isEqualTo(CertificateParser.Kind.UNREADABLE);
    assertThat(CertificateParser.parse(noEnd).problem()).contains("no END line").doesNotContain("TUlJQ");
    byte[] badBase64 = "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n".getBytes(StandardCharsets.US_ASCII);
    assertThat(CertificateParser.parse(badBase64).kind()).isEqualTo(CertificateParser.Kind.UNREADABLE);
    assertThat(CertificateParser.parse(badBase64).problem()).startsWith("PEM block 1");
    assertThat(PemBlocks.parse("no pem here".getBytes(StandardCharsets.US_ASCII))).isEmpty();
    assertThat(CertificateParser.parse(new byte[0]).problem()).contains("empty");
  }

  @Test
  void rejectsSelfSignedFixtureWithoutPolicyOrTrust() throws Exception {
    byte[] cert = Files.readAllBytes(FIXTURES.resolve("recipient-cert.pem"));
    X509Certificate other = CertificateParser.bundle(Files.readAllBytes(FIXTURES.resolve("other-cert.pem")), "anchors").get(0);
    PolicyDecision d = CertificatePolicy.builder().trustAnchors(List.of(other)).onlineRevocation(false).build().evaluate(cert);
    assertThat(d.accepted()).isFalse();
    assertThat(d.failures()).extracting(PolicyDecision.Check::code)
        .contains("validation_level", "chain.trusted");
    assertThat(d.check("subject.organization").orElseThrow().status()).isEqualTo(PolicyDecision.Status.PASS);
    assertThat(d.check("revocation").orElseThrow().status()).isEqualTo(PolicyDecision.Status.SKIPPED);
  }

  @Test
  void certificateInputRejectsCrlThatIsNotACrl() throws Exception {
    byte[] cert = Files.readAllBytes(FIXTURES.resolve("recipient-cert.pem"));
    assertThatThrownBy(() -> CertificateInput.builder(cert).crl(cert))
        .isInstanceOf(CertificateInputException.class).hasMessageContaining("CRL");
    assertThatThrownBy(() -> CertificateInput.builder(cert).crl(new byte[] {1, 2, 3}))
        .isInstanceOf(CertificateInputException.class).hasMessageContaining("not a valid X.509 CRL");
  }

  @Test
  void moduleExportsOnlyThePublicPackage() throws Exception {
    Path descriptor = Path.of("target/classes/module-info.class");
    ModuleDescriptor md = ModuleDescriptor.read(Files.newInputStream(descriptor));
    assertThat(md.name()).isEqualTo("io.hellgate.export.crypto");
    assertThat(md.exports()).extracting(ModuleDescriptor.Exports::source).containsExactly("io.hellgate.export.crypto");
    Set<String> requires = md.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet());
    assertThat(requires).contains("io.hellgate.export.core", "org.bouncycastle.pkix", "org.bouncycastle.provider");
    assertThat(md.requires()).filteredOn(r -> r.name().equals("io.hellgate.export.core"))
        .allSatisfy(r -> assertThat(r.modifiers()).contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE));
  }
}
