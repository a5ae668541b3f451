package io.hellgate.export.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hellgate.export.testkit.Pem;
import io.hellgate.export.testkit.TestCertificate;
import io.hellgate.export.testkit.TestPki;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults while export-tool writes: a full disk (a small tmpfs this test mounts), I/O errors on
 * standard input and output, and SIGKILL/SIGTERM of an export-tool process at random points of
 * encrypt and decrypt. Each time: no file under the target name, no plaintext left on disk, a clear
 * message and the documented exit code (2 for I/O errors; 137/143 for the signals).
 */
class FaultInjectionTest {
  @TempDir static Path dir;
  static Path tokensFile;
  static Path archive;
  /** A plaintext marker: the first record's card number, which must never be on disk afterwards. */
  static byte[] pan;

  @BeforeAll
  static void setUp() throws Exception {
    try (TestPki pki = TestPki.builder().build()) {
      TestCertificate leaf = pki.leaf("CN=Export Recipient, O=Acme Payments GmbH, C=DE").ov().build();
      Pem.write(dir.resolve("cert.pem"), leaf.certificatePem());
      Pem.write(dir.resolve("key.pem"), leaf.privateKeyPem());
    }
    String tokens = CliConventionsTest.tokens(60_000, 300); // ~25 MB: writes that take a while
    tokensFile = Files.writeString(dir.resolve("tokens.jsonl"), tokens);
    pan = tokens.substring(tokens.indexOf("\"account_number\":\"") + 18, tokens.indexOf("\",\"scheme\"")).getBytes(StandardCharsets.US_ASCII);
    archive = dir.resolve("export.tgz");
    assertThat(run(InputStream.nullInputStream(), new ByteArrayOutputStream(), "encrypt", "--cert", p("cert.pem"),
        "--insecure-skip-certificate-check", "--in", tokensFile.toString(), "--out", archive.toString())).isZero();
  }

  private static final StringWriter ERR = new StringWriter();

  private static int run(InputStream stdin, ByteArrayOutputStream stdout, String... args) {
    ERR.getBuffer().setLength(0);
    return ExportTool.execute(args, new PrintWriter(new StringWriter(), true), new PrintWriter(ERR, true), stdout, stdin);
  }

  private static String p(String name) {
    return dir.resolve(name).toString();
  }

  /** The files in {@code d}, hidden ones included. */
  private static List<Path> files(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.toList();
    }
  }

  private static void assertNoPlaintextIn(Path d) throws IOException {
    for (Path f : files(d)) {
      byte[] content = Files.readAllBytes(f);
      assertThat(indexOf(content, pan)).as("plaintext (a card number) in " + f).isNegative();
    }
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  // ---------------------------------------------------------------------------------- full disk

  @Test
  void aFullDiskLeavesNoOutputAndNoTemporaryFile() throws Exception {
    Path full = Files.createDirectories(dir.resolve("full"));
    Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", full.toString())
        .redirectErrorStream(true).start();
    String why = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    Assumptions.assumeTrue(mount.waitFor() == 0,
        "cannot mount a 2 MiB tmpfs (needs root, as CI has): " + why.strip());
    try {
      int code = run(InputStream.nullInputStream(), new ByteArrayOutputStream(), "encrypt", "--cert", p("cert.pem"),
          "--insecure-skip-certificate-check", "--in", tokensFile.toString(), "--out", full.resolve("x.tgz").toString());
      assertThat(code).as(ERR.toString()).isEqualTo(ExportTool.USAGE_OR_IO);
      assertThat(ERR.toString()).contains("error: ").contains("No space left on device");
      assertThat(files(full)).as("nothing under the target name, no temporary file").isEmpty();

      code = run(InputStream.nullInputStream(), new ByteArrayOutputStream(), "decrypt", archive.toString(),
          "--key", p("key.pem"), "--out", full.resolve("x.jsonl").toString());
      assertThat(code).as(ERR.toString()).isEqualTo(ExportTool.USAGE_OR_IO);
      assertThat(ERR.toString()).contains("error: ").contains("No space left on device").doesNotContain("decrypted");
      assertThat(files(full)).as("no output, no plaintext partial file").isEmpty();
    } finally {
      new ProcessBuilder("umount", full.toString()).inheritIO().start().waitFor();
    }
  }

  // ---------------------------------------------------------------------------------- I/O errors

  /** Standard input that fails with EIO's message after {@code good} bytes. */
  private static InputStream failingAfter(byte[] data, int good) {
    return new InputStream() {
      private int pos;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (pos >= good) {
          throw new IOException("Input/output error");
        }
        int n = Math.min(len, Math.min(good, data.length) - pos);
        System.arraycopy(data, pos, b, off, n);
        pos += n;
        return n;
      }
    };
  }

  @Test
  void aReadErrorExitsTwoAndReleasesNothing() throws IOException {
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    int code = run(failingAfter(Files.readAllBytes(archive), 1 << 20), stdout, "decrypt", "-", "--key", p("key.pem"));
    assertThat(code).as(ERR.toString()).isEqualTo(ExportTool.USAGE_OR_IO);
    assertThat(ERR.toString()).startsWith("error: ").contains("Input/output error").doesNotContain("rejected");
    assertThat(stdout.size()).as("nothing released").isZero();

    Path out = Files.createDirectories(dir.resolve("read-error"));
    code = run(failingAfter(Files.readAllBytes(tokensFile), 1 << 20), stdout, "encrypt", "--cert", p("cert.pem"),
        "--insecure-skip-certificate-check", "--in", "-", "--out", out.resolve("y.tgz").toString());
    assertThat(code).as(ERR.toString()).isEqualTo(ExportTool.USAGE_OR_IO);
    assertThat(ERR.toString()).contains("Input/output error");
    assertThat(files(out)).as("no archive, no temporary file").isEmpty();
  }

  @Test
  void aWriteErrorOnStandardOutputExitsTwo() throws Exception {
    Process p = start(List.of("decrypt", archive.toString(), "--key", p("key.pem")), new java.io.File("/dev/full"));
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(stderr()).isEqualTo(ExportTool.USAGE_OR_IO);
    assertThat(stderr()).contains("writing standard output failed").doesNotContain("decrypted");

    p = start(List.of("encrypt", "--cert", p("cert.pem"), "--insecure-skip-certificate-check", "--in", tokensFile.toString(), "--out", "-"),
        new java.io.File("/dev/full"));
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(stderr()).isEqualTo(ExportTool.USAGE_OR_IO);
    assertThat(stderr()).contains("writing standard output failed").doesNotContain("wrote");
  }

  // ---------------------------------------------------------------------------------- terminal

  /**
   * Progress follows standard error, not {@link System#console()} (null as soon as standard output
   * is redirected): under a pseudo-terminal (util-linux script) with stdout to a file, verify and
   * decrypt show it; the same run on a pipe does not.
   */
  @Test
  void progressIsShownWhenStderrIsATerminalEvenWithStdoutRedirected() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String command = java + " -Xmx256m -cp '" + System.getProperty("java.class.path") + "' " + ExportTool.class.getName()
        + " decrypt '" + archive + "' --key '" + p("key.pem") + "' > '" + p("tty-out.jsonl") + "'";
    Process p = new ProcessBuilder("script", "-qec", command, "/dev/null").redirectErrorStream(true).start();
    String screen = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(screen).isZero();
    assertThat(screen).contains("pass 1/2 verifying: ").contains("/s").contains("decrypted 60000 records");
    assertThat(Files.size(dir.resolve("tty-out.jsonl"))).isEqualTo(Files.size(tokensFile));

    Process piped = start(List.of("verify", archive.toString(), "--key", p("key.pem")), null);
    piped.getInputStream().readAllBytes();
    assertThat(piped.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(stderr()).as("stderr is a file here").doesNotContain("verifying:");
  }

  // ---------------------------------------------------------------------------------- signals

  private static Process start(List<String> args, java.io.File stdout) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-cp", System.getProperty("java.class.path"), ExportTool.class.getName()));
    command.addAll(args);
    ProcessBuilder b = new ProcessBuilder(command).redirectError(dir.resolve("stderr.txt").toFile());
    if (stdout != null) {
      b.redirectOutput(stdout);
    }
    return b.start();
  }

  private static String stderr() throws IOException {
    return Files.readString(dir.resolve("stderr.txt"), StandardCharsets.UTF_8);
  }

  /** Waits until a file whose name matches {@code glob} exists in {@code d} (or the process ended). */
  private static boolean awaitFile(Path d, String glob, Process p) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline && p.isAlive()) {
      try (var s = Files.newDirectoryStream(d, glob)) {
        if (s.iterator().hasNext()) {
          return true;
        }
      }
      Thread.sleep(2);
    }
    return false;
  }

  @Test
  void sigkillDuringEncryptLeavesNoArchiveAndNoPlaintext() throws Exception {
    Random random = new Random(17);
    int killedMidWrite = 0;
    // Random points of the write; more runs if too few signals arrive before the end (a fast machine).
    for (int i = 0; i < 8 && killedMidWrite < 2; i++) {
      Path d = Files.createDirectories(dir.resolve("kill-encrypt-" + i));
      Process p = start(List.of("encrypt", "--cert", p("cert.pem"), "--insecure-skip-certificate-check",
          "--in", tokensFile.toString(), "--out", d.resolve("x.tgz").toString()), null);
      boolean writing = awaitFile(d, ".x.tgz.*", p);
      Thread.sleep(random.nextInt(80)); // a random point of the write
      p.destroyForcibly(); // SIGKILL
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      if (p.exitValue() == 0) {
        continue; // finished before the signal: then x.tgz is complete (verify checks it)
      }
      assertThat(p.exitValue()).isEqualTo(137);
      killedMidWrite += writing ? 1 : 0;
      assertThat(d.resolve("x.tgz")).as("no archive under the target name").doesNotExist();
      assertNoPlaintextIn(d); // a leftover .x.tgz.*.partial holds ciphertext only
    }
    assertThat(killedMidWrite).as("kills that hit the write").isPositive();
  }

  @Test
  void sigkillDuringDecryptLeavesNoFileUnderTheTargetNameAndTheNextRunRemovesThePartial() throws Exception {
    Random random = new Random(42);
    int killedMidWrite = 0;
    for (int i = 0; i < 8 && (i < 3 || killedMidWrite < 2); i++) {
      Path d = Files.createDirectories(dir.resolve("kill-decrypt-" + i));
      Process p = start(List.of("decrypt", archive.toString(), "--key", p("key.pem"), "--out", d.resolve("x.jsonl").toString()), null);
      boolean writing = i == 0
          ? sleepThen(300 + random.nextInt(500), p) // early: start-up, or the first megabytes of the one pass
          : awaitFile(d, PartialFiles.PREFIX + "*", p);
      Thread.sleep(random.nextInt(50));
      p.destroyForcibly();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      if (p.exitValue() == 0) {
        continue;
      }
      assertThat(p.exitValue()).isEqualTo(137);
      assertThat(d.resolve("x.jsonl")).as("no file under the target name").doesNotExist();
      List<Path> left = files(d);
      for (Path f : left) {
        killedMidWrite++;
        assertThat(f.getFileName().toString()).startsWith(PartialFiles.PREFIX).endsWith(PartialFiles.SUFFIX);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
      }
      // The next run into the same directory removes what the killed one left, and succeeds.
      assertThat(run(InputStream.nullInputStream(), new ByteArrayOutputStream(),
          "decrypt", archive.toString(), "--key", p("key.pem"), "--out", d.resolve("x.jsonl").toString())).as(ERR.toString()).isZero();
      assertThat(files(d)).containsExactly(d.resolve("x.jsonl"));
    }
    assertThat(killedMidWrite).as("kills that left a partial file (mid-write)").isPositive();
  }

  /**
   * {@code decrypt --out} reads once and writes the partial file as it decrypts (docs/security.md):
   * a change anywhere in the ciphertext, or an authentic archive with a malformed record, is found
   * at the end of the pass, after megabytes went to the partial file, which is then deleted.
   */
  @Test
  void decryptOutWritesInOnePassAndDeletesThePartialFileWhenTheEndFails() throws Exception {
    byte[] tgz = Files.readAllBytes(archive);
    byte[] tampered = tgz.clone();
    tampered[tgz.length * 3 / 4] ^= 0x04;
    Path bad = Files.write(dir.resolve("tampered.tgz"), tampered);
    Path d = Files.createDirectories(dir.resolve("one-pass"));
    int code = run(InputStream.nullInputStream(), new ByteArrayOutputStream(), "decrypt", bad.toString(), "--key", p("key.pem"),
        "--out", d.resolve("x.jsonl").toString());
    assertThat(code).as(ERR.toString()).isEqualTo(ExportTool.REJECTED);
    assertThat(ERR.toString()).containsAnyOf("rejected [tampered_content]", "rejected [malformed_archive]").doesNotContain("decrypted");
    assertThat(files(d)).as("no output, no partial file").isEmpty();

    // Authentic, but line 40,001 is no token record: written by the library without validation.
    java.security.cert.X509Certificate cert;
    try (InputStream in = Files.newInputStream(dir.resolve("cert.pem"))) {
      cert = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    Path malformed = dir.resolve("malformed.tgz");
    List<String> lines = Files.readAllLines(tokensFile);
    try (io.hellgate.export.ExportWriter w = io.hellgate.export.ExportWriter.open(malformed, io.hellgate.export.ExportWriter.options()
        .recipient(io.hellgate.export.Recipient.unverified(cert)).guardianInstance("test.on-hellgate.cloud").unvalidatedLines(true).build())) {
      for (int i = 0; i < lines.size(); i++) {
        w.writeLine(i == 40_000 ? "{\"id\":\"no-card\",\"created_at\":\"2023-10-01T12:00:00Z\"}" : lines.get(i));
      }
      w.finish();
    }
    code = run(InputStream.nullInputStream(), new ByteArrayOutputStream(), "decrypt", malformed.toString(), "--key", p("key.pem"),
        "--out", d.resolve("x.jsonl").toString());
    assertThat(code).as(ERR.toString()).isEqualTo(ExportTool.REJECTED);
    assertThat(ERR.toString()).contains("rejected [malformed_record]").contains("line 40001").doesNotContain("decrypted");
    assertThat(files(d)).as("no output, no partial file").isEmpty();
    assertNoPlaintextIn(d);

    code = run(InputStream.nullInputStream(), new ByteArrayOutputStream(), "decrypt", malformed.toString(), "--key", p("key.pem"),
        "--out", d.resolve("x.jsonl").toString(), "--skip-record-validation");
    assertThat(code).as("framing, tag and checksum are fine: " + ERR).isZero();
    assertThat(Files.size(d.resolve("x.jsonl"))).isGreaterThan(20L << 20);
  }

  private static boolean sleepThen(long millis, Process p) throws InterruptedException {
    Thread.sleep(millis);
    return false;
  }

  @Test
  void sigtermDuringDecryptDeletesThePartialFile() throws Exception {
    for (int attempt = 0; ; attempt++) {
      Path d = Files.createDirectories(dir.resolve("term-decrypt-" + attempt));
      Process p = start(List.of("decrypt", archive.toString(), "--key", p("key.pem"), "--out", d.resolve("x.jsonl").toString()), null);
      boolean writing = awaitFile(d, PartialFiles.PREFIX + "*", p);
      p.destroy(); // SIGTERM: the shutdown hook runs
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      if (!writing || p.exitValue() == 0) {
        assertThat(attempt).as("decrypt finished before the signal every time").isLessThan(4);
        continue;
      }
      assertThat(p.exitValue()).isEqualTo(143);
      assertThat(files(d)).as("no output, no plaintext partial file").isEmpty();
      return;
    }
  }
}
