package io.hellgate.export.testkit;

import static io.hellgate.export.testkit.CertificatePolicyTest.ACME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hellgate.export.crypto.CertificateInput;
import io.hellgate.export.crypto.CertificatePolicy;
import io.hellgate.export.crypto.PolicyDecision;
import io.hellgate.export.crypto.PolicyDecision.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificates, CRLs and private keys made by the OpenSSL command line (an implementation
 * independent of this project and of BouncyCastle) are judged exactly like their testkit twins.
 */
class OpenSslCrossCheckTest {
  static boolean available;

  @BeforeAll
  static void probe() {
    try {
      Process p = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
      available = p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      available = false;
    }
  }

  static void requireOpenSsl() {
    assumeTrue(available, "openssl is not on PATH: skipping the cross-check against OpenSSL-made certificates");
  }

  static void openssl(Path dir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add("openssl");
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError("openssl " + String.join(" ", args) + " failed: "
          + new String(out, StandardCharsets.UTF_8));
    }
  }

  /** One certificate variant: how OpenSSL makes it, and how the testkit makes its twin. */
  record Variant(String name, String subject, String keySpec, String digest, String extensions,
      boolean revoke, Function<TestPki, TestCertificate> twin) {}

  static final String OV_EXT =
      "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
          + "certificatePolicies=2.23.140.1.2.2\n";
  static final String SUBJECT = "/C=DE/O=Acme Payments GmbH/CN=export.acme.example";

  static List<Variant> variants() {
    return List.of(
        new Variant("ov", SUBJECT, "rsa:2048", "-sha256", OV_EXT, false, p -> p.leaf(ACME).build()),
        new Variant("ev", SUBJECT, "rsa:2048", "-sha256", OV_EXT.replace("2.23.140.1.2.2", "2.23.140.1.1"),
            false, p -> p.leaf(ACME).ev().build()),
        new Variant("dv", SUBJECT, "rsa:2048", "-sha256", OV_EXT.replace("2.23.140.1.2.2", "2.23.140.1.2.1"),
            false, p -> p.leaf(ACME).dv().build()),
        new Variant("no-org", "/C=DE/CN=export.acme.example", "rsa:2048", "-sha256", OV_EXT, false,
            p -> p.leaf("CN=export.acme.example,C=DE").build()),
        new Variant("server-auth", SUBJECT, "rsa:2048", "-sha256", OV_EXT + "extendedKeyUsage=serverAuth\n",
            false, p -> p.leaf(ACME).serverAuth().build()),
        new Variant("signature-only", SUBJECT, "rsa:2048", "-sha256",
            OV_EXT.replace("digitalSignature,keyEncipherment", "digitalSignature"), false,
            p -> p.leaf(ACME).signatureOnlyKeyUsage().build()),
        new Variant("sha1", SUBJECT, "rsa:2048", "-sha1", OV_EXT, false, p -> p.leaf(ACME).sha1Signed().build()),
        new Variant("rsa-1024", SUBJECT, "rsa:1024", "-sha256", OV_EXT, false,
            p -> p.leaf(ACME).rsaBits(1024).build()),
        new Variant("ec", SUBJECT, "ec", "-sha256", OV_EXT, false, p -> p.leaf(ACME).ecKey().build()),
        new Variant("revoked", SUBJECT, "rsa:2048", "-sha256", OV_EXT, true, p -> {
          TestCertificate c = p.leaf(ACME).build();
          p.revoke(c);
          return c;
        }));
  }

  static Map<String, Status> statuses(PolicyDecision d) {
    Map<String, Status> m = new LinkedHashMap<>();
    d.checks().forEach(c -> m.put(c.code(), c.status()));
    return m;
  }

  @Test
  void judgesOpenSslCertificatesLikeTestkitCertificates(@TempDir Path dir) throws Exception {
    requireOpenSsl();
    openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "root.key", "-out", "root.pem",
        "-subj", "/C=DE/O=OpenSSL Test Root/CN=OpenSSL Root", "-days", "3650", "-sha256",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    Files.writeString(dir.resolve("index.txt"), "");
    Files.writeString(dir.resolve("crlnumber"), "01\n");
    Files.writeString(dir.resolve("ca.cnf"),
        "[ca]\ndefault_ca=d\n[d]\ndatabase=index.txt\ncrlnumber=crlnumber\ndefault_md=sha256\ndefault_crl_days=1\n");
    List<Variant> variants = variants();
    for (int i = 0; i < variants.size(); i++) {
      Variant v = variants.get(i);
      List<String> keyArgs = v.keySpec().equals("ec")
          ? List.of("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1")
          : List.of("-newkey", v.keySpec());
      List<String> req = new ArrayList<>(List.of("req", "-new"));
      req.addAll(keyArgs);
      req.addAll(List.of("-nodes", "-keyout", v.name() + ".key", "-out", v.name() + ".csr", "-subj", v.subject()));
      openssl(dir, req.toArray(String[]::new));
      Files.writeString(dir.resolve(v.name() + ".ext"), v.extensions());
      openssl(dir, "x509", "-req", "-in", v.name() + ".csr", "-CA", "root.pem", "-CAkey", "root.key",
          "-set_serial", String.valueOf(1000 + i), "-out", v.name() + ".pem", "-days", "365", v.digest(),
          "-extfile", v.name() + ".ext");
      if (v.revoke()) {
        openssl(dir, "ca", "-config", "ca.cnf", "-keyfile", "root.key", "-cert", "root.pem", "-revoke", v.name() + ".pem");
      }
    }
    openssl(dir, "ca", "-gencrl", "-config", "ca.cnf", "-keyfile", "root.key", "-cert", "root.pem", "-out", "crl.pem");

    Instant now = Instant.now();
    CertificatePolicy opensslPolicy = CertificatePolicy.builder()
        .trustAnchorsPem(Files.readAllBytes(dir.resolve("root.pem")))
        .onlineRevocation(false).clock(Clock.fixed(now, ZoneOffset.UTC)).build();
    try (TestPki pki = TestPki.builder().intermediate(false).now(now).build()) {
      CertificatePolicy testkitPolicy = CertificatePolicy.builder().trustAnchors(List.of(pki.root()))
          .onlineRevocation(false).clock(Clock.fixed(now, ZoneOffset.UTC)).build();
      int accepted = 0;
      for (Variant v : variants) {
        PolicyDecision fromOpenSsl = opensslPolicy.evaluate(
            CertificateInput.builder(Files.readAllBytes(dir.resolve(v.name() + ".pem")))
                .crl(Files.readAllBytes(dir.resolve("crl.pem"))).build());
        TestCertificate twin = v.twin().apply(pki);
        PolicyDecision fromTestkit = testkitPolicy.evaluate(
            CertificateInput.builder(twin.certificatePem().getBytes(StandardCharsets.US_ASCII))
                .crl(pki.crls().get(0)).build());
        assertThat(statuses(fromOpenSsl)).as(v.name() + ": " + fromOpenSsl.checks())
            .isEqualTo(statuses(fromTestkit));
        accepted += fromOpenSsl.accepted() ? 1 : 0;
      }
      // ov, ev and server-auth (a warning) are accepted; every other variant is rejected
      assertThat(accepted).isEqualTo(3);
    }
  }

  @Test
  void testkitPemFilesAreReadableByOpenSsl(@TempDir Path dir) throws Exception {
    requireOpenSsl();
    try (TestPki pki = TestPki.builder().build()) {
      TestCertificate leaf = pki.leaf(ACME).build();
      Pem.write(dir.resolve("root.pem"), pki.rootPem());
      Pem.write(dir.resolve("chain.pem"), leaf.chainPem());
      Pem.write(dir.resolve("leaf.pem"), leaf.certificatePem());
      Pem.write(dir.resolve("leaf.key"), leaf.privateKeyPem());
      Pem.write(dir.resolve("crls.pem"), pki.crlsPem());
      openssl(dir, "verify", "-CAfile", "root.pem", "-untrusted", "chain.pem", "leaf.pem");
      openssl(dir, "pkey", "-in", "leaf.key", "-noout");
      openssl(dir, "crl", "-in", "crls.pem", "-noout");
      openssl(dir, "x509", "-in", "leaf.pem", "-noout", "-checkend", "0");
    }
  }

  @Test
  void refusesOpenSslPrivateKeysInEveryFormatWithoutLeakingThem(@TempDir Path dir) throws Exception {
    requireOpenSsl();
    openssl(dir, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "pkcs8.pem");
    openssl(dir, "pkey", "-in", "pkcs8.pem", "-outform", "DER", "-out", "pkcs8.der");
    openssl(dir, "rsa", "-in", "pkcs8.pem", "-traditional", "-out", "pkcs1.pem");
    openssl(dir, "pkcs8", "-topk8", "-in", "pkcs8.pem", "-v2", "aes256", "-passout", "pass:secret", "-out", "enc.pem");
    openssl(dir, "ecparam", "-genkey", "-name", "prime256v1", "-noout", "-out", "ec.pem");
    openssl(dir, "pkey", "-in", "ec.pem", "-outform", "DER", "-out", "ec-pkcs8.der");
    byte[] rsaDer = Files.readAllBytes(dir.resolve("pkcs8.der"));
    byte[] ecDer = Files.readAllBytes(dir.resolve("ec-pkcs8.der"));
    try (TestPki pki = TestPki.builder().intermediate(false).build()) {
      CertificatePolicy policy = CertificatePolicy.builder().trustAnchors(List.of(pki.root())).build();
      for (String file : List.of("pkcs8.pem", "pkcs8.der", "pkcs1.pem", "enc.pem", "ec.pem")) {
        byte[] input = Files.readAllBytes(dir.resolve(file));
        PolicyDecision d = policy.evaluate(input);
        assertThat(d.accepted()).as(file).isFalse();
        assertThat(d.check("certificate.parse").orElseThrow().message()).as(file)
            .contains("Never send private keys, passphrases, or HSM access details.");
        String all = d + "\n" + d.checks();
        byte[] keyDer = file.startsWith("ec") ? ecDer : rsaDer;
        SecretInput.assertNoFragment(all, keyDer);
        SecretInput.assertNoFragment(all, input);
      }
    }
  }

}
