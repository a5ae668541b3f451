package io.hellgate.export.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import io.hellgate.export.testkit.Pem;
import io.hellgate.export.testkit.TestCertificate;
import io.hellgate.export.testkit.TestPki;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportToolTest {
  private static final String PAN = "4111111111111111";
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void files() throws IOException {
    for (String f : new String[] {"other-cert.pem", "other-key.pem"}) {
      try (InputStream in = ExportToolTest.class.getResourceAsStream("/" + f)) {
        Files.write(dir.resolve(f), in.readAllBytes());
      }
    }
    try (TestPki pki = TestPki.builder().build()) {
      TestCertificate leaf = pki.leaf("CN=Export Recipient, O=Acme Payments GmbH, C=DE").ov().build();
      Pem.write(dir.resolve("root.pem"), pki.rootPem());
      Pem.write(dir.resolve("recipient-cert.pem"), leaf.certificatePem());
      Pem.write(dir.resolve("recipient-key.pem"), leaf.privateKeyPem());
      Pem.write(dir.resolve("ca.crl"), pki.crlsPem());
      Pem.write(dir.resolve("chain.pem"), leaf.chainPem());
      Pem.write(dir.resolve("dv-cert.pem"), pki.leaf("CN=shop.example").dv().serverAuth().build().certificatePem());
    }
    StringBuilder jsonl = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      jsonl.append("{\"id\":\"t-").append(i).append("\",\"card\":{\"cardholder_name\":\"Zoë\",\"expiry_month\":12,")
          .append("\"expiry_year\":2030,\"account_number\":\"").append(PAN).append("\",\"scheme\":\"visa\"},")
          .append("\"created_at\":\"2023-10-01T12:00:00Z\"}\n");
    }
    Files.writeString(dir.resolve("tokens.jsonl"), jsonl.toString(), StandardCharsets.UTF_8);
  }

  private int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    return ExportTool.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
  }

  private String p(String name) {
    return dir.resolve(name).toString();
  }

  private void encrypt() {
    assertThat(run("encrypt", "--cert", p("recipient-cert.pem"), "--trust", p("root.pem"), "--chain", p("chain.pem"), "--crl", p("ca.crl"),
        "--in", p("tokens.jsonl"), "--out", p("export.tgz"), "--instance", "c1.on-hellgate.cloud")).as(err.toString()).isZero();
  }

  @Test
  void encryptRefusesACertificateThePolicyRejects() {
    assertThat(run("encrypt", "--cert", p("dv-cert.pem"), "--trust", p("root.pem"), "--chain", p("chain.pem"), "--crl", p("ca.crl"),
        "--in", p("tokens.jsonl"), "--out", p("export.tgz"))).isEqualTo(1);
    assertThat(err.toString()).contains("FAIL    validation_level").contains("PASS    key.usage").contains("nothing was written");
    assertThat(dir.resolve("export.tgz")).doesNotExist();
    assertThat(run("encrypt", "--cert", p("recipient-cert.pem"), "--in", p("tokens.jsonl"), "--out", p("export.tgz")))
        .as("no --trust and no explicit opt-out").isEqualTo(2);
  }

  @Test
  void insecureSkipIsExplicitAndWarns() {
    assertThat(run("encrypt", "--cert", p("other-cert.pem"), "--insecure-skip-certificate-check",
        "--in", p("tokens.jsonl"), "--out", p("export.tgz"))).isZero();
    assertThat(err.toString()).contains("NOT checked");
  }

  @Test
  void checkCertAndDemoAreRegistered() {
    assertThat(run("check-cert", p("recipient-cert.pem"), "--trust", p("root.pem"), "--chain", p("chain.pem"), "--crl", p("ca.crl"))).isZero();
    assertThat(out.toString()).contains("ACCEPTED");
    assertThat(run("check-cert", p("dv-cert.pem"), "--trust", p("root.pem"), "--chain", p("chain.pem"), "--crl", p("ca.crl"))).isEqualTo(1);
    assertThat(run("demo", "--records", "20", "--dir", p("demo"))).as(out.toString()).isZero();
    assertThat(out.toString()).contains("demo: all steps behaved as expected");
  }

  @Test
  void encryptVerifyDecryptRoundTrip() throws Exception {
    encrypt();
    assertThat(out.toString()).contains("5 records");
    assertThat(run("verify", p("export.tgz"), "--key", p("recipient-key.pem"))).isZero();
    assertThat(out.toString()).contains("record_count: 5").contains("checksum:     sha256:");
    assertThat(run("decrypt", p("export.tgz"), "--key", p("recipient-key.pem"), "--out", p("out.jsonl"))).isZero();
    assertThat(Files.readString(dir.resolve("out.jsonl"))).isEqualTo(Files.readString(dir.resolve("tokens.jsonl")));
    assertThat(run("inspect", p("export.tgz"))).isZero();
    assertThat(out.toString()).contains("guardian_instance: c1.on-hellgate.cloud").contains("record_count:      5");
  }

  private int encryptFile(String name) {
    return run("encrypt", "--cert", p("recipient-cert.pem"), "--insecure-skip-certificate-check",
        "--in", p(name), "--out", p("x.tgz"), "--force"); // each call replaces x.tgz
  }

  /** Regression: encrypt read a whole line into memory before the 1 MiB limit applied (OOM). */
  @Test
  void encryptRefusesAnOverlongLineAsSoonAsItPassesTheLimit() throws Exception {
    byte[] big = new byte[(3 << 20)];
    java.util.Arrays.fill(big, (byte) 'a');
    Files.write(dir.resolve("long.jsonl"), big);
    assertThat(encryptFile("long.jsonl")).isEqualTo(1);
    assertThat(err.toString()).contains("limit_exceeded").contains("long.jsonl: line 1 is longer than 1048576 bytes");
    assertThat(dir.resolve("x.tgz")).doesNotExist();
  }

  /** Regression: a lone CR split a line in two; CRLF endings are taken as LF, as before. */
  @Test
  void encryptSplitsLinesAtNewlineOnly() throws Exception {
    String tokens = Files.readString(dir.resolve("tokens.jsonl"));
    Files.writeString(dir.resolve("crlf.jsonl"), tokens.replace("\n", "\r\n"));
    assertThat(encryptFile("crlf.jsonl")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("5 records");
    assertThat(run("decrypt", p("x.tgz"), "--key", p("recipient-key.pem"), "--out", p("crlf-out.jsonl"))).isZero();
    assertThat(Files.readString(dir.resolve("crlf-out.jsonl"))).isEqualTo(tokens);
    String[] lines = tokens.split("\n");
    Files.writeString(dir.resolve("cr.jsonl"), lines[0] + "\r" + lines[1] + "\n");
    assertThat(encryptFile("cr.jsonl")).isEqualTo(1);
    assertThat(err.toString()).contains("cr.jsonl: line 1").doesNotContain(PAN);
    Files.writeString(dir.resolve("nofinal.jsonl"), lines[0] + "\n" + lines[1]);
    assertThat(encryptFile("nofinal.jsonl")).isZero();
    assertThat(out.toString()).contains("2 records");
    Files.write(dir.resolve("latin1.jsonl"), (lines[0].replace("Zoë", "Zo\u00eb") + "\n").getBytes(StandardCharsets.ISO_8859_1));
    assertThat(encryptFile("latin1.jsonl")).isEqualTo(1);
    assertThat(err.toString()).contains("latin1.jsonl: line 1").contains("UTF-8");
  }

  /** Review note: a FIFO (or `<(cat export.tgz)`) can be read once only and cannot seek. */
  @Test
  void decryptReadsAnArchiveFromAFifo() throws Exception {
    encrypt();
    Path fifo = dir.resolve("export.fifo");
    Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
    org.junit.jupiter.api.Assumptions.assumeTrue(mk.waitFor() == 0, "mkfifo is not available");
    Thread feeder = new Thread(() -> {
      try (var o = Files.newOutputStream(fifo)) {
        o.write(Files.readAllBytes(dir.resolve("export.tgz")));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    feeder.start();
    assertThat(run("decrypt", fifo.toString(), "--key", p("recipient-key.pem"), "--out", p("out.jsonl"))).as(err.toString()).isZero();
    feeder.join(10_000);
    assertThat(Files.readString(dir.resolve("out.jsonl"))).isEqualTo(Files.readString(dir.resolve("tokens.jsonl")));
  }

  @Test
  void wrongKeyExitsOneAndLeavesNoOutputFile() throws Exception {
    encrypt();
    assertThat(run("decrypt", p("export.tgz"), "--key", p("other-key.pem"), "--out", p("out.jsonl"))).isEqualTo(1);
    assertThat(err.toString()).contains("rejected [wrong_key]");
    assertThat(dir.resolve("out.jsonl")).doesNotExist();
    try (var files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.endsWith(".partial"));
    }
  }

  @Test
  void tamperedArchiveExitsOneAndLeavesNoOutputFile() throws Exception {
    encrypt();
    byte[] tgz = Files.readAllBytes(dir.resolve("export.tgz"));
    // The ciphertext sits right after the manifest's tar blocks, uncompressed (stored deflate blocks):
    // flip a byte near the end of the data, before the tar trailer.
    tgz[tgz.length - 1024 - 8 - 5 - 600] ^= 1;
    Files.write(dir.resolve("tampered.tgz"), tgz);
    int status = run("decrypt", p("tampered.tgz"), "--key", p("recipient-key.pem"), "--out", p("out.jsonl"));
    assertThat(status).isEqualTo(1);
    assertThat(err.toString()).containsAnyOf("rejected [tampered_content]", "rejected [malformed_archive]");
    assertThat(dir.resolve("out.jsonl")).doesNotExist();
  }

  @Test
  void invalidInputLineExitsOneWithoutThePan() throws Exception {
    Files.writeString(dir.resolve("bad.jsonl"), Files.readString(dir.resolve("tokens.jsonl")).replace("\"expiry_month\":12", "\"expiry_month\":13"));
    assertThat(run("encrypt", "--cert", p("recipient-cert.pem"), "--trust", p("root.pem"), "--chain", p("chain.pem"), "--crl", p("ca.crl"),
        "--in", p("bad.jsonl"), "--out", p("x.tgz"))).isEqualTo(1);
    assertThat(err.toString()).contains("line 1").contains("expiry_month").doesNotContain(PAN);
    assertThat(dir.resolve("x.tgz")).doesNotExist();
  }

  @Test
  void maxSizeRefusesLargerExportsBeforeReadingThem() throws Exception {
    encrypt();
    assertThat(run("verify", p("export.tgz"), "--key", p("recipient-key.pem"), "--max-size", "100")).isEqualTo(1);
    assertThat(err.toString()).contains("rejected [limit_exceeded]").contains("at most 100");
    assertThat(run("verify", p("export.tgz"), "--key", p("recipient-key.pem"), "--max-size", "1m")).isZero();
    assertThat(run("verify", p("export.tgz"), "--key", p("recipient-key.pem"), "--max-size", "lots")).isEqualTo(2);
    assertThat(run("verify", p("export.tgz"), "--key", p("recipient-key.pem"), "--max-size", "99999999999999g")).isEqualTo(2);
    assertThat(err.toString()).contains("usage: '99999999999999g' is too large").doesNotContain("negative");
  }

  @Test
  void usageAndIoErrorsExitTwo() {
    assertThat(run("decrypt")).isEqualTo(2);
    assertThat(run("frobnicate")).isEqualTo(2);
    assertThat(run("verify", p("missing.tgz"), "--key", p("recipient-key.pem"))).isEqualTo(2);
    assertThat(err.toString()).contains("no such file");
    assertThat(run("verify", p("tokens.jsonl"), "--key", p("recipient-cert.pem"))).isEqualTo(2);
  }

  @Test
  void notAnArchiveIsRejected() {
    assertThat(run("inspect", p("tokens.jsonl"))).isEqualTo(1);
    assertThat(err.toString()).contains("rejected [malformed_archive]");
  }

  @Test
  void decryptOutRefusesToReplaceASymlinkAFifoOrADevice() throws Exception {
    encrypt();
    Path target = Files.writeString(dir.resolve("target.txt"), "keep me");
    Path link = Files.createSymbolicLink(dir.resolve("link.jsonl"), target);
    assertThat(run("decrypt", p("export.tgz"), "--key", p("recipient-key.pem"), "--out", link.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--out " + link + " exists and is not a regular file");
    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(Files.readString(target)).isEqualTo("keep me");

    Path fifo = dir.resolve("out.fifo");
    org.junit.jupiter.api.Assumptions.assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo is not available");
    assertThat(run("decrypt", p("export.tgz"), "--key", p("recipient-key.pem"), "--out", fifo.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("is not a regular file");
    assertThat(Files.isRegularFile(fifo, java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(Files.exists(fifo, java.nio.file.LinkOption.NOFOLLOW_LINKS)).isTrue();

    assertThat(run("decrypt", p("export.tgz"), "--key", p("recipient-key.pem"), "--out", "/dev/null")).isEqualTo(2);
    assertThat(err.toString()).contains("--out /dev/null exists and is not a regular file");
    assertThat(Files.isRegularFile(Path.of("/dev/null"), java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
  }

  @Test
  void decryptOutRefusesTheArchiveItself() throws Exception {
    encrypt();
    byte[] before = Files.readAllBytes(dir.resolve("export.tgz"));
    assertThat(run("decrypt", p("export.tgz"), "--key", p("recipient-key.pem"), "--out", p("export.tgz"))).isEqualTo(2);
    assertThat(err.toString()).contains("is the same file as the archive");
    assertThat(Files.readAllBytes(dir.resolve("export.tgz"))).isEqualTo(before);
  }

  @Test
  void encryptOutRefusesANonRegularFileAndTheInputItself() throws Exception {
    Path link = Files.createSymbolicLink(dir.resolve("link.tgz"), dir.resolve("elsewhere.tgz"));
    assertThat(run("encrypt", "--cert", p("other-cert.pem"), "--insecure-skip-certificate-check",
        "--in", p("tokens.jsonl"), "--out", link.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--out " + link + " exists and is not a regular file");
    assertThat(dir.resolve("elsewhere.tgz")).doesNotExist();

    String tokens = Files.readString(dir.resolve("tokens.jsonl"));
    assertThat(run("encrypt", "--cert", p("other-cert.pem"), "--insecure-skip-certificate-check",
        "--in", p("tokens.jsonl"), "--out", p("tokens.jsonl"))).isEqualTo(2);
    assertThat(err.toString()).contains("is the same file as --in");
    assertThat(Files.readString(dir.resolve("tokens.jsonl"))).isEqualTo(tokens);
  }

  @Test
  void encryptReportsAFileSystemErrorWithTheFileAndTheReason() throws Exception {
    assertThat(run("encrypt", "--cert", p("other-cert.pem"), "--insecure-skip-certificate-check",
        "--in", p("missing.jsonl"), "--out", p("x.tgz"))).isEqualTo(2);
    assertThat(err.toString()).contains("error: no such file: " + p("missing.jsonl"));
    assertThat(dir.resolve("x.tgz")).doesNotExist();
  }

  @Test
  void fileSystemErrorsNameTheFileAndTheReason() {
    assertThat(ExportTool.describe(new java.nio.file.AccessDeniedException("/srv/k.pem"))).isEqualTo("permission denied: /srv/k.pem");
    assertThat(ExportTool.describe(new java.nio.file.FileSystemException("/srv", null, "Is a directory"))).isEqualTo("/srv is a directory");
    assertThat(ExportTool.describe(new java.nio.file.NoSuchFileException("/srv/x"))).isEqualTo("no such file: /srv/x");
    assertThat(ExportTool.describe(new java.nio.file.FileSystemException("/srv/x", null, "Read-only file system")))
        .isEqualTo("/srv/x: Read-only file system");
    assertThat(ExportTool.describe(new java.nio.file.FileSystemException("/srv/a", "/srv/b", "Device or resource busy")))
        .isEqualTo("/srv/a -> /srv/b: Device or resource busy");
  }

  /** An output stream that fails like a full disk. */
  private static final class FullDisk extends java.io.OutputStream {
    @Override
    public void write(int b) throws IOException {
      throw new IOException("No space left on device");
    }
  }

  @Test
  void decryptToAFailingStandardOutputExitsTwoWithoutReportingSuccess() throws Exception {
    encrypt();
    int status = ExportTool.execute(new String[] {"decrypt", p("export.tgz"), "--key", p("recipient-key.pem")},
        new PrintWriter(out, true), new PrintWriter(err, true), new FullDisk());
    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).contains("error: writing standard output failed: No space left on device").doesNotContain("decrypted");
  }

  @Test
  void aCommandWhoseTextOutputFailsExitsTwo() throws Exception {
    encrypt();
    err.getBuffer().setLength(0);
    int status = ExportTool.execute(new String[] {"verify", p("export.tgz"), "--key", p("recipient-key.pem")},
        new PrintWriter(new FullDisk(), true), new PrintWriter(err, true), new FullDisk());
    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).contains("error: writing standard output failed");
    status = ExportTool.execute(new String[] {"inspect", p("export.tgz")},
        new PrintWriter(new FullDisk(), true), new PrintWriter(err, true), new FullDisk());
    assertThat(status).isEqualTo(2);
  }

  /** A conformance vector's file (a resource of the testkit), copied into the test directory. */
  private Path golden(String name) throws IOException {
    Path file = dir.resolve(name.replace('/', '-'));
    try (InputStream in = ExportToolTest.class.getResourceAsStream("/golden/" + name)) {
      assertThat(in).as("resource golden/" + name).isNotNull();
      Files.write(file, in.readAllBytes());
    }
    return file;
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"invalid-json-line", "invalid-record-expiry-month", "invalid-record-pan-letters"})
  void decryptAndVerifyRejectAnInvalidRecordByDefault(String vector) throws Exception {
    String archive = golden("archives/" + vector + ".tgz").toString();
    String key = golden("keys/recipient-key.pem").toString();
    assertThat(run("verify", archive, "--key", key)).as(err.toString()).isEqualTo(1);
    assertThat(err.toString()).contains("rejected [malformed_record]");
    assertThat(out.toString()).doesNotContain("verified");
    assertThat(run("decrypt", archive, "--key", key, "--out", p("out.jsonl"))).as(err.toString()).isEqualTo(1);
    assertThat(err.toString()).contains("rejected [malformed_record]").doesNotContain("decrypted");
    assertThat(dir.resolve("out.jsonl")).doesNotExist();
    try (var files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.endsWith(".partial"));
    }
    assertThat(run("verify", archive, "--key", key, "--skip-record-validation")).as("the opt-out skips the record check").isZero();
  }

  @Test
  void decryptWithRecordValidationReturnsValidVectorsExactly() throws Exception {
    for (String vector : new String[] {"valid-small", "valid-unknown-record-members", "valid-unicode"}) {
      String archive = golden("archives/" + vector + ".tgz").toString();
      assertThat(run("decrypt", archive, "--key", golden("keys/recipient-key.pem").toString(), "--out", p(vector + ".jsonl")))
          .as(vector + ": " + err).isZero();
      assertThat(Files.readAllBytes(dir.resolve(vector + ".jsonl"))).as(vector).isEqualTo(Files.readAllBytes(golden("plaintext/" + vector + ".jsonl")));
    }
  }

  /** Review note: manifest fields and certificate names are untrusted; printed raw they can drive the terminal. */
  @Test
  void untrustedManifestAndCertificateTextIsPrintedWithoutControlCharacters() throws Exception {
    String evil = "c1\u001b]0;owned\u0007\r\nverified: fake\u009b2J";
    Path cert;
    Path key;
    try (io.hellgate.export.testkit.TestPki pki = io.hellgate.export.testkit.TestPki.builder().build()) {
      TestCertificate leaf = pki.leaf("CN=Evil\u001b[31m\rRecipient, O=Acme Payments GmbH, C=DE").ov().build();
      cert = Pem.write(dir.resolve("evil-cert.pem"), leaf.certificatePem());
      key = Pem.write(dir.resolve("evil-key.pem"), leaf.privateKeyPem());
      Pem.write(dir.resolve("evil-root.pem"), pki.rootPem());
      Pem.write(dir.resolve("evil-chain.pem"), leaf.chainPem());
      Pem.write(dir.resolve("evil.crl"), pki.crlsPem());
    }
    assertThat(run("check-cert", cert.toString(), "--trust", p("evil-root.pem"), "--chain", p("evil-chain.pem"), "--crl", p("evil.crl")))
        .as(out.toString()).isZero();
    assertNoControlCharacters(out.toString());
    assertThat(out.toString()).contains("ACCEPTED").contains("Evil\\u001b[31m\\u000dRecipient");
    assertThat(run("encrypt", "--cert", cert.toString(), "--insecure-skip-certificate-check",
        "--in", p("tokens.jsonl"), "--out", p("evil.tgz"), "--instance", evil)).as(err.toString()).isZero();
    assertNoControlCharacters(out.toString());
    assertThat(out.toString()).contains("recipient: ").contains("Evil\\u001b[31m\\u000dRecipient");
    assertThat(run("inspect", p("evil.tgz"))).isZero();
    assertNoControlCharacters(out.toString());
    assertThat(out.toString()).contains("guardian_instance: c1\\u001b]0;owned\\u0007\\u000d\\u000averified: fake\\u009b2J");
    assertThat(run("verify", p("evil.tgz"), "--key", key.toString())).as(err.toString()).isZero();
    assertNoControlCharacters(out.toString());
    assertThat(out.toString().lines().filter(l -> l.startsWith("verified:")).count()).isEqualTo(1);
    assertThat(run("verify", p("evil.tgz"), "--key", p("other-key.pem"))).isEqualTo(1);
    assertNoControlCharacters(err.toString());
  }

  private static void assertNoControlCharacters(String printed) {
    assertThat(printed.replace("\n", "").chars()).as(printed).noneMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f));
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"demo", "check-cert", "keygen", "encrypt", "decrypt", "verify", "inspect", "bench"})
  void everyCommandAcceptsHelp(String command) {
    assertThat(run(command, "--help")).as(err.toString()).isZero();
    assertThat(out.toString()).startsWith("Usage: export-tool " + command).contains("-h, --help");
    assertThat(run(command, "-h")).isZero();
  }

  @Test
  void encryptHelpShowsThatTrustIsRequiredUnlessTheCheckIsSkipped() {
    assertThat(run("encrypt", "--help")).isZero();
    assertThat(out.toString()).contains("(--trust=ROOTS.pem").contains("| --insecure-skip-certificate-check)")
        .doesNotContain("[--trust=ROOTS.pem]");
  }

  @Test
  void decryptOutWithoutAFileNameIsAUsageError() throws Exception {
    encrypt();
    assertThat(run("decrypt", p("export.tgz"), "--key", p("recipient-key.pem"), "--out", "/")).isEqualTo(2);
    assertThat(err.toString()).contains("usage: --out / names no file").doesNotContain("Exception");
    assertThat(run("decrypt", p("export.tgz"), "--key", p("recipient-key.pem"), "--out", "")).isEqualTo(2);
    assertThat(err.toString()).contains("usage: --out is empty").doesNotContain("partial");
    assertThat(run("encrypt", "--cert", p("other-cert.pem"), "--insecure-skip-certificate-check",
        "--in", p("tokens.jsonl"), "--out", "")).isEqualTo(2);
    assertThat(err.toString()).contains("usage: --out is empty");
  }

  @Test
  void decryptOutAcceptsALongButLegalFileName() throws Exception {
    encrypt();
    String name = "d".repeat(234) + ".jsonl"; // 240 characters; the file system allows 255
    assertThat(run("decrypt", p("export.tgz"), "--key", p("recipient-key.pem"), "--out", p(name))).as(err.toString()).isZero();
    assertThat(Files.readString(dir.resolve(name))).isEqualTo(Files.readString(dir.resolve("tokens.jsonl")));
  }

  @Test
  void demoNeedsAtLeastOneRecord() {
    assertThat(run("demo", "--records", "0", "--dir", p("demo"))).isEqualTo(2);
    assertThat(err.toString()).contains("usage: --records must be at least 1");
    assertThat(out.toString()).doesNotContain("SOME STEPS");
    assertThat(run("demo", "--records", "-5", "--dir", p("demo"))).isEqualTo(2);
  }

  @Test
  void benchRefusesUnknownPathsAndAnEmptySize() {
    assertThat(run("bench", "--paths", "raw,bogus", "--size", "1k", "--no-openssl", "--dir", dir.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("usage: --paths: unknown path 'bogus'").contains("raw-unvalidated");
    assertThat(out.toString()).doesNotContain("|");
    assertThat(run("bench", "--size", "0", "--paths", "raw", "--no-openssl", "--dir", dir.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("usage: --size must be greater than 0");
    assertThat(out.toString()).doesNotContain("NaN");
  }

  @Test
  void benchTimesVerifyAloneOnItsOwnPath() {
    assertThat(run("bench", "--paths", "verify", "--size", "256k", "--runs", "3", "--no-openssl", "--dir", dir.toString()))
        .as(err.toString()).isZero();
    assertThat(out.toString().lines().filter(l -> l.startsWith("| verify | verified read #")).count()).isEqualTo(3);
    assertThat(out.toString().lines().filter(l -> l.startsWith("| verify | ")).map(l -> l.split("\\|")[3].trim()))
        .allMatch(mbps -> mbps.matches("\\d+") || mbps.equals("n/a"));
    assertThat(out.toString()).doesNotContain("NaN");
  }

  @Test
  void aDirectoryWhereAFileIsExpectedIsNamed() throws Exception {
    encrypt();
    Path sub = Files.createDirectory(dir.resolve("sub"));
    assertThat(run("verify", sub.toString(), "--key", p("recipient-key.pem"))).isEqualTo(2);
    assertThat(err.toString()).contains("error: " + sub + " is a directory");
    assertThat(run("inspect", sub.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("error: " + sub + " is a directory");
    assertThat(run("verify", p("export.tgz"), "--key", sub.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("error: " + sub + " is a directory").doesNotContain("no such key file");
    assertThat(run("verify", p("export.tgz"), "--key", p("recipient-key.pem"), "--pass-file", sub.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("error: " + sub + " is a directory");
    assertThat(run("encrypt", "--cert", p("other-cert.pem"), "--insecure-skip-certificate-check",
        "--in", sub.toString(), "--out", p("x.tgz"))).isEqualTo(2);
    assertThat(err.toString()).contains("error: " + sub + " is a directory");
    assertThat(run("decrypt", p("export.tgz"), "--key", p("recipient-key.pem"), "--out", sub.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--out " + sub + " exists and is not a regular file");
  }

  @Test
  void decryptOutIntoAMissingDirectoryFailsFirstNamingTheOutPath() throws Exception {
    encrypt();
    Path target = dir.resolve("missing").resolve("out.jsonl");
    assertThat(run("decrypt", p("export.tgz"), "--key", p("recipient-key.pem"), "--out", target.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("error: no such file: " + target + " (directory " + dir.resolve("missing") + " does not exist)")
        .doesNotContain("partial");
    assertThat(run("decrypt", p("export.tgz"), "--key", p("recipient-key.pem"), "--out", p("tokens.jsonl") + "/out.jsonl")).isEqualTo(2);
    assertThat(err.toString()).contains(p("tokens.jsonl") + " is not a directory");
    // before the verification pass: a missing key would otherwise be reported first
    assertThat(run("decrypt", p("export.tgz"), "--key", p("other-key.pem"), "--out", target.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("no such file: " + target).doesNotContain("wrong_key");
  }
}
