package io.hellgate.export.testkit.golden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs docs/vectors/verify_vectors.py, an independent Python reader (the cryptography package, its
 * own gzip/tar/JSON handling), over the committed vectors: proof that they are not Java-shaped.
 * Skips when python3 or cryptography is missing; {@code -Dverify.python=/path/to/python3} picks
 * another interpreter.
 */
class PythonRunnerTest {
  static final Path SCRIPT = Path.of("..", "docs", "vectors", "verify_vectors.py");
  static final Path GOLDEN = Path.of("src", "main", "resources", "golden");
  static final String PYTHON = System.getProperty("verify.python", "python3");

  @BeforeAll
  static void pythonWithCryptography() throws Exception {
    assumeTrue(Files.isRegularFile(SCRIPT), "skipped: " + SCRIPT.toAbsolutePath() + " is absent");
    int rc;
    try {
      Process p = new ProcessBuilder(PYTHON, "-c", "import cryptography").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      rc = p.waitFor(60, TimeUnit.SECONDS) ? p.exitValue() : -1;
    } catch (IOException e) {
      rc = -1;
    }
    assumeTrue(rc == 0, "skipped: " + PYTHON + " with the 'cryptography' package is not available (pip install cryptography)");
  }

  static final class Run {
    final int exitCode;
    final JsonNode results;

    Run(int exitCode, JsonNode results) {
      this.exitCode = exitCode;
      this.results = results;
    }
  }

  static Run run(Path golden, String... flags) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(PYTHON, SCRIPT.toString(), golden.toString(), "--json"));
    cmd.addAll(List.of(flags));
    Process p = new ProcessBuilder(cmd).start();
    byte[] out = p.getInputStream().readAllBytes();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("stderr: %s", err).isIn(0, 1);
    return new Run(p.exitValue(), new ObjectMapper().readTree(out).get("results"));
  }

  @Test
  void pythonReaderAgreesWithEveryVector() throws Exception {
    Run run = run(GOLDEN);
    List<String> failed = new ArrayList<>();
    int validChecked = 0;
    for (JsonNode r : run.results) {
      if (!r.get("passed").asBoolean()) {
        failed.add(r.get("id").asText() + ": expected " + r.get("expected").asText() + ", got " + r.get("got").asText());
      } else if (r.get("expected").asText().equals("valid")) {
        validChecked++;
      }
    }
    assertThat(failed).as("vectors the Python reader disagrees with").isEmpty();
    assertThat(run.results).hasSize(ConformanceSuite.vectors().size());
    assertThat(validChecked).isEqualTo((int) ConformanceSuite.vectors().stream().filter(Vector::isValid).count());
    assertThat(run.exitCode).isZero();
  }

  /**
   * Format 1.1 is a minor version (docs/format.md section 10): a 1.0 reader, which ignores the
   * request and signature members, decrypts every 1.1 archive, the tampered-signature ones too.
   */
  @Test
  void aOneZeroReaderDecryptsEveryOneOneArchive() throws Exception {
    Run run = run(GOLDEN, "--v1.0");
    List<String> v11 = new ArrayList<>();
    for (JsonNode r : run.results) {
      assertThat(r.get("passed").asBoolean()).as("%s in 1.0-only mode: got %s", r.get("id").asText(), r.get("got").asText()).isTrue();
      if (r.get("id").asText().startsWith("v11-")) {
        assertThat(r.get("got").asText()).isEqualTo("valid");
        v11.add(r.get("id").asText());
      }
    }
    assertThat(v11).hasSize(6);
    assertThat(run.exitCode).isZero();
  }

  @Test
  void pythonRunnerReportsAWrongExpectation(@TempDir Path tmp) throws Exception {
    copy(GOLDEN, tmp);
    Path index = tmp.resolve("vectors.json");
    String text = Files.readString(index).replaceFirst("\"reason\": \"tampered_content\"", "\"reason\": \"wrong_key\"");
    Files.writeString(index, text);
    Run run = run(tmp);
    assertThat(run.exitCode).isEqualTo(1);
    assertThat(run.results).filteredOn(r -> !r.get("passed").asBoolean()).hasSize(1);
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
  }
}
