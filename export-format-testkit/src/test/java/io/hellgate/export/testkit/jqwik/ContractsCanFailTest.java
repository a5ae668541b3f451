package io.hellgate.export.testkit.jqwik;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * The contracts can fail: each runs here against a deliberately broken adapter (BrokenAdapters)
 * through the JUnit Platform, and must report the bug with a shrunk, readable counterexample.
 */
class ContractsCanFailTest {
  static final String TAMPERING = "rejectsEveryTamperingWithItsReasonAndReleasesNothing";

  static final class Run {
    final Throwable failure;
    final String report;

    Run(Throwable failure, String report) {
      this.failure = failure;
      this.report = report;
    }
  }

  @TempDir static Path tmp;

  static Run run(Class<?> container, String property, String parameterTypes) {
    EngineExecutionResults results = EngineTestKit.engine("jqwik")
        .configurationParameter("jqwik.reporting.usejunitplatform", "true")
        // jqwik stops shrinking after 10 s by default; on a loaded machine that left 20 records
        // unshrunk (a flaky assertion below), so give the shrinker time to reach its minimum
        .configurationParameter("jqwik.shrinking.bounded.seconds", "300")
        // a fresh failure database: each run finds the bug anew instead of replaying the last sample
        .configurationParameter("jqwik.database", tmp.resolve(container.getSimpleName() + ".jqwik-database").toString())
        .selectors(selectMethod(container, property, parameterTypes))
        .execute();
    List<Event> failed = results.testEvents().failed().list();
    assertThat(failed).as("%s.%s must fail", container.getSimpleName(), property).hasSize(1);
    Throwable t = failed.get(0).getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow()
        .getThrowable().orElseThrow();
    String report = results.allEvents().reportingEntryPublished().list().stream()
        .map(e -> e.getPayload(ReportEntry.class).orElseThrow().getKeyValuePairs().values().stream()
            .collect(Collectors.joining("\n")))
        .collect(Collectors.joining("\n"));
    System.out.println(container.getSimpleName() + "." + property + " failed as it must:\n" + t.getMessage() + "\n" + report);
    return new Run(t, report);
  }

  /**
   * The shrunk counterexample: the report between "Shrunk Sample" and "Original Sample"; or, when
   * the first failing sample was already minimal (an edge case such as no records), the one
   * "Sample" jqwik reports then, since there was nothing to shrink.
   */
  static String shrunk(Run r) {
    int from = r.report.indexOf("Shrunk Sample");
    if (from < 0 && !r.report.contains("Original Sample")) {
      from = r.report.indexOf("Sample\n------");
    }
    assertThat(from).as("jqwik shrank the failing sample (or it was minimal):\n%s", r.report).isNotNegative();
    int to = r.report.indexOf("Original Sample", from);
    return r.report.substring(from, to < 0 ? r.report.length() : to);
  }

  static void assertShrunkToOneKindOnOneLine(Run r) {
    String s = shrunk(r);
    // one kind, at most one line: usually one small record; EMPTY_LINE on no record at all (the
    // reader releases the empty line before rejecting it); a local minimum of the shrinker can keep
    // a 1 MiB line instead (0 records and no line make the ciphertext kinds inapplicable)
    assertThat(s).containsPattern("kinds: \\[[A-Z_0-9]+\\]")
        .containsPattern("Plaintext\\[(0 records\\]|[01] records?.*; line lengths [0-9]+\\])");
  }

  @Test
  void tamperingPropertyCatchesAReaderThatReleasesBeforeVerifying() {
    Run r = run(BrokenAdapters.ReleasesBeforeVerifying.class, TAMPERING, "java.util.List, int, io.hellgate.export.testkit.jqwik.Plaintext");
    assertThat(r.failure).isInstanceOf(AssertionError.class).hasMessageContaining("bytes before rejecting with");
    assertShrunkToOneKindOnOneLine(r);
  }

  @Test
  void tamperingPropertyCatchesAReaderThatIgnoresTheTag() {
    Run r = run(BrokenAdapters.IgnoresTheTag.class, TAMPERING, "java.util.List, int, io.hellgate.export.testkit.jqwik.Plaintext");
    assertThat(r.failure).isInstanceOf(AssertionError.class).hasMessageContaining("accepted an invalid archive");
    assertShrunkToOneKindOnOneLine(r);
  }

  @Test
  void signaturePropertiesCatchAReaderThatIgnoresTheSignature() {
    String types = "io.hellgate.export.testkit.TestSigner, java.util.List";
    Run missing = run(BrokenAdapters.IgnoresTheSignature.class, "rejectsAnUnsignedExportWhenTrustIsRequired", types);
    assertThat(missing.failure).isInstanceOf(AssertionError.class).hasMessageContaining("accepted an invalid archive");
    assertThat(shrunk(missing)).contains("ECDSA_P256").contains("[]"); // the first signer, no records

    Run changed = run(BrokenAdapters.IgnoresTheSignature.class, "rejectsAManifestMemberChangedAfterSigning", types + ", int");
    // a changed created_at or record count is accepted; a changed IV or tag fails with another reason
    assertThat(changed.failure).isInstanceOf(AssertionError.class).hasMessageContaining("manifest member /")
        .message().containsPattern("accepted an invalid archive|expected signature_invalid");
    assertThat(shrunk(changed)).contains("ECDSA_P256");
  }

  @Test
  void roundTripCatchesAWriterThatDropsUnknownMembersAndShrinksToOneRecord() {
    Run r = run(BrokenAdapters.DropsUnknownMembers.class, "referenceReaderReadsBackEveryRecord", "java.util.List");
    assertThat(r.failure).hasMessageContaining("differ from the 1 written; first difference at index 0");
    String s = shrunk(r);
    assertThat(s.split("TokenRecord\\{", -1)).as("one record in:\n%s", s).hasSize(2);
    assertThat(s).containsPattern("\"u_[^\"]*\"=");
  }

  @Test
  void freshnessCatchesAWriterWithFixedRandomness() {
    Run r = run(BrokenAdapters.FixedKeyAndIv.class, "everyExportHasItsOwnKeyAndIv", "java.util.List");
    assertThat(r.failure).hasMessageContaining("two exports share their IV");
  }
}
