package io.hellgate.export.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hellgate.export.RecipientKey;
import io.hellgate.export.WrongKeyException;
import io.hellgate.export.crypto.KeySourceException.Reason;
import io.hellgate.export.internal.Fingerprints;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecipientKeysTest {
  private static final String PASSWORD = "correct horse battery staple";
  private static KeyPair recipient;
  private static X509Certificate recipientCert;
  private static KeyPair other;
  private static X509Certificate otherCert;

  @TempDir Path dir;

  @BeforeAll
  static void keys() throws Exception {
    recipient = TestPki.rsa(2048);
    recipientCert = TestPki.selfSigned(recipient, "CN=recipient.export.example, O=Acme Payments GmbH, C=DE");
    other = TestPki.rsa(2048);
    otherCert = TestPki.selfSigned(other, "CN=other.export.example, O=Acme Payments GmbH, C=DE");
  }

  private Path write(String name, Object... pemObjects) throws Exception {
    StringWriter s = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(s)) {
      for (Object o : pemObjects) {
        w.writeObject(o);
      }
    }
    Path p = dir.resolve(name);
    Files.writeString(p, s.toString(), StandardCharsets.US_ASCII);
    return p;
  }

  private void assertOpens(RecipientKey key) throws Exception {
    Path archive = TestPki.archive(dir, recipientCert, 3);
    List<String> lines = TestPki.readAll(archive, key);
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).contains("Jane Roe 0");
  }

  @Test
  void plainPkcs8WithCertificate() throws Exception {
    Path pem = write("key.pem", new JcaPKCS8Generator(recipient.getPrivate(), null));
    assertThat(Files.readString(pem)).contains("BEGIN PRIVATE KEY");
    RecipientKey key = RecipientKeys.fromPem(pem, recipientCert, null);
    assertThat(key.fingerprint()).contains(Fingerprints.sha256(recipientCert));
    assertOpens(key);
  }

  @Test
  void plainPkcs8WithoutCertificateIsTried() throws Exception {
    Path pem = write("key.pem", new JcaPKCS8Generator(recipient.getPrivate(), null));
    RecipientKey key = RecipientKeys.fromPem(pem, null);
    assertThat(key.fingerprint()).isEmpty();
    assertOpens(key);
  }

  @Test
  void certificateBundledInThePemFileIsAttached() throws Exception {
    Path pem = write("bundle.pem", recipientCert, new JcaPKCS8Generator(recipient.getPrivate(), null));
    RecipientKey key = RecipientKeys.fromPem(pem, null);
    assertThat(key.fingerprint()).contains(Fingerprints.sha256(recipientCert));
    assertOpens(key);
  }

  @Test
  void encryptedPkcs8WrittenByUsAndZeroedPassword() throws Exception {
    Path pem = dir.resolve("key.enc.pem");
    RecipientKeys.writeEncryptedPem(recipient.getPrivate(), PASSWORD.toCharArray(), pem);
    String text = Files.readString(pem);
    assertThat(text).contains("BEGIN ENCRYPTED PRIVATE KEY").doesNotContain(PASSWORD);
    if (Files.getFileStore(pem).supportsFileAttributeView("posix")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pem))).isEqualTo("rw-------");
    }
    char[] password = PASSWORD.toCharArray();
    RecipientKey key = RecipientKeys.fromPem(pem, recipientCert, password);
    assertThat(new String(password)).isEqualTo("\0".repeat(PASSWORD.length()));
    assertOpens(key);
    assertThatThrownBy(() -> RecipientKeys.writeEncryptedPem(recipient.getPrivate(), PASSWORD.toCharArray(), pem))
        .isInstanceOf(FileAlreadyExistsException.class);
  }

  @Test
  void encryptedPkcs8FromOpenssl() throws Exception {
    Path plain = write("plain.pem", new JcaPKCS8Generator(recipient.getPrivate(), null));
    Path enc = dir.resolve("openssl.pem");
    assumeTrue(run("openssl", "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-v2prf", "hmacWithSHA256", "-in", plain.toString(),
        "-out", enc.toString(), "-passout", "pass:" + PASSWORD) == 0, "openssl CLI not available; skipping interop");
    assertOpens(RecipientKeys.fromPem(enc, recipientCert, PASSWORD.toCharArray()));
    // ...and openssl reads what we write.
    Path ours = dir.resolve("ours.pem");
    RecipientKeys.writeEncryptedPem(recipient.getPrivate(), PASSWORD.toCharArray(), ours);
    assertThat(run("openssl", "pkey", "-in", ours.toString(), "-passin", "pass:" + PASSWORD, "-noout")).isZero();
    assertThat(run("openssl", "pkey", "-in", ours.toString(), "-passin", "pass:wrong", "-noout")).isNotZero();
  }

  @Test
  void pkcs1PlainAndLegacyEncrypted() throws Exception {
    Path plain = write("rsa.pem", recipient.getPrivate());
    assertThat(Files.readString(plain)).contains("BEGIN RSA PRIVATE KEY");
    assertOpens(RecipientKeys.fromPem(plain, recipientCert, null));

    StringWriter s = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(s)) {
      w.writeObject(recipient.getPrivate(), new JcePEMEncryptorBuilder("AES-256-CBC").setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider()).build(PASSWORD.toCharArray()));
    }
    Path legacy = dir.resolve("legacy.pem");
    Files.writeString(legacy, s.toString());
    assertThat(s.toString()).contains("Proc-Type: 4,ENCRYPTED");
    assertOpens(RecipientKeys.fromPem(legacy, recipientCert, PASSWORD.toCharArray()));
    assertThatThrownBy(() -> RecipientKeys.fromPem(legacy, recipientCert, "nope".toCharArray()))
        .isInstanceOfSatisfying(KeySourceException.class, e -> assertThat(e.reason()).isEqualTo(Reason.WRONG_PASSWORD));
  }

  @Test
  void wrongPasswordAndMissingPasswordAreClearAndSecret() throws Exception {
    Path pem = dir.resolve("key.enc.pem");
    RecipientKeys.writeEncryptedPem(recipient.getPrivate(), PASSWORD.toCharArray(), pem);
    String wrong = "Tr0ub4dor&3-secret";
    char[] wrongChars = wrong.toCharArray();
    assertThatThrownBy(() -> RecipientKeys.fromPem(pem, wrongChars))
        .isInstanceOfSatisfying(
            KeySourceException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.WRONG_PASSWORD);
              assertThat(e.getMessage()).contains("wrong password").contains(pem.toString()).doesNotContain(wrong);
              assertThat(e.getCause()).isNull();
            });
    assertThat(wrongChars).containsOnly('\0');
    assertThatThrownBy(() -> RecipientKeys.fromPem(pem, null))
        .isInstanceOfSatisfying(KeySourceException.class, e -> assertThat(e.reason()).isEqualTo(Reason.PASSWORD_REQUIRED))
        .hasMessageContaining("is encrypted");
  }

  @Test
  void keyForAnotherCertificateIsRejectedAtLoad() throws Exception {
    Path pem = write("key.pem", new JcaPKCS8Generator(recipient.getPrivate(), null));
    assertThatThrownBy(() -> RecipientKeys.fromPem(pem, otherCert, null))
        .isInstanceOfSatisfying(KeySourceException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CERTIFICATE_MISMATCH))
        .hasMessageContaining("does not belong to the private key");
  }

  @Test
  void keyForAnotherCertificateNamesTheExpectedFingerprint() throws Exception {
    Path pem = write("other.pem", otherCert, new JcaPKCS8Generator(other.getPrivate(), null));
    RecipientKey wrong = RecipientKeys.fromPem(pem, null);
    Path archive = TestPki.archive(dir, recipientCert, 1);
    assertThatThrownBy(() -> TestPki.readAll(archive, wrong))
        .isInstanceOf(WrongKeyException.class)
        .hasMessageContaining(Fingerprints.sha256(recipientCert))
        .hasMessageContaining(Fingerprints.sha256(otherCert));
  }

  @Test
  void rotationPicksTheKeyMatchingTheManifest() throws Exception {
    RecipientKey current = RecipientKeys.fromPem(write("o.pem", otherCert, new JcaPKCS8Generator(other.getPrivate(), null)), null);
    RecipientKey previous = RecipientKeys.fromPem(write("r.pem", new JcaPKCS8Generator(recipient.getPrivate(), null)), recipientCert, null);
    assertThat(TestPki.readAll(TestPki.archive(dir, recipientCert, 2), current, previous)).hasSize(2);
    assertThat(TestPki.readAll(TestPki.archive(dir, otherCert, 2), current, previous)).hasSize(2);
  }

  private Path pkcs12(String... aliases) throws Exception {
    TestPki.Entry[] entries = new TestPki.Entry[aliases.length];
    for (int i = 0; i < aliases.length; i++) {
      boolean main = aliases[i].startsWith("recipient");
      entries[i] = new TestPki.Entry(aliases[i], main ? recipient : other, main ? recipientCert : otherCert);
    }
    return TestPki.pkcs12(dir.resolve("keys-" + aliases.length + ".p12"), PASSWORD, entries);
  }

  @Test
  void pkcs12SingleEntryNeedsNoAlias() throws Exception {
    RecipientKey key = RecipientKeys.fromPkcs12(pkcs12("recipient"), null, PASSWORD.toCharArray());
    assertThat(key.fingerprint()).contains(Fingerprints.sha256(recipientCert));
    assertOpens(key);
  }

  @Test
  void pkcs12AliasSelection() throws Exception {
    Path p12 = pkcs12("other-2025", "recipient-2026");
    char[] password = PASSWORD.toCharArray();
    RecipientKey key = RecipientKeys.fromPkcs12(p12, "recipient-2026", password);
    assertThat(password).containsOnly('\0');
    assertThat(key.fingerprint()).contains(Fingerprints.sha256(recipientCert));
    assertOpens(key);
    assertThatThrownBy(() -> RecipientKeys.fromPkcs12(p12, null, PASSWORD.toCharArray()))
        .isInstanceOfSatisfying(KeySourceException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND))
        .hasMessageContaining("several keys")
        .hasMessageContaining("other-2025")
        .hasMessageContaining("recipient-2026");
    assertThatThrownBy(() -> RecipientKeys.fromPkcs12(p12, "missing", PASSWORD.toCharArray()))
        .isInstanceOfSatisfying(KeySourceException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND))
        .hasMessageContaining("no private key with alias \"missing\"");
  }

  @Test
  void pkcs12WrongPassword() throws Exception {
    Path p12 = pkcs12("recipient");
    assertThatThrownBy(() -> RecipientKeys.fromPkcs12(p12, null, "hunter2-wrong".toCharArray()))
        .isInstanceOfSatisfying(KeySourceException.class, e -> assertThat(e.reason()).isEqualTo(Reason.WRONG_PASSWORD))
        .hasMessageContaining("wrong password")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void notAKey() throws Exception {
    Path cert = write("cert.pem", recipientCert);
    assertThatThrownBy(() -> RecipientKeys.fromPem(cert, null))
        .isInstanceOfSatisfying(KeySourceException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED))
        .hasMessageContaining("contains no private key");
    assertThat(RecipientKeys.readCertificate(cert)).isEqualTo(recipientCert);
    assertThatThrownBy(() -> RecipientKeys.fromPem(dir.resolve("absent.pem"), null))
        .isInstanceOfSatisfying(KeySourceException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
  }

  /** Regression: the null checks ran before the try/finally that zeroes the secret. */
  @Test
  void secretsAreZeroedEvenWhenAnArgumentIsNull() {
    char[] a = PASSWORD.toCharArray();
    assertThatThrownBy(() -> RecipientKeys.fromPem(null, a)).isInstanceOf(NullPointerException.class);
    char[] b = PASSWORD.toCharArray();
    assertThatThrownBy(() -> RecipientKeys.fromPkcs12(null, null, b)).isInstanceOf(NullPointerException.class);
    char[] c = PASSWORD.toCharArray();
    assertThatThrownBy(() -> RecipientKeys.fromPkcs11(null, null, c)).isInstanceOf(NullPointerException.class);
    char[] d = PASSWORD.toCharArray();
    assertThatThrownBy(() -> RecipientKeys.writeEncryptedPem(null, d, dir.resolve("k.pem")))
        .isInstanceOf(NullPointerException.class);
    char[] e = PASSWORD.toCharArray();
    assertThatThrownBy(() -> CertificateRequests.createPemInPkcs11(null, "a", e, "CN=x, O=Acme, C=DE", 3072))
        .isInstanceOf(NullPointerException.class);
    for (char[] secret : List.of(a, b, c, d, e)) {
      assertThat(secret).containsOnly('\0');
    }
  }

  static int run(String... command) throws Exception {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return -1;
      }
      return p.exitValue();
    } catch (java.io.IOException e) {
      return -1;
    }
  }
}
