package io.hellgate.export.testkit.golden;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ExportReaderConformanceTest {
  @Test
  void exportReaderPassesEveryVectorExceptKnownCoreBugs() {
    ConformanceSuite.Report report = ConformanceSuite.run(ConformanceSuite.exportReader());
    report.results().forEach(System.out::println);
    List<String> failed = report.failures().stream().map(r -> r.vector().id()).collect(Collectors.toList());
    assertThat(failed)
        .as("failures: %s", report.failures())
        .containsExactlyInAnyOrderElementsOf(KnownCoreBugs.VECTORS.keySet());
    assertThat(report.results()).hasSizeGreaterThanOrEqualTo(50);
  }

  @Test
  void suiteCatchesAnImplementationThatAcceptsEverything() {
    ConformanceSuite.Report report =
        ConformanceSuite.run(v -> Implementation.Outcome.valid(v.plaintext()));
    assertThat(report.failures()).hasSize((int) ConformanceSuite.vectors().stream().filter(v -> !v.isValid()).count());
  }

  @Test
  void suiteCatchesAWrongReasonCode() {
    ConformanceSuite.Report report =
        ConformanceSuite.run(v -> v.isValid() ? Implementation.Outcome.valid(v.plaintext()) : Implementation.Outcome.invalid("malformed_archive"));
    assertThat(report.failures()).isNotEmpty()
        .allSatisfy(r -> assertThat(r.vector().reason()).isNotEqualTo(java.util.Optional.of("malformed_archive")));
  }
}
