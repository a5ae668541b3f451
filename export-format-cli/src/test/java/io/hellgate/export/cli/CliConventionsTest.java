package io.hellgate.export.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hellgate.export.testkit.Pem;
import io.hellgate.export.testkit.SyntheticRecords;
import io.hellgate.export.testkit.TestCertificate;
import io.hellgate.export.testkit.TestPki;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The conventions people expect of export-tool: -, --force, --quiet, --progress, --version, exit codes. */
class CliConventionsTest {
  @TempDir static Path dir;
  static String tokens;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private ByteArrayOutputStream stdout = new ByteArrayOutputStream();

  @BeforeAll
  static void pki() throws Exception {
    try (TestPki pki = TestPki.builder().build()) {
      TestCertificate leaf = pki.leaf("CN=Export Recipient, O=Acme Payments GmbH, C=DE").ov().build();
      Pem.write(dir.resolve("cert.pem"), leaf.certificatePem());
      Pem.write(dir.resolve("key.pem"), leaf.privateKeyPem());
    }
    tokens = tokens(50, 0);
    Files.writeString(dir.resolve("tokens.jsonl"), tokens);
  }

  /** {@code n} JSON Lines token records with Luhn-valid test PANs, each padded by {@code padding} bytes of metadata. */
  static String tokens(int n, int padding) {
    StringBuilder b = new StringBuilder();
    String pad = "x".repeat(padding);
    for (int i = 0; i < n; i++) {
      String pan = SyntheticRecords.luhnComplete(String.format(java.util.Locale.ROOT, "411111%09d", i));
      b.append("{\"id\":\"t-").append(i).append("\",\"card\":{\"cardholder_name\":\"Zoë\",\"expiry_month\":12,")
          .append("\"expiry_year\":2030,\"account_number\":\"").append(pan).append("\",\"scheme\":\"visa\"},")
          .append("\"created_at\":\"2023-10-01T12:00:00Z\"")
          .append(padding > 0 ? ",\"metadata\":{\"note\":\"" + pad + "\"}" : "").append("}\n");
    }
    return b.toString();
  }

  private int run(InputStream stdin, String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    stdout = new ByteArrayOutputStream();
    return ExportTool.execute(args, new PrintWriter(out, true), new PrintWriter(err, true), stdout, stdin);
  }

  private int run(String... args) {
    return run(InputStream.nullInputStream(), args);
  }

  private static String p(String name) {
    return dir.resolve(name).toString();
  }

  private int encrypt(String outName, String... more) {
    String[] base = {"encrypt", "--cert", p("cert.pem"), "--insecure-skip-certificate-check", "--in", p("tokens.jsonl"), "--out", p(outName)};
    String[] args = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, args, base.length, more.length);
    return run(args);
  }

  @Test
  void encryptRefusesAnExistingOutputUnlessForced() throws IOException {
    Files.writeString(dir.resolve("taken.tgz"), "keep me");
    assertThat(encrypt("taken.tgz")).isEqualTo(ExportTool.USAGE_OR_IO);
    assertThat(err.toString()).contains("--out " + p("taken.tgz") + " exists: give --force to replace it");
    assertThat(Files.readString(dir.resolve("taken.tgz"))).isEqualTo("keep me");
    assertThat(encrypt("taken.tgz", "--force")).as(err.toString()).isZero();
    assertThat(Files.size(dir.resolve("taken.tgz"))).isGreaterThan(100);
  }

  @Test
  void decryptRefusesAnExistingOutputUnlessForced() throws IOException {
    assertThat(encrypt("d.tgz", "--force")).isZero();
    Files.writeString(dir.resolve("d.jsonl"), "keep me");
    assertThat(run("decrypt", p("d.tgz"), "--key", p("key.pem"), "--out", p("d.jsonl"))).isEqualTo(ExportTool.USAGE_OR_IO);
    assertThat(err.toString()).contains("exists: give --force to replace it");
    assertThat(Files.readString(dir.resolve("d.jsonl"))).isEqualTo("keep me");
    assertThat(run("decrypt", p("d.tgz"), "--key", p("key.pem"), "--out", p("d.jsonl"), "-f")).as(err.toString()).isZero();
    assertThat(Files.readString(dir.resolve("d.jsonl"))).isEqualTo(tokens);
  }

  @Test
  void aDashIsStandardInputAndOutputEverywhere() throws IOException {
    assertThat(run(new ByteArrayInputStream(tokens.getBytes(StandardCharsets.UTF_8)),
        "encrypt", "--cert", p("cert.pem"), "--insecure-skip-certificate-check", "--in", "-", "--out", "-")).as(err.toString()).isZero();
    byte[] archive = stdout.toByteArray();
    assertThat(archive).startsWith((byte) 0x1f, (byte) 0x8b);
    assertThat(out.toString()).as("stdout holds the archive only").isEmpty();
    assertThat(err.toString()).contains("wrote standard output: 50 records");

    assertThat(run(new ByteArrayInputStream(archive), "decrypt", "-", "--key", p("key.pem"))).as(err.toString()).isZero();
    assertThat(stdout.toString(StandardCharsets.UTF_8)).isEqualTo(tokens);
    assertThat(run(new ByteArrayInputStream(archive), "decrypt", "-", "--key", p("key.pem"), "--out", "-")).isZero();
    assertThat(stdout.toString(StandardCharsets.UTF_8)).isEqualTo(tokens);
    assertThat(run(new ByteArrayInputStream(archive), "verify", "-", "--key", p("key.pem"))).isZero();
    assertThat(out.toString()).contains("verified: standard input").contains("record_count: 50");
    assertThat(run(new ByteArrayInputStream(archive), "inspect", "-")).isZero();
    assertThat(out.toString()).contains("record_count:      50");
    assertThat(run(new ByteArrayInputStream(Files.readAllBytes(dir.resolve("cert.pem"))), "check-cert", "-", "--trust", p("cert.pem")))
        .as(out + err.toString()).isIn(0, 1);
    assertThat(out.toString()).contains("REJECTED").doesNotContain("error");
  }

  @Test
  void decryptToStandardOutputWritesNothingUnlessTheWholeArchiveVerifies() {
    assertThat(run(new ByteArrayInputStream(tokens.getBytes(StandardCharsets.UTF_8)),
        "encrypt", "--cert", p("cert.pem"), "--insecure-skip-certificate-check", "--in", "-", "--out", "-")).isZero();
    byte[] archive = stdout.toByteArray();
    // the last ciphertext byte sits before the tar's end-of-archive blocks and the gzip trailer:
    // rebuilding the archive is simpler through the reader's own checks, so flip a byte near the end
    // of the stored data and expect a rejection (gzip CRC or GCM tag) with nothing released.
    byte[] tampered = archive.clone();
    tampered[tampered.length - 1100] ^= 1;
    assertThat(run(new ByteArrayInputStream(tampered), "decrypt", "-", "--key", p("key.pem"))).isEqualTo(ExportTool.REJECTED);
    assertThat(stdout.size()).as("bytes released to stdout").isZero();
    assertThat(err.toString()).startsWith("rejected [");
  }

  @Test
  void quietPrintsNothingButErrors() throws IOException {
    assertThat(encrypt("q.tgz", "--force", "--quiet")).isZero();
    assertThat(out.toString() + err.toString()).contains("warning").doesNotContain("wrote");
    assertThat(run("verify", p("q.tgz"), "--key", p("key.pem"), "-q")).isZero();
    assertThat(out.toString() + err.toString()).isEmpty();
    Files.deleteIfExists(dir.resolve("q.jsonl"));
    assertThat(run("decrypt", p("q.tgz"), "--key", p("key.pem"), "--out", p("q.jsonl"), "--quiet", "--progress")).isZero();
    assertThat(out.toString() + err.toString()).as("--quiet wins over --progress").isEmpty();
    assertThat(run("verify", p("missing.tgz"), "--key", p("key.pem"), "-q")).isEqualTo(ExportTool.USAGE_OR_IO);
    assertThat(err.toString()).contains("missing.tgz");
  }

  @Test
  void progressShowsBytesRateAndEveryPassWhenForced() throws IOException {
    assertThat(encrypt("pr.tgz", "--force", "--progress")).isZero();
    assertThat(err.toString()).containsPattern("encrypting: [0-9.]+ KiB in [0-9.]+ s, [0-9.]+ (B|KiB|MiB)/s");
    assertThat(run("verify", p("pr.tgz"), "--key", p("key.pem"), "--progress")).isZero();
    assertThat(err.toString()).containsPattern("verifying: [0-9.]+ KiB in [0-9.]+ s").doesNotContain("pass 1/");
    Files.deleteIfExists(dir.resolve("pr.jsonl"));
    assertThat(run("decrypt", p("pr.tgz"), "--key", p("key.pem"), "--out", p("pr.jsonl"), "--progress")).isZero();
    assertThat(err.toString()).as("--out FILE reads the archive once").containsPattern("decrypting: [0-9.]+ KiB in")
        .doesNotContain("pass 1/");
    assertThat(run("decrypt", p("pr.tgz"), "--key", p("key.pem"), "--progress")).isZero();
    assertThat(err.toString()).as("to stdout: verified first, then written").containsPattern("pass 1/2 verifying: [0-9.]+ KiB in")
        .containsPattern("pass 2/2 writing: [0-9.]+ KiB in");
    assertThat(run("verify", p("pr.tgz"), "--key", p("key.pem"))).isZero();
    assertThat(err.toString()).as("not a terminal, not forced").doesNotContain("verifying:");
  }

  @Test
  void progressLineHasRateAndEta() {
    Progress progress = Progress.of(new PrintWriter(new StringWriter()), new UiOptions(), 2);
    try (Progress.Pass pass = progress.pass("verifying", 10L << 20)) {
      pass.accept(5L << 20);
      assertThat(pass.line(false)).matches("pass 1/2 verifying: 5\\.0 MiB of 10\\.0 MiB \\(50%\\), [0-9.]+ (KiB|MiB|GiB|TiB)/s, ETA [0-9]+:[0-9]{2}");
    }
    assertThat(Progress.bytes(512)).isEqualTo("512 B");
    assertThat(Progress.bytes(1536)).isEqualTo("1.5 KiB");
    assertThat(Progress.bytes(3L << 30)).isEqualTo("3.0 GiB");
  }

  @Test
  void versionNamesBuildFormatAndJava() {
    assertThat(run("--version")).isZero();
    assertThat(out.toString()).contains("export-tool ").contains("(formats 1.0 and 1.1)").contains("Java " + System.getProperty("java.version"));
    assertThat(run("decrypt", "--version")).isZero();
    assertThat(out.toString()).contains("(formats 1.0 and 1.1)");
  }

  @Test
  void everyHelpListsTheExitCodes() {
    for (String command : new String[] {"encrypt", "decrypt", "verify", "inspect", "demo"}) {
      assertThat(run(command, "--help")).isZero();
      assertThat(out.toString()).as(command).contains("Exit codes:").containsPattern("\\s+0\\s+success")
          .containsPattern("\\s+1\\s+rejected").containsPattern("\\s+2\\s+usage or I/O error");
    }
  }

  /** Key rotation: the old and the new key are protected by different passwords. */
  @Test
  void eachKeyOptionTakesItsOwnPasswordOption() throws Exception {
    Path older = dir.resolve("rotation-old");
    Path newer = dir.resolve("rotation-new");
    for (Path d : new Path[] {older, newer}) {
      Files.createDirectories(d);
      try (TestPki pki = TestPki.builder().build()) {
        TestCertificate leaf = pki.leaf("CN=Rotation, O=Acme Payments GmbH, C=DE").ov().build();
        Pem.write(d.resolve("cert.pem"), leaf.certificatePem());
        String password = d.getFileName().toString();
        io.hellgate.export.crypto.RecipientKeys.writeEncryptedPem(leaf.privateKey(), password.toCharArray(), d.resolve("key.pem"));
        Files.writeString(d.resolve("pass"), password + "\n");
      }
      assertThat(run("encrypt", "--cert", d.resolve("cert.pem").toString(), "--insecure-skip-certificate-check",
          "--in", p("tokens.jsonl"), "--out", d.resolve("export.tgz").toString(), "--force")).as(err.toString()).isZero();
    }
    String[] keys = {"--key", older.resolve("key.pem").toString(), "--pass-file", older.resolve("pass").toString(),
        "--key", newer.resolve("key.pem").toString(), "--pass-file", newer.resolve("pass").toString()};
    for (Path d : new Path[] {older, newer}) {
      String[] args = new String[keys.length + 2];
      args[0] = "verify";
      args[1] = d.resolve("export.tgz").toString();
      System.arraycopy(keys, 0, args, 2, keys.length);
      assertThat(run(args)).as(err.toString()).isZero();
    }
    // swapped: each key gets the other's password
    assertThat(run("verify", newer.resolve("export.tgz").toString(),
        "--key", older.resolve("key.pem").toString(), "--pass-file", newer.resolve("pass").toString(),
        "--key", newer.resolve("key.pem").toString(), "--pass-file", older.resolve("pass").toString())).isEqualTo(ExportTool.USAGE_OR_IO);
    assertThat(err.toString()).contains("wrong password for " + older.resolve("key.pem")).doesNotContain("rotation-new\n");
    // two password options after one key
    assertThat(run("verify", newer.resolve("export.tgz").toString(), "--key", newer.resolve("key.pem").toString(),
        "--pass-file", newer.resolve("pass").toString(), "--pass-env", "X")).isEqualTo(ExportTool.USAGE_OR_IO);
    assertThat(err.toString()).contains("not both: one per key option");
  }

  @Test
  void demoRemovesItsTemporaryDirectoryButKeepsDir() throws IOException {
    assertThat(run("demo", "--records", "3")).as(out.toString()).isZero();
    Matcher m = Pattern.compile("files in (\\S+) \\(removed at the end\\)").matcher(out.toString());
    assertThat(m.find()).as(out.toString()).isTrue();
    assertThat(Path.of(m.group(1))).doesNotExist();
    assertThat(out.toString()).contains("removed " + m.group(1));
    assertThat(run("demo", "--records", "3", "--dir", p("kept-demo"))).isZero();
    assertThat(dir.resolve("kept-demo").resolve("export-demo.tgz")).exists();
  }
}
