package io.hellgate.export.testkit.golden;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hellgate.export.ExportFormatException;
import io.hellgate.export.ExportReader;
import io.hellgate.export.RecipientKey;
import io.hellgate.export.testkit.golden.Implementation.Outcome;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Runs the format's conformance vectors ({@code golden/vectors.json}, see docs/vectors/README.md)
 * against an {@link Implementation}. A case passes when a {@code valid} vector yields exactly its
 * plaintext, and an {@code invalid} vector is rejected with exactly its reason code.
 *
 * <p>Stateless and thread-safe; each run reads the vectors afresh.
 *
 * <pre>{@code
 * ConformanceSuite.Report report = ConformanceSuite.run(ConformanceSuite.exportReader());
 * report.assertPassed();
 * }</pre>
 */
public final class ConformanceSuite {
  private static final String ROOT = "/golden/";

  private ConformanceSuite() {}

  /** The vectors bundled in this module's resources, in index order. */
  public static List<Vector> vectors() {
    return load(name -> {
      try (InputStream in = ConformanceSuite.class.getResourceAsStream(ROOT + name)) {
        if (in == null) {
          throw new IllegalStateException("missing resource " + ROOT + name);
        }
        return in.readAllBytes();
      }
    });
  }

  /**
   * The vectors of a golden directory on disk (one holding {@code vectors.json}).
   *
   * @param dir the directory
   * @return the vectors, in index order
   */
  public static List<Vector> vectors(Path dir) {
    return load(name -> Files.readAllBytes(dir.resolve(name)));
  }

  /**
   * Runs every bundled vector.
   *
   * @param implementation the reader under test
   * @return one result per vector
   */
  public static Report run(Implementation implementation) {
    return run(implementation, vectors());
  }

  /**
   * Runs the given vectors.
   *
   * @param implementation the reader under test
   * @param vectors the cases
   * @return one result per vector
   */
  public static Report run(Implementation implementation, List<Vector> vectors) {
    List<Result> results = new ArrayList<>();
    for (Vector v : vectors) {
      String problem;
      try {
        problem = judge(v, implementation.read(v));
      } catch (Exception e) {
        problem = "threw " + e.getClass().getName() + ": " + e.getMessage();
      }
      results.add(new Result(v, problem));
    }
    return new Report(results);
  }

  private static String judge(Vector v, Outcome o) {
    if (o == null) {
      return "returned no outcome";
    }
    if (v.isValid()) {
      if (!o.isValid()) {
        return "rejected a valid archive: " + o.reason();
      }
      return Arrays.equals(o.plaintext(), v.plaintext()) ? null : "released plaintext differs from the expected";
    }
    if (o.isValid()) {
      return "accepted an invalid archive (expected " + v.reason().orElseThrow() + ")";
    }
    if (!o.reason().equals(v.reason().orElseThrow())) {
      return "rejected with " + o.reason() + ", expected " + v.reason().orElseThrow();
    }
    int released = o.released().length;
    return released == 0 ? null : "released " + released + " bytes before rejecting with " + o.reason();
  }

  /**
   * The reader options a vector calls for: its recipient key, and for format 1.1 vectors its
   * signer trust and the scope check; shared by every reader path that runs the suite.
   */
  static ExportReader.Options.Builder readerOptions(Vector v) {
    ExportReader.Options.Builder builder =
        ExportReader.options().key(RecipientKey.of(v.privateKey(), v.certificate())).checkScope(v.checkScope());
    if (v.signerTrustPem().isPresent()) {
      try {
        // the vectors carry no CRLs for their test signer: revocation is not what they exercise
        builder.signatureVerifier(io.hellgate.export.crypto.ManifestSignatures.verifier()
            .trustAnchorsPem(v.signerTrustPem().get()).softFailRevocation(true).build());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return builder;
  }

  /**
   * This library's {@link ExportReader} as an {@link Implementation} (with the vector's signer
   * trust and scope check for format 1.1 vectors): reads the raw lines with
   * {@code validateRecords(true)} (so a malformed record releases nothing), keeping whatever was
   * released before a rejection; then, for an accepted archive, parses every record with
   * {@link ExportReader#nextRecord()} in a second read, and reports its rejection if typed
   * reading disagrees.
   */
  public static Implementation exportReader() {
    return v -> {
      ExportReader.Options.Builder builder = readerOptions(v);
      ExportReader.Options typed = builder.build();
      ExportReader.Options raw = builder.validateRecords(true).build();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (ExportReader r = ExportReader.open(new ByteArrayInputStream(v.archive()), raw)) {
        for (String line; (line = r.nextLine()) != null; ) {
          out.writeBytes((line + "\n").getBytes(StandardCharsets.UTF_8));
        }
      } catch (ExportFormatException e) {
        return Outcome.rejectedAfterReleasing(e.reason().code(), out.toByteArray());
      }
      try (ExportReader r = ExportReader.open(new ByteArrayInputStream(v.archive()), typed)) {
        while (r.nextRecord() != null) {
          // typed reading must accept what the raw read accepted
        }
      } catch (ExportFormatException e) {
        return Outcome.invalid(e.reason().code());
      }
      return Outcome.valid(out.toByteArray());
    };
  }

  /** Reads a file named relative to the golden directory. */
  @FunctionalInterface
  private interface Source {
    byte[] read(String name) throws IOException;
  }

  private static List<Vector> load(Source source) {
    try {
      JsonNode index = new ObjectMapper().readTree(source.read("vectors.json"));
      List<Vector> out = new ArrayList<>();
      for (JsonNode n : index.get("vectors")) {
        JsonNode key = index.get("keys").get(n.get("key").asText());
        boolean valid = n.get("result").asText().equals("valid");
        Vector vector =
            new Vector(
                n.get("id").asText(),
                n.get("description").asText(),
                source.read(n.get("archive").asText()),
                source.read(key.get("private_key").asText()),
                source.read(key.get("certificate").asText()),
                valid ? null : n.get("reason").asText(),
                valid ? n.get("record_count").asLong() : -1,
                valid ? n.get("checksum").asText() : null,
                valid ? source.read(n.get("plaintext").asText()) : null);
        if (n.has("signer_trust")) {
          vector.formatOneOne(source.read(n.get("signer_trust").asText()), n.path("check_scope").asBoolean(false));
        }
        out.add(vector);
      }
      return List.copyOf(out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the conformance vectors", e);
    }
  }

  /** The verdict on one vector. Immutable. */
  public static final class Result {
    private final Vector vector;
    private final String problem;

    Result(Vector vector, String problem) {
      this.vector = vector;
      this.problem = problem;
    }

    /** The vector. */
    public Vector vector() {
      return vector;
    }

    /** Whether the implementation did what the vector expects. */
    public boolean passed() {
      return problem == null;
    }

    /** What went wrong, or null. */
    public String problem() {
      return problem;
    }

    @Override
    public String toString() {
      return (passed() ? "PASS " : "FAIL ") + vector.id() + (passed() ? "" : ": " + problem);
    }
  }

  /** All verdicts of one run. Immutable and thread-safe. */
  public static final class Report {
    private final List<Result> results;

    Report(List<Result> results) {
      this.results = List.copyOf(results);
    }

    /** Every result, in index order. */
    public List<Result> results() {
      return results;
    }

    /** The failed results. */
    public List<Result> failures() {
      return results.stream().filter(r -> !r.passed()).collect(Collectors.toList());
    }

    /**
     * Throws if any vector failed, listing every failure.
     *
     * @throws AssertionError naming each failed vector and why
     */
    public void assertPassed() {
      List<Result> failed = failures();
      if (!failed.isEmpty()) {
        throw new AssertionError(
            failed.size() + " of " + results.size() + " conformance vectors failed:\n"
                + failed.stream().map(Result::toString).collect(Collectors.joining("\n")));
      }
    }
  }
}
