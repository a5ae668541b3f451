package io.hellgate.export.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hellgate.export.testkit.Pem;
import io.hellgate.export.testkit.TestCertificate;
import io.hellgate.export.testkit.TestPki;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** export-tool as a separate process: what only a real process shows (pipes, signals, exit status). */
class ExportToolProcessTest {
  @TempDir Path dir;
  private Path archive;

  @BeforeEach
  void export() throws Exception {
    try (TestPki pki = TestPki.builder().build()) {
      TestCertificate leaf = pki.leaf("CN=Export Recipient, O=Acme Payments GmbH, C=DE").ov().build();
      Pem.write(dir.resolve("recipient-cert.pem"), leaf.certificatePem());
      Pem.write(dir.resolve("recipient-key.pem"), leaf.privateKeyPem());
      io.hellgate.export.crypto.RecipientKeys.writeEncryptedPem(leaf.privateKey(), "pw".toCharArray(), dir.resolve("encrypted-key.pem"));
      archive = CliFixtures.archive(dir, leaf.certificate(), 2000);
    }
  }

  /** Starts {@code export-tool ARGS} in a new JVM with this test's class path; stderr to a file. */
  private Process start(String... args) throws IOException {
    return start(List.of(), args);
  }

  /** Runs export-tool behind {@code prefix} (a command that runs the rest, such as setpriv). */
  private Process start(List<String> prefix, String... args) throws IOException {
    List<String> command = new ArrayList<>(prefix);
    command.addAll(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-cp", System.getProperty("java.class.path"), ExportTool.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectError(dir.resolve("stderr.txt").toFile()).start();
  }

  private String stderr() throws IOException {
    return Files.readString(dir.resolve("stderr.txt"), StandardCharsets.UTF_8);
  }

  /**
   * Regression: demo's tampering step read the whole archive into memory (twice), so {@code demo
   * --records 4000000} ran out of the launcher's 96 MiB heap. Here an archive of ~80 MB in a
   * 48 MiB heap.
   */
  @Test
  void demoOfManyRecordsRunsInASmallHeap() throws Exception {
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx48m",
        "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), ExportTool.class.getName(),
        "demo", "--records", "300000", "--dir", dir.resolve("demo").toString());
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    assertThat(output).contains("6. one ciphertext bit flipped: rejected [tampered_content]")
        .contains("demo: all steps behaved as expected");
    assertThat(Files.size(dir.resolve("demo").resolve("export-demo.tgz"))).isGreaterThan(48L << 20);
  }

  /**
   * A plain PEM key and certificate are read with the JDK alone: loading BouncyCastle's signed
   * jars cost ~0.15 s of every start (docs/performance.md, session 7). An encrypted key still
   * needs BouncyCastle, which shows that the class-loading log would catch it.
   */
  @Test
  void aPlainPemKeyLoadsNoBouncyCastleClass() throws Exception {
    for (boolean encrypted : new boolean[] {false, true}) {
      List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xlog:class+load=info", "-cp", System.getProperty("java.class.path"), ExportTool.class.getName(),
          "verify", archive.toString(), "--key", dir.resolve(encrypted ? "encrypted-key.pem" : "recipient-key.pem").toString(),
          "--cert", dir.resolve("recipient-cert.pem").toString()));
      if (encrypted) {
        command.addAll(List.of("--pass-env", "EXPORT_TEST_KEY_PASS"));
      }
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
      pb.environment().put("EXPORT_TEST_KEY_PASS", "pw");
      Process p = pb.start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(output.lines().filter(l -> !l.contains("[class,load]")).reduce("", (a, b) -> a + b + "\n")).isZero();
      assertThat(output).contains("[class,load]");
      if (encrypted) {
        assertThat(output).contains("org.bouncycastle.");
      } else {
        assertThat(output.lines().filter(l -> l.contains("org.bouncycastle."))).as("BouncyCastle classes loaded").isEmpty();
      }
    }
  }

  @Test
  void decryptToAClosedPipeExitsTwoWithoutReportingSuccess() throws Exception {
    Process p = start("decrypt", archive.toString(), "--key", dir.resolve("recipient-key.pem").toString());
    p.getInputStream().close(); // the reader of the pipe is gone, as with `| head` after it exited
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(stderr()).isEqualTo(2);
    assertThat(stderr()).contains("error: writing standard output failed").doesNotContain("decrypted");
  }

  @Test
  void verifyToAClosedPipeExitsTwo() throws Exception {
    Process p = start("verify", archive.toString(), "--key", dir.resolve("recipient-key.pem").toString());
    p.getInputStream().close();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(stderr()).isEqualTo(2);
    assertThat(stderr()).contains("error: writing standard output failed");
  }

  @Test
  void sigtermDuringDecryptOutLeavesNoPartialPlaintextFile() throws Exception {
    Path big;
    try (TestPki pki = TestPki.builder().build()) {
      TestCertificate leaf = pki.leaf("CN=Export Recipient, O=Acme Payments GmbH, C=DE").ov().build();
      Pem.write(dir.resolve("big-key.pem"), leaf.privateKeyPem());
      big = CliFixtures.archive(dir, leaf.certificate(), 300_000);
    }
    Path outDir = Files.createDirectory(dir.resolve("out"));
    Process p = start("decrypt", big.toString(), "--key", dir.resolve("big-key.pem").toString(),
        "--out", outDir.resolve("tokens.jsonl").toString());
    boolean sawPartial = false;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!sawPartial && p.isAlive() && System.nanoTime() < deadline) {
      try (var files = Files.list(outDir)) {
        sawPartial = files.anyMatch(f -> f.getFileName().toString().startsWith(DecryptCommand.PARTIAL_PREFIX)
            && f.getFileName().toString().endsWith(".partial"));
      }
      if (!sawPartial) {
        Thread.sleep(1);
      }
    }
    assertThat(sawPartial).as("the partial file appeared while decrypt ran (stderr: %s)", stderr()).isTrue();
    p.destroy(); // SIGTERM
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("killed by SIGTERM, not finished").isEqualTo(143);
    try (var files = Files.list(outDir)) {
      assertThat(files).as("neither plaintext file nor partial plaintext remains").isEmpty();
    }
  }

  @Test
  void permissionDeniedNamesTheFileAndComesBeforeVerification() throws Exception {
    Path key = dir.resolve("recipient-key.pem");
    Path readOnly = Files.createDirectory(dir.resolve("read-only"),
        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x")));
    // root (as in CI containers) writes anyway: then run the tool without the capabilities that let
    // it override file permissions, so that they are enforced as for any other user
    List<String> asUser = Files.isWritable(readOnly)
        ? List.of("setpriv", "--bounding-set=-dac_override,-dac_read_search") : List.of();
    Path out = readOnly.resolve("out.jsonl");
    Process p = start(asUser, "decrypt", archive.toString(), "--key", key.toString(), "--out", out.toString());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(stderr()).isEqualTo(2);
    assertThat(stderr()).contains("error: permission denied: " + out + " (directory " + readOnly + " is not writable)");

    Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("-w-------"));
    p = start(asUser, "verify", archive.toString(), "--key", key.toString());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(stderr()).isEqualTo(2);
    assertThat(stderr()).contains("error: permission denied: " + key);
  }
}
