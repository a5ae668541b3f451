package io.hellgate.export.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hellgate.export.crypto.CertificateRequests;
import io.hellgate.export.crypto.RecipientKeys;
import io.hellgate.export.internal.Fingerprints;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeySourceOptionsTest {
  private static final String SUBJECT = "CN=cli.export.example, O=Acme Payments GmbH, C=DE";
  private static final String PASSWORD = "key-source-pass-81X";
  private static KeyPair keys;
  private static X509Certificate cert;
  private static KeyPair otherKeys;
  private static X509Certificate otherCert;

  @TempDir static Path dir;
  private static Path encryptedKey;
  private static Path certFile;
  private static Path passFile;
  private static Path otherKey;
  private static Path otherCertFile;
  private static Path p12;

  @BeforeAll
  static void material() throws Exception {
    keys = CertificateRequests.generateRsa(2048);
    cert = CliFixtures.issue(CertificateRequests.createPem(SUBJECT, keys));
    otherKeys = CertificateRequests.generateRsa(2048);
    otherCert = CliFixtures.issue(CertificateRequests.createPem("CN=other, O=Acme Payments GmbH, C=DE", otherKeys));
    encryptedKey = dir.resolve("key.pem");
    RecipientKeys.writeEncryptedPem(keys.getPrivate(), PASSWORD.toCharArray(), encryptedKey);
    otherKey = dir.resolve("other-key.pem");
    RecipientKeys.writeEncryptedPem(otherKeys.getPrivate(), PASSWORD.toCharArray(), otherKey);
    certFile = Files.writeString(dir.resolve("cert.pem"), CliFixtures.pem(cert));
    otherCertFile = Files.writeString(dir.resolve("other-cert.pem"), CliFixtures.pem(otherCert));
    passFile = Files.writeString(dir.resolve("pass.txt"), PASSWORD + "\r\n");
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("export-2026", keys.getPrivate(), PASSWORD.toCharArray(), new Certificate[] {cert});
    ks.setKeyEntry("export-2025", otherKeys.getPrivate(), PASSWORD.toCharArray(), new Certificate[] {otherCert});
    p12 = dir.resolve("keys.p12");
    try (OutputStream out = Files.newOutputStream(p12)) {
      ks.store(out, PASSWORD.toCharArray());
    }
  }

  private static CliFixtures.Run host(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args));
    all.add(CliFixtures.archive(dir, cert, 3).toString());
    CliFixtures.Run r = CliFixtures.run(new CliFixtures.Host(), all.toArray(String[]::new));
    assertThat(r.all()).as("passwords never appear in output").doesNotContain(PASSWORD);
    return r;
  }

  @Test
  void pemKeyWithCertificateAndPasswordFile() throws Exception {
    CliFixtures.Run r = host("--key", encryptedKey.toString(), "--cert", certFile.toString(), "--pass-file", passFile.toString());
    assertThat(r.code()).as(r.all()).isZero();
    assertThat(r.out()).contains("read 3 records");
  }

  @Test
  void rotationWithTwoPemKeysAndTheirCertificatesInAnyOrder() throws Exception {
    CliFixtures.Run r =
        host("--key", otherKey.toString(), "--key", encryptedKey.toString(), "--cert", certFile.toString(), "--cert", otherCertFile.toString(), "--pass-file", passFile.toString());
    assertThat(r.code()).as(r.all()).isZero();
  }

  @Test
  void keyForAnotherCertificateNamesTheExpectedFingerprint() throws Exception {
    CliFixtures.Run r = host("--key", otherKey.toString(), "--cert", otherCertFile.toString(), "--pass-file", passFile.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("encrypted to " + Fingerprints.sha256(cert)).contains(Fingerprints.sha256(otherCert));
  }

  @Test
  void certificateThatFitsNoKey() throws Exception {
    CliFixtures.Run r = host("--key", encryptedKey.toString(), "--cert", otherCertFile.toString(), "--pass-file", passFile.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("other-cert.pem (--cert) belongs to none of the --key files");
  }

  @Test
  void pkcs12WithAliasAndItsErrors() throws Exception {
    assertThat(host("--pkcs12", p12.toString(), "--alias", "export-2026", "--pass-file", passFile.toString()).code()).isZero();
    CliFixtures.Run missing = host("--pkcs12", p12.toString(), "--alias", "nope", "--pass-file", passFile.toString());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("no private key with alias \"nope\"").contains("export-2025").contains("export-2026");
    Path wrongPass = Files.writeString(dir.resolve("wrong.txt"), "not-" + PASSWORD.substring(0, 5));
    CliFixtures.Run wrong = host("--pkcs12", p12.toString(), "--alias", "export-2026", "--pass-file", wrongPass.toString());
    assertThat(wrong.code()).isEqualTo(2);
    assertThat(wrong.err()).contains("wrong password for PKCS#12 file").doesNotContain("not-" + PASSWORD.substring(0, 5));
  }

  @Test
  void pemPasswordFromTheEnvironmentAndAMissingVariable() throws Exception {
    CliFixtures.Host h = new CliFixtures.Host();
    picocli.CommandLine cl = new picocli.CommandLine(h);
    h.keySource.password.environment = java.util.Map.of("EXPORT_KEY_PASSWORD", PASSWORD)::get;
    java.io.StringWriter out = new java.io.StringWriter();
    h.out = new java.io.PrintWriter(out, true);
    h.err = h.out;
    String archive = CliFixtures.archive(dir, cert, 2).toString();
    assertThat(cl.execute("--key", encryptedKey.toString(), "--pass-env", "EXPORT_KEY_PASSWORD", archive)).isZero();
    assertThat(cl.execute("--key", encryptedKey.toString(), "--pass-env", "UNSET_VARIABLE_X", archive)).isEqualTo(2);
    assertThat(out.toString()).contains("read 2 records").contains("UNSET_VARIABLE_X (--pass-env) is not set").doesNotContain(PASSWORD);
  }

  @Test
  void anEncryptedKeyPromptsOnTheTerminal() throws Exception {
    List<String> prompts = new ArrayList<>();
    ArrayDeque<String> answers = new ArrayDeque<>(List.of(PASSWORD));
    CliFixtures.Host h = new CliFixtures.Host();
    CliFixtures.Run r =
        KeygenCommandTest.runWithPrompter(h, answers, prompts, "--key", encryptedKey.toString(), "--cert", certFile.toString(), CliFixtures.archive(dir, cert, 1).toString());
    assertThat(r.code()).as(r.all()).isZero();
    assertThat(answers).isEmpty();
    assertThat(prompts).containsExactly("Enter password for " + encryptedKey + ": ");
    assertThat(r.all()).doesNotContain(PASSWORD);
    prompts.clear();
    // A plain key needs no password and never prompts.
    Path plain = dir.resolve("plain-" + System.nanoTime() + ".pem");
    Files.writeString(plain, "-----BEGIN PRIVATE KEY-----\n" + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(keys.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
    CliFixtures.Run noPrompt = KeygenCommandTest.runWithPrompter(new CliFixtures.Host(), new ArrayDeque<>(), prompts, "--key", plain.toString(), CliFixtures.archive(dir, cert, 1).toString());
    assertThat(noPrompt.code()).as(noPrompt.all()).isZero();
    assertThat(prompts).isEmpty();
  }

  @Test
  void noTerminalIsAClearErrorNotAHang() {
    assumeTrue(System.console() == null, "a terminal is attached; this test needs none");
    CliFixtures.Run r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> host("--key", encryptedKey.toString()));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("no terminal to ask for the password for " + encryptedKey).contains("--pass-env NAME or --pass-file FILE");
  }

  @Test
  void usageErrors() throws Exception {
    CliFixtures.Run none = host();
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err()).contains("no recipient key given");
    assertThat(host("--key", encryptedKey.toString(), "--alias", "x", "--pass-file", passFile.toString()).err()).contains("--alias applies only to");
    assertThat(host("--key", encryptedKey.toString(), "--pass-file", passFile.toString(), "--pass-env", "X").err()).contains("not both");
    CliFixtures.Run token = host("--pkcs11", dir.resolve("absent.cfg").toString(), "--pass-file", passFile.toString());
    assertThat(token.code()).isEqualTo(2);
    assertThat(token.err()).contains("no such PKCS#11 configuration file");
    assertThat(new picocli.CommandLine(new CliFixtures.Host()).getCommandSpec().options().stream().flatMap(o -> java.util.Arrays.stream(o.names())))
        .as("no option takes a password value")
        .noneMatch(n -> n.equals("--pass") || n.equals("--password") || n.equals("--pin"));
  }
}
