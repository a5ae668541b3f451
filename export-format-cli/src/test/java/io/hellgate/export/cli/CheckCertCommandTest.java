package io.hellgate.export.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hellgate.export.testkit.Pem;
import io.hellgate.export.testkit.TestCertificate;
import io.hellgate.export.testkit.TestPki;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CheckCertCommandTest {
  static final String ACME = "CN=export.acme.example,O=Acme Payments GmbH,C=DE";
  static TestPki pki;

  @TempDir Path dir;

  @BeforeAll
  static void setUp() {
    pki = TestPki.builder().build();
  }

  @AfterAll
  static void tearDown() {
    pki.close();
  }

  /** The exit code and everything printed to stdout and stderr. */
  record Run(int exit, String out, String err) {
    String all() {
      return out + err;
    }
  }

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = new CommandLine(new CheckCertCommand());
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int exit = cmd.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  Path write(String name, String pem) throws Exception {
    return Pem.write(dir.resolve(name), pem);
  }

  /** Arguments for a leaf of {@code p} with trust, chain, CRLs and a fixed time. */
  List<String> args(TestPki p, TestCertificate leaf) throws Exception {
    List<String> a = new ArrayList<>(List.of(
        write("cert.pem", leaf.certificatePem()).toString(),
        "--trust", write("roots.pem", p.rootPem()).toString(),
        "--at", p.now().toString()));
    if (!leaf.chain().isEmpty()) {
      a.addAll(List.of("--chain", write("chain.pem", leaf.chainPem()).toString()));
    }
    a.addAll(List.of("--crl", write("crls.pem", p.crlsPem()).toString()));
    return a;
  }

  @Test
  void acceptsOrganizationValidatedCertificateWithExitZero() throws Exception {
    Run r = run(args(pki, pki.leaf(ACME).build()).toArray(String[]::new));
    assertThat(r.exit()).as(r.all()).isZero();
    assertThat(r.out().lines().filter(l -> l.startsWith("PASS"))).hasSize(10);
    assertThat(r.out()).containsPattern("PASS +validation_level +Validation level OV");
    assertThat(r.out().lines().reduce((a, b) -> b).orElseThrow()).startsWith("ACCEPTED: ");
  }

  @Test
  void rejectsDomainValidatedCertificateWithExitOne() throws Exception {
    Run r = run(args(pki, pki.leaf(ACME).dv().build()).toArray(String[]::new));
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).containsPattern("FAIL +validation_level .*DV certificates do not provide organizational"
        + " identity validation and are therefore not sufficient. Please use an OV or EV certificate.");
    assertThat(r.out()).contains("REJECTED: validation_level");
  }

  @Test
  void rejectsCertificateWithoutRevocationEvidence() throws Exception {
    TestCertificate leaf = pki.leaf(ACME).build();
    Run r = run(write("cert.pem", leaf.certificatePem()).toString(),
        "--trust", write("roots.pem", pki.rootPem()).toString(),
        "--chain", write("chain.pem", leaf.chainPem()).toString(), "--at", pki.now().toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).containsPattern("FAIL +revocation");
  }

  @Test
  void checksRevocationOnlineOverLoopbackWithOcspOption() throws Exception {
    try (TestPki online = TestPki.builder().revocationServer(true).build()) {
      TestCertificate leaf = online.leaf(ACME).build();
      List<String> a = new ArrayList<>(List.of(write("cert.pem", leaf.certificatePem()).toString(),
          "--trust", write("roots.pem", online.rootPem()).toString(),
          "--chain", write("chain.pem", leaf.chainPem()).toString(), "--at", online.now().toString(), "--ocsp"));
      assertThat(run(a.toArray(String[]::new)).exit()).isZero();
      assertThat(online.ocspRequestCount()).isPositive();
      online.revoke(leaf);
      Run revoked = run(a.toArray(String[]::new));
      assertThat(revoked.exit()).isEqualTo(1);
      assertThat(revoked.out()).containsPattern("FAIL +revocation .*revoked on");
    }
  }

  @Test
  void unreachableResponderRejectsUnlessSoftFail() throws Exception {
    try (TestPki online = TestPki.builder().revocationServer(true).build()) {
      TestCertificate leaf = online.leaf(ACME).ocspUrls(TestPki.unreachableUrl()).crlUrls().build();
      List<String> a = new ArrayList<>(List.of(write("cert.pem", leaf.certificatePem()).toString(),
          "--trust", write("roots.pem", online.rootPem()).toString(),
          "--chain", write("chain.pem", leaf.chainPem()).toString(), "--at", online.now().toString(), "--ocsp"));
      assertThat(run(a.toArray(String[]::new)).exit()).isEqualTo(1);
      a.add("--soft-fail-revocation");
      Run soft = run(a.toArray(String[]::new));
      assertThat(soft.exit()).isZero();
      assertThat(soft.out()).containsPattern("WARN +revocation").contains("ACCEPTED with 1 warning(s)");
    }
  }

  @Test
  void dedicatedOptionRejectsTlsServerCertificate() throws Exception {
    List<String> a = args(pki, pki.leaf(ACME).serverAuth().build());
    Run warned = run(a.toArray(String[]::new));
    assertThat(warned.exit()).isZero();
    assertThat(warned.out()).containsPattern("WARN +dedicated +This is a TLS server certificate");
    a.add("--dedicated");
    Run rejected = run(a.toArray(String[]::new));
    assertThat(rejected.exit()).isEqualTo(1);
    assertThat(rejected.out()).containsPattern("FAIL +dedicated");
  }

  @Test
  void privatePkiOptionAcceptsPinnedSelfSignedCertificate() throws Exception {
    TestCertificate self = pki.leaf(ACME).selfSigned().policies("1.3.6.1.4.1.99999.1.1").build();
    Path cert = write("self.pem", self.certificatePem());
    Run plain = run(cert.toString(), "--trust", cert.toString());
    assertThat(plain.exit()).isEqualTo(1);
    Run agreed = run(cert.toString(), "--trust", cert.toString(), "--private-pki",
        "--policy-oid", "1.3.6.1.4.1.99999.1.1");
    assertThat(agreed.exit()).as(agreed.all()).isZero();
    assertThat(run(cert.toString(), "--trust", cert.toString(), "--private-pki").exit()).isEqualTo(2);
  }

  @Test
  void judgesAtTheGivenTime() throws Exception {
    List<String> a = args(pki, pki.leaf(ACME).build());
    a.set(a.indexOf("--at") + 1, pki.now().plusSeconds(400L * 86400).toString());
    Run r = run(a.toArray(String[]::new));
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).containsPattern("FAIL +validity +.*expired on");
  }

  @Test
  void usageErrorsExitTwo() throws Exception {
    Path cert = write("cert.pem", pki.leaf(ACME).build().certificatePem());
    assertThat(run(cert.toString()).exit()).isEqualTo(2); // --trust missing
    Run badTime = run(cert.toString(), "--trust", cert.toString(), "--at", "yesterday");
    assertThat(badTime.exit()).isEqualTo(2);
    assertThat(badTime.err()).contains("RFC 3339");
  }

  @Test
  void unreadableFilesExitTwo() throws Exception {
    Path cert = write("cert.pem", pki.leaf(ACME).build().certificatePem());
    Run missing = run(dir.resolve("nope.pem").toString(), "--trust", write("roots.pem", pki.rootPem()).toString());
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err()).contains("not a readable file");
    Run badTrust = run(cert.toString(), "--trust", write("junk.pem", "junk").toString());
    assertThat(badTrust.exit()).isEqualTo(2);
    assertThat(badTrust.err()).contains("trust anchors");
    Run badCrl = run(cert.toString(), "--trust", write("roots.pem", pki.rootPem()).toString(),
        "--crl", cert.toString());
    assertThat(badCrl.exit()).isEqualTo(2);
  }

  @Test
  void privateKeyIsRefusedAndNeverPrinted() throws Exception {
    TestCertificate leaf = pki.leaf(ACME).build();
    String keyPem = leaf.privateKeyPem();
    Path key = write("key.pem", keyPem);
    Path roots = write("roots.pem", pki.rootPem());
    List<Run> runs = List.of(
        run(key.toString(), "--trust", roots.toString()),
        run(write("both.pem", leaf.certificatePem() + keyPem).toString(), "--trust", roots.toString()),
        run(write("cert.pem", leaf.certificatePem()).toString(), "--trust", key.toString()),
        run(write("cert.pem", leaf.certificatePem()).toString(), "--trust", roots.toString(), "--chain", key.toString()));
    assertThat(runs.get(0).exit()).isEqualTo(1);
    assertThat(runs.get(1).exit()).isEqualTo(1);
    assertThat(runs.get(2).exit()).isEqualTo(2);
    assertThat(runs.get(3).exit()).isEqualTo(2);
    List<String> bodyLines = keyPem.lines().filter(l -> !l.startsWith("-----")).toList();
    for (Run r : runs) {
      assertThat(r.all().toLowerCase()).contains("never send private keys");
      for (String line : bodyLines) {
        assertThat(r.all()).doesNotContain(line.length() > 24 ? line.substring(0, 24) : line);
        assertThat(r.all()).doesNotContain(line.length() > 24 ? line.substring(line.length() - 24) : line);
      }
    }
  }
}
