package io.hellgate.export.testkit.golden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hellgate.export.testkit.golden.Implementation.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ExternalReaderTest {
  /** docs/vectors/read_export.py, run from the module directory as surefire does. */
  static final Path SCRIPT = Path.of("..", "docs", "vectors", "read_export.py");

  static ExternalReader python() {
    return ExternalReader.of(List.of(PythonRunnerTest.PYTHON, SCRIPT.toString(), "{key}", "{certificate}"));
  }

  /** Skips (with the reason) unless python3 with 'cryptography' and the script are present; CI has both. */
  static void assumePython() throws Exception {
    assumeTrue(Files.isRegularFile(SCRIPT), "skipped: " + SCRIPT.toAbsolutePath() + " is absent");
    int rc;
    try {
      Process p = new ProcessBuilder(PythonRunnerTest.PYTHON, "-c", "import cryptography").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      rc = p.waitFor(60, TimeUnit.SECONDS) ? p.exitValue() : -1;
    } catch (IOException e) {
      rc = -1;
    }
    assumeTrue(rc == 0, "skipped: " + PythonRunnerTest.PYTHON + " with the 'cryptography' package is not available");
  }

  private static Vector smallValid() {
    return ConformanceSuite.vectors().stream().filter(v -> v.id().equals("valid-small")).findFirst().orElseThrow();
  }

  /**
   * The first vector of each expected result (valid and every reason code): the protocol, not the
   * reader, is under test here; PythonRunnerTest runs the Python reader over every vector in one
   * process, and PythonReaderContractTest runs the contract properties through this protocol.
   */
  @Test
  void pythonReaderPassesOneVectorPerResultThroughTheSubprocessProtocol() throws Exception {
    assumePython();
    java.util.Map<String, Vector> firstPerResult = new java.util.LinkedHashMap<>();
    for (Vector v : ConformanceSuite.vectors()) {
      if (v.signerTrustPem().isEmpty()) { // 1.1 vectors need signer trust, which the protocol does not pass
        firstPerResult.putIfAbsent(v.reason().orElse("valid"), v);
      }
    }
    assertThat(firstPerResult).hasSize(11);
    ConformanceSuite.run(python(), List.copyOf(firstPerResult.values())).assertPassed();
  }

  @Test
  void outputBeforeARejectionCountsAsReleased() throws Exception {
    ExternalReader leaky = ExternalReader.of(List.of("sh", "-c",
        "cat >/dev/null; echo '{\"id\":\"early\"}'; echo tampered_content >&2; exit 1"));
    Vector tampered = ConformanceSuite.vectors().stream().filter(v -> v.id().equals("tampered-ciphertext")).findFirst().orElseThrow();
    Outcome o = leaky.read(tampered);
    assertThat(o.isValid()).isFalse();
    assertThat(o.reason()).isEqualTo("tampered_content");
    assertThat(o.released()).hasSize(15);
    assertThat(ConformanceSuite.run(leaky, List.of(tampered)).failures())
        .singleElement().satisfies(r -> assertThat(r.problem()).isEqualTo("released 15 bytes before rejecting with tampered_content"));
  }

  @Test
  void keyAndCertificateArePassedAsPemFiles() throws Exception {
    Outcome o = ExternalReader.of(List.of("sh", "-c", "cat >/dev/null; head -1 \"$0\"; head -1 \"$1\"", "{key}", "{certificate}"))
        .read(smallValid());
    assertThat(new String(o.plaintext(), java.nio.charset.StandardCharsets.US_ASCII))
        .isEqualTo("-----BEGIN PRIVATE KEY-----\n-----BEGIN CERTIFICATE-----\n");
  }

  @Test
  void aCrashIsAnErrorNotAVerdict() {
    assertThatThrownBy(() -> ExternalReader.of(List.of("sh", "-c", "echo boom >&2; exit 3")).read(smallValid()))
        .isInstanceOf(IOException.class).hasMessageContaining("status 3").hasMessageContaining("boom");
    assertThatThrownBy(() -> ExternalReader.of(List.of("sh", "-c", "exit 1")).read(smallValid()))
        .isInstanceOf(IOException.class).hasMessageContaining("without a reason");
  }

  @Test
  void aHungReaderIsKilledAtTheTimeout() {
    long start = System.nanoTime();
    assertThatThrownBy(() -> ExternalReader.of(List.of("sleep", "30")).withTimeout(Duration.ofMillis(500)).read(smallValid()))
        .isInstanceOf(IOException.class).hasMessageContaining("ran past");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
  }
}
