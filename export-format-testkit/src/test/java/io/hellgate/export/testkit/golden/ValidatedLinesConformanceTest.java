package io.hellgate.export.testkit.golden;

import static org.assertj.core.api.Assertions.assertThat;

import io.hellgate.export.ExportFormatException;
import io.hellgate.export.ExportReader;
import io.hellgate.export.RecipientKey;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * Every conformance vector through the path {@code export-tool verify} and {@code decrypt} use:
 * raw lines with {@code validateRecords(true)}, where the verification pass checks each record
 * (the byte-level fast path, and the full parser for whatever it is unsure of). It must judge
 * every vector as the typed reader does: the same valid plaintext, the same reason codes.
 */
class ValidatedLinesConformanceTest {
  private static Implementation validatedLines(boolean fromFile) {
    return v -> {
      ExportReader.Options.Builder builder = ExportReader.options()
          .key(RecipientKey.of(v.privateKey(), v.certificate())).validateRecords(true).checkScope(v.checkScope());
      if (v.signerTrustPem().isPresent()) {
        // format 1.1 vectors are judged with their signer trust, as ConformanceSuite.exportReader() does
        try {
          builder.signatureVerifier(io.hellgate.export.crypto.ManifestSignatures.verifier()
              .trustAnchorsPem(v.signerTrustPem().get()).softFailRevocation(true).build());
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
      ExportReader.Options options = builder.build();
      java.nio.file.Path file = null;
      try {
        ExportReader r;
        if (fromFile) {
          file = java.nio.file.Files.createTempFile("vector", ".tgz");
          java.nio.file.Files.write(file, v.archive());
          r = ExportReader.open(file, options);
        } else {
          r = ExportReader.open(new ByteArrayInputStream(v.archive()), options);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (r) {
          r.verify();
          for (ByteBuffer line; (line = r.nextLineBytes()) != null; ) {
            byte[] b = new byte[line.remaining()];
            line.get(b);
            out.writeBytes(b);
            out.write('\n');
          }
        }
        return Implementation.Outcome.valid(out.toByteArray());
      } catch (ExportFormatException e) {
        return Implementation.Outcome.invalid(e.reason().code());
      } finally {
        if (file != null) {
          java.nio.file.Files.deleteIfExists(file);
        }
      }
    };
  }

  @Test
  void validatedRawLinesJudgeEveryVectorAsTheTypedReaderDoes() {
    for (boolean fromFile : new boolean[] {false, true}) {
      ConformanceSuite.Report report = ConformanceSuite.run(validatedLines(fromFile));
      assertThat(report.failures()).as("from a %s: %s", fromFile ? "file" : "stream", report.failures()).isEmpty();
      assertThat(report.results()).hasSizeGreaterThanOrEqualTo(50);
      assertThat(report.results().stream().filter(r -> r.vector().reason().filter("malformed_record"::equals).isPresent()))
          .as("vectors with a malformed record").isNotEmpty();
    }
  }
}
