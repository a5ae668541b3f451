package io.hellgate.export.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hellgate.export.RecipientKey;
import io.hellgate.export.crypto.RecipientKeys;
import io.hellgate.export.internal.Fingerprints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeygenCommandTest {
  private static final String SUBJECT = "CN=exports.acme.example, O=Acme Payments GmbH, C=DE";
  private static final String PASSWORD = "keygen-pass-Zq9!";

  @TempDir Path dir;

  private Path passFile() throws Exception {
    Path p = dir.resolve("key.pass");
    Files.writeString(p, PASSWORD + "\n");
    return p;
  }

  @Test
  void writesAnEncryptedKeyAndACheckedRequestThatOpensExportsOnceIssued() throws Exception {
    Path key = dir.resolve("export-key.pem");
    Path csr = dir.resolve("export.csr");
    CliFixtures.Run r =
        CliFixtures.run(new KeygenCommand(), "--subject", SUBJECT, "--out-key", key.toString(), "--out-csr", csr.toString(), "--bits", "2048", "--pass-file", passFile().toString());
    assertThat(r.code()).as(r.all()).isZero();
    assertThat(r.out()).contains("wrote " + key).contains("wrote " + csr).contains("check-cert");
    assertThat(r.all()).doesNotContain(PASSWORD);
    assertThat(Files.readString(key)).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----").doesNotContain(PASSWORD);

    String csrPem = Files.readString(csr);
    PKCS10CertificationRequest req = CliFixtures.parseCsr(csrPem);
    assertThat(req.isSignatureValid(new JcaContentVerifierProviderBuilder().build(req.getSubjectPublicKeyInfo()))).isTrue();
    assertThat(IETFUtils.valueToString(req.getSubject().getRDNs(BCStyle.O)[0].getFirst().getValue())).isEqualTo("Acme Payments GmbH");
    assertThat(IETFUtils.valueToString(req.getSubject().getRDNs(BCStyle.C)[0].getFirst().getValue())).isEqualTo("DE");
    Attribute[] ext = req.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest);
    assertThat(ext).hasSize(1);
    ASN1Encodable value = ext[0].getAttrValues().getObjectAt(0);
    Extension ku = Extensions.getInstance(value).getExtension(Extension.keyUsage);
    assertThat(ku.isCritical()).isTrue();
    assertThat(KeyUsage.getInstance(ku.getParsedValue()).hasUsages(KeyUsage.keyEncipherment)).isTrue();
    assertThat(KeyUsage.getInstance(ku.getParsedValue()).hasUsages(KeyUsage.digitalSignature)).isFalse();
    assertThat(((java.security.interfaces.RSAPublicKey) new JcaPKCS10CertificationRequest(req).getPublicKey()).getModulus().bitLength()).isEqualTo(2048);

    // The CA issues the certificate; the key and certificate now open exports.
    X509Certificate cert = CliFixtures.issue(csrPem);
    RecipientKey loaded = RecipientKeys.fromPem(key, cert, PASSWORD.toCharArray());
    assertThat(loaded.fingerprint()).contains(Fingerprints.sha256(cert));
    Path certFile = dir.resolve("cert.pem");
    Files.writeString(certFile, CliFixtures.pem(cert));
    CliFixtures.Run read =
        CliFixtures.run(new CliFixtures.Host(), "--key", key.toString(), "--cert", certFile.toString(), "--pass-file", passFile().toString(), CliFixtures.archive(dir, cert, 3).toString());
    assertThat(read.code()).as(read.all()).isZero();
    assertThat(read.out()).contains("read 3 records");
  }

  @Test
  void policyViolationsAreReportedBeforeAnythingIsWritten() throws Exception {
    Path key = dir.resolve("k.pem");
    Path csr = dir.resolve("r.csr");
    CliFixtures.Run r =
        CliFixtures.run(new KeygenCommand(), "--subject", "CN=exports.acme.example", "--out-key", key.toString(), "--out-csr", csr.toString(), "--bits", "1024", "--pass-file", passFile().toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("would be rejected").contains("O (Organization)").contains("C (Country)").contains("1024 bits is too small");
    assertThat(key).doesNotExist();
    assertThat(csr).doesNotExist();

    CliFixtures.Run emptyO = CliFixtures.run(new KeygenCommand(), "--subject", "CN=x, O= , C=DE", "--out-key", key.toString(), "--out-csr", csr.toString(), "--pass-file", passFile().toString());
    assertThat(emptyO.code()).as(emptyO.all()).isEqualTo(1);
    assertThat(emptyO.err()).contains("O (Organization)");
  }

  @Test
  void usageErrorsExitWithTwo() throws Exception {
    Path key = dir.resolve("k.pem");
    Path csr = dir.resolve("r.csr");
    assertThat(CliFixtures.run(new KeygenCommand(), "--subject", "not a DN", "--out-key", key.toString(), "--out-csr", csr.toString()).code()).isEqualTo(2);
    CliFixtures.Run neither = CliFixtures.run(new KeygenCommand(), "--subject", SUBJECT, "--out-csr", csr.toString());
    assertThat(neither.code()).isEqualTo(2);
    assertThat(neither.err()).contains("either --out-key");
    assertThat(CliFixtures.run(new KeygenCommand(), "--subject", SUBJECT, "--out-key", key.toString(), "--pkcs11", "x.cfg", "--out-csr", csr.toString()).code()).isEqualTo(2);
    Files.writeString(csr, "precious");
    CliFixtures.Run exists = CliFixtures.run(new KeygenCommand(), "--subject", SUBJECT, "--out-key", key.toString(), "--out-csr", csr.toString(), "--pass-file", passFile().toString());
    assertThat(exists.code()).isEqualTo(2);
    assertThat(exists.err()).contains("never overwrites");
    assertThat(Files.readString(csr)).isEqualTo("precious");
    CliFixtures.Run noToken = CliFixtures.run(new KeygenCommand(), "--subject", SUBJECT, "--pkcs11", dir.resolve("absent.cfg").toString(), "--out-csr", dir.resolve("t.csr").toString(), "--pass-file", passFile().toString());
    assertThat(noToken.code()).isEqualTo(2);
    assertThat(noToken.err()).contains("no such PKCS#11 configuration file");
  }

  /** Regression: the key was written, then the request failed, leaving a key that blocked a rerun. */
  @Test
  void outputProblemsAreFoundBeforeAnythingIsWritten() throws Exception {
    Path key = dir.resolve("k9.pem");
    CliFixtures.Run noDir = CliFixtures.run(new KeygenCommand(), "--subject", SUBJECT, "--out-key", key.toString(),
        "--out-csr", dir.resolve("nodir/r.csr").toString(), "--pass-file", passFile().toString());
    assertThat(noDir.code()).isEqualTo(2);
    assertThat(noDir.err()).contains("nodir/r.csr: its directory does not exist");
    assertThat(key).doesNotExist();
    CliFixtures.Run same = CliFixtures.run(new KeygenCommand(), "--subject", SUBJECT, "--out-key", key.toString(),
        "--out-csr", key.toString(), "--pass-file", passFile().toString());
    assertThat(same.code()).isEqualTo(2);
    assertThat(same.err()).contains("must be different files");
    assertThat(key).doesNotExist();
    try (var files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString())).doesNotContain("k9.pem", "r.csr");
    }
  }

  @Test
  void withoutATerminalItFailsAtOnceInsteadOfPrompting() {
    assumeTrue(System.console() == null, "a terminal is attached; this test needs none");
    Path key = dir.resolve("k.pem");
    CliFixtures.Run r =
        assertTimeoutPreemptively(
            Duration.ofSeconds(30),
            () -> CliFixtures.run(new KeygenCommand(), "--subject", SUBJECT, "--out-key", key.toString(), "--out-csr", dir.resolve("r.csr").toString(), "--bits", "2048"));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("no terminal").contains("--pass-env NAME or --pass-file FILE");
    assertThat(key).doesNotExist();
  }

  @Test
  void promptsTwiceAndRejectsAMismatch() throws Exception {
    Deque<String> answers = new ArrayDeque<>(java.util.List.of(PASSWORD, PASSWORD + "x"));
    KeygenCommand cmd = new KeygenCommand();
    Path key = dir.resolve("k.pem");
    CliFixtures.Run r = runWithPrompter(cmd, answers, "--subject", SUBJECT, "--out-key", key.toString(), "--out-csr", dir.resolve("r.csr").toString(), "--bits", "2048");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("do not match").doesNotContain(PASSWORD);
    assertThat(key).doesNotExist();

    Deque<String> same = new ArrayDeque<>(java.util.List.of(PASSWORD, PASSWORD));
    CliFixtures.Run ok = runWithPrompter(new KeygenCommand(), same, "--subject", SUBJECT, "--out-key", key.toString(), "--out-csr", dir.resolve("r.csr").toString(), "--bits", "2048");
    assertThat(ok.code()).as(ok.all()).isZero();
    assertThat(RecipientKeys.fromPem(key, PASSWORD.toCharArray())).isNotNull();
  }

  @Test
  void passwordFromTheEnvironment() throws Exception {
    KeygenCommand cmd = new KeygenCommand();
    Path key = dir.resolve("k.pem");
    picocli.CommandLine cl = new picocli.CommandLine(cmd);
    cmd.password.environment = java.util.Map.of("EXPORT_KEY_PASSWORD", PASSWORD)::get;
    int code = cl.execute("--subject", SUBJECT, "--out-key", key.toString(), "--out-csr", dir.resolve("r.csr").toString(), "--bits", "2048", "--pass-env", "EXPORT_KEY_PASSWORD");
    assertThat(code).isZero();
    assertThat(RecipientKeys.fromPem(key, PASSWORD.toCharArray())).isNotNull();
  }

  static CliFixtures.Run runWithPrompter(Object command, Deque<String> answers, String... args) {
    return runWithPrompter(command, answers, new java.util.ArrayList<>(), args);
  }

  /** Runs with a fake terminal: each prompt is recorded and answered from {@code answers} (none left: no terminal). */
  static CliFixtures.Run runWithPrompter(Object command, Deque<String> answers, java.util.List<String> prompts, String... args) {
    picocli.CommandLine cl = new picocli.CommandLine(command);
    PasswordOptions po = command instanceof KeygenCommand k ? k.password : ((CliFixtures.Host) command).keySource.password;
    po.prompter =
        prompt -> {
          prompts.add(prompt);
          return answers.isEmpty() ? null : answers.poll().toCharArray();
        };
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    cl.setOut(new java.io.PrintWriter(out, true));
    cl.setErr(new java.io.PrintWriter(err, true));
    if (command instanceof CliFixtures.Host h) {
      h.out = cl.getOut();
      h.err = cl.getErr();
    }
    int code = cl.execute(args);
    return new CliFixtures.Run(code, out.toString(), err.toString());
  }
}
