package io.hellgate.export.testkit.golden;

import static org.assertj.core.api.Assertions.assertThat;

import io.hellgate.export.ExportManifest;
import io.hellgate.export.ExportReader;
import io.hellgate.export.RecipientKey;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GoldenArchivesTest {
  static byte[] resource(String name) throws IOException {
    try (InputStream in = GoldenArchivesTest.class.getResourceAsStream("/golden/" + name)) {
      assertThat(in).as("resource golden/" + name).isNotNull();
      return in.readAllBytes();
    }
  }

  static X509Certificate recipient() throws IOException {
    return Pem.certificate(resource("keys/recipient-cert.pem"));
  }

  @Test
  void everyValidGoldenDecryptsToItsExpectedPlaintext() throws Exception {
    List<Vector> valid = ConformanceSuite.vectors().stream().filter(Vector::isValid).collect(Collectors.toList());
    assertThat(valid).hasSizeGreaterThanOrEqualTo(12);
    for (Vector v : valid) {
      if (KnownCoreBugs.VECTORS.containsKey(v.id())) {
        continue;
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ExportReader.Options options = ExportReader.options().key(RecipientKey.of(v.privateKey(), v.certificate())).build();
      try (ExportReader r = ExportReader.open(new ByteArrayInputStream(v.archive()), options)) {
        assertThat(r.manifest().recordCount()).as(v.id()).isEqualTo(v.recordCount());
        assertThat(r.manifest().checksum()).as(v.id()).isEqualTo(v.checksum());
        for (String line; (line = r.nextLine()) != null; ) {
          out.writeBytes((line + "\n").getBytes(StandardCharsets.UTF_8));
        }
      }
      assertThat(out.toByteArray()).as(v.id()).isEqualTo(v.plaintext());
      String sha = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(v.plaintext()));
      assertThat(sha).as(v.id()).isEqualTo(v.checksum());
    }
  }

  @Test
  void writerReproducesTheWriterMadeGoldensByteForByte() throws Exception {
    for (String name : GoldenSet.WRITER_MADE) {
      assertThat(GoldenSet.writerArchive(name, recipient()))
          .as("ExportWriter output for golden %s (pinned clock, id and DeterministicRandom)", name)
          .isEqualTo(resource("archives/" + name + ".tgz"));
    }
  }

  @Test
  void generatorSealsExactlyAsTheWriterForTheSameRandomness() throws Exception {
    byte[] plaintext = resource("plaintext/valid-small.jsonl");
    Seal seal =
        Seal.of(plaintext, recipient(), DeterministicRandom.fromLabel("golden/valid-small"),
            GoldenSet.exportId("valid-small"), GoldenSet.CREATED_AT, GoldenSet.GUARDIAN);
    ExportManifest written;
    try (InputStream in = new ByteArrayInputStream(resource("archives/valid-small.tgz"))) {
      ExportReader r = ExportReader.open(in, ExportReader.options().key(RecipientKey.of(Pem.privateKey(resource("keys/recipient-key.pem")))).build());
      written = r.manifest();
      r.close();
    }
    assertThat(new String(seal.manifestJson(), StandardCharsets.UTF_8))
        .isEqualTo(new String(written.toJson(), StandardCharsets.UTF_8));
  }

  @Test
  void generatorReproducesEveryCommittedFile(@TempDir Path tmp) throws Exception {
    Files.createDirectories(tmp.resolve("keys"));
    for (String k : List.of("recipient-key.pem", "recipient-cert.pem", "other-key.pem", "other-cert.pem",
        "signer-key.pem", "signer-cert.pem", "signer-root-cert.pem", "untrusted-signer-key.pem", "untrusted-signer-cert.pem")) {
      Files.write(tmp.resolve("keys").resolve(k), resource("keys/" + k));
    }
    int n = GoldenGenerator.generate(tmp);
    assertThat(n).isEqualTo(ConformanceSuite.vectors().size());
    assertThat(Files.readAllBytes(tmp.resolve("vectors.json"))).isEqualTo(resource("vectors.json"));
    for (String sub : List.of("archives", "plaintext")) {
      try (Stream<Path> files = Files.list(tmp.resolve(sub))) {
        for (Path f : (Iterable<Path>) files::iterator) {
          assertThat(Files.readAllBytes(f))
              .as("regenerated %s/%s; run export-format-testkit/generate-golden.sh and review the diff", sub, f.getFileName())
              .isEqualTo(resource(sub + "/" + f.getFileName()));
        }
      }
    }
  }

  @Test
  void vectorsCoverEveryReasonCode() {
    var reasons = ConformanceSuite.vectors().stream().map(v -> v.reason().orElse("valid")).collect(Collectors.toSet());
    assertThat(reasons)
        .contains("valid", "malformed_archive", "malformed_manifest", "unsupported_version", "unsupported_algorithm",
            "wrong_key", "tampered_content", "checksum_mismatch", "record_count_mismatch", "malformed_record",
            "limit_exceeded");
  }

  @Test
  void committedSizeStaysSmall() throws Exception {
    long total = 0;
    for (Vector v : ConformanceSuite.vectors()) {
      total += v.archive().length + v.plaintext().length;
    }
    assertThat(total).isLessThan(2L << 20);
  }
}
