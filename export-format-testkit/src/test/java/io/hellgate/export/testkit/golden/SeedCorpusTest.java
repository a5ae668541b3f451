package io.hellgate.export.testkit.golden;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * The fuzz tests' seed corpora (core and crypto, which cannot depend on the testkit) are copies of
 * the golden vectors made by tools/fuzz-seeds.py: each copy still equals its vector, so a changed
 * vector is noticed (rerun the script).
 */
class SeedCorpusTest {
  private static final Path REPO = Path.of("").toAbsolutePath().getParent();
  private static final Path ARCHIVE_SEEDS = REPO.resolve(
      "export-format-core/src/test/resources/io/hellgate/export/ArchiveReaderFuzzTestInputs/anyArchiveIsReadOrRejectedTyped");

  private static byte[] golden(String name) throws IOException {
    try (InputStream in = SeedCorpusTest.class.getResourceAsStream("/golden/" + name)) {
      assertThat(in).as("golden vector " + name).isNotNull();
      return in.readAllBytes();
    }
  }

  @Test
  void archiveSeedsAreTheGoldenArchives() throws IOException {
    List<Path> seeds;
    try (Stream<Path> s = Files.list(ARCHIVE_SEEDS)) {
      seeds = s.filter(p -> p.getFileName().toString().startsWith("seed-golden-")).toList();
    }
    assertThat(seeds).hasSizeGreaterThan(40);
    for (Path seed : seeds) {
      String name = seed.getFileName().toString().substring("seed-golden-".length());
      byte[] actual = Files.readAllBytes(seed);
      if (name.endsWith(".tar")) {
        byte[] tgz = golden("archives/" + name.replace(".tar", ".tgz"));
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(tgz))) {
          assertThat(actual).as(name).isEqualTo(in.readAllBytes());
        }
      } else {
        assertThat(actual).as(name).isEqualTo(golden("archives/" + name));
      }
    }
  }

  @Test
  void keySeedsAreTheGoldenKeys() throws IOException {
    assertThat(Files.readAllBytes(REPO.resolve("export-format-core/src/test/resources/fixtures/golden/recipient-key.pem")))
        .isEqualTo(golden("keys/recipient-key.pem"));
    assertThat(Files.readAllBytes(REPO.resolve("export-format-crypto/src/test/resources/io/hellgate/export/crypto/"
        + "CertificateFuzzTestInputs/anyCertificateInputIsParsedOrRejectedTyped/seed-golden-recipient-cert.pem")))
        .isEqualTo(golden("keys/recipient-cert.pem"));
    assertThat(Files.readAllBytes(REPO.resolve("export-format-crypto/src/test/resources/io/hellgate/export/crypto/"
        + "PemKeyFuzzTestInputs/anyKeyFileIsLoadedOrRejectedTyped/seed-golden-recipient-key.pem")))
        .isEqualTo(golden("keys/recipient-key.pem"));
  }
}
