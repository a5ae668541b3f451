package io.hellgate.export.testkit.golden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hellgate.export.ExportReader;
import io.hellgate.export.RecipientKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Interoperability with the system's tar(1) and gzip: it lists and extracts the writer's golden
 * archive, and the reader accepts the writer's files repacked by {@code tar czf} in each of GNU
 * tar's formats. Skips when tar or gzip is missing.
 */
class SystemTarInteropTest {
  @BeforeAll
  static void tarAndGzip() {
    assumeTrue(exec(null, "tar", "--version") == 0 && exec(null, "gzip", "--version") == 0,
        "skipped: tar(1) and gzip are needed");
  }

  static int exec(Path dir, String... command) {
    try {
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
      if (dir != null) {
        pb.directory(dir.toFile());
      }
      Process p = pb.start();
      p.getInputStream().readAllBytes();
      return p.waitFor(60, TimeUnit.SECONDS) ? p.exitValue() : -1;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  @Test
  void systemTarExtractsTheWritersArchive(@TempDir Path tmp) throws Exception {
    Files.write(tmp.resolve("export.tgz"), GoldenArchivesTest.resource("archives/valid-small.tgz"));
    Files.createDirectories(tmp.resolve("out"));
    assertThat(exec(tmp, "tar", "xzf", "export.tgz", "-C", "out")).isZero();
    assertThat(Files.size(tmp.resolve("out/tokens.jsonl.enc"))).isEqualTo(767);
    assertThat(Files.readString(tmp.resolve("out/manifest.json"), StandardCharsets.UTF_8))
        .startsWith("{\n  \"version\": \"1.0\",");
  }

  @ParameterizedTest
  @ValueSource(strings = {"gnu", "pax", "ustar", "posix"})
  void readerAcceptsTarCzfOutput(String format, @TempDir Path tmp) throws Exception {
    Files.write(tmp.resolve("in.tgz"), GoldenArchivesTest.resource("archives/valid-large.tgz"));
    Files.createDirectories(tmp.resolve("x"));
    assertThat(exec(tmp, "tar", "xzf", "in.tgz", "-C", "x")).isZero();
    assertThat(exec(tmp.resolve("x"), "tar", "--format=" + format, "-czf", "../repacked.tgz",
        "./tokens.jsonl.enc", "./manifest.json")).isZero();
    RecipientKey key = RecipientKey.of(
        Pem.privateKey(GoldenArchivesTest.resource("keys/recipient-key.pem")), GoldenArchivesTest.recipient());
    List<String> lines = new ArrayList<>();
    try (ExportReader r = ExportReader.open(tmp.resolve("repacked.tgz"), ExportReader.options().key(key).build())) {
      for (String line; (line = r.nextLine()) != null; ) {
        lines.add(line);
      }
    }
    String expected = new String(GoldenArchivesTest.resource("plaintext/valid-large.jsonl"), StandardCharsets.UTF_8);
    assertThat(String.join("\n", lines) + "\n").isEqualTo(expected);
  }
}
