package io.hellgate.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The writer takes exactly the records its request's scope includes. */
class ScopeProperties {
  static final Instant FROM = Instant.parse("2023-01-01T00:00:00Z");
  static final Instant UNTIL = Instant.parse("2024-01-01T00:00:00Z");

  static ExportRequest request() {
    return ExportRequestTest.request()
        .scope(ExportRequest.Scope.builder().createdFrom(FROM).createdUntil(UNTIL)
            .scheme("visa").scheme("amex").metadata("tenant", "acme").build())
        .build();
  }

  @Provide
  Arbitrary<TokenRecord> anyRecord() {
    Arbitrary<Instant> created = Arbitraries.oneOf(
        Arbitraries.longs().between(FROM.getEpochSecond() - 5, FROM.getEpochSecond() + 5).map(Instant::ofEpochSecond),
        Arbitraries.longs().between(UNTIL.getEpochSecond() - 5, UNTIL.getEpochSecond() + 5).map(Instant::ofEpochSecond),
        Arbitraries.longs().between(0, 4_102_444_800L).map(Instant::ofEpochSecond),
        Arbitraries.of(FROM.minusNanos(1), UNTIL.minusNanos(1)));
    Arbitrary<String> scheme = Arbitraries.of("visa", "amex", "mastercard", "VISA").injectNull(0.2);
    Arbitrary<Map<String, String>> metadata = Arbitraries.of(
        Map.of("tenant", "acme"), Map.of("tenant", "acme", "x", "y"), Map.of("tenant", "Acme"), Map.of("x", "acme"), Map.<String, String>of());
    return net.jqwik.api.Combinators.combine(created, scheme, metadata, Arbitraries.integers().between(0, 1000))
        .as((c, s, m, i) -> {
          TokenRecord base = Fixtures.record(i);
          return base.toBuilder().createdAt(c).metadata(m.isEmpty() ? null : m)
              .card(base.card().toBuilder().scheme(s).build()).build();
        });
  }

  /** Independent restatement of the documented rule (docs/format.md 13.2). */
  static boolean expected(TokenRecord r) {
    boolean time = !r.createdAt().isBefore(FROM) && r.createdAt().isBefore(UNTIL);
    boolean scheme = r.card().scheme().map(s -> s.equals("visa") || s.equals("amex")).orElse(false);
    boolean meta = "acme".equals(r.metadata().get("tenant"));
    return time && scheme && meta;
  }

  /** The reader, with checkScope, accepts exactly the exports whose records are all in the manifest's scope. */
  @Property(tries = 100)
  void readerAcceptsInScopeRecordsAndRejectsTheRest(@ForAll("anyRecord") TokenRecord record) throws Exception {
    ExportRequest wide = ExportRequestTest.request().scope(ExportRequest.Scope.builder()
        .createdFrom(Instant.EPOCH).createdUntil(Instant.parse("2200-01-01T00:00:00Z")).build()).build();
    byte[] written = Fixtures.writeArchive(ManifestRequestTest.options(wide).build(), java.util.List.of(record));
    // the manifest now claims the narrow scope (unsigned, so it may; the reader must check the records)
    byte[] archive = TestArchives.editManifest(written, m -> {
      com.fasterxml.jackson.databind.node.ObjectNode scope = (com.fasterxml.jackson.databind.node.ObjectNode) m.at("/request/scope");
      scope.put("created_from", FROM.toString()).put("created_until", UNTIL.toString());
      scope.putArray("schemes").add("visa").add("amex");
      scope.putObject("metadata").put("tenant", "acme");
    });
    ExportReader.Options options = ExportReader.options()
        .key(RecipientKey.of(Fixtures.RECIPIENT_KEY, Fixtures.RECIPIENT_CERT)).checkScope(true).build();
    try (ExportReader r = ExportReader.open(new java.io.ByteArrayInputStream(archive), options)) {
      assertThat(r.manifest().scope()).contains(request().scope());
      if (expected(record)) {
        r.verify();
        assertThat(r.nextRecord()).isEqualTo(record);
      } else {
        assertThatThrownBy(r::verify)
            .satisfies(e -> assertThat(((ExportFormatException) e).reason()).isEqualTo(ExportFormatException.Reason.RECORD_OUT_OF_SCOPE));
      }
    }
  }

  @Property(tries = 300)
  void writerTakesInScopeRecordsAndRefusesTheRest(@ForAll("anyRecord") TokenRecord record) throws Exception {
    ExportRequest request = request();
    assertThat(request.scope().includes(record)).isEqualTo(expected(record));
    try (ExportWriter w = ExportWriter.open(new ByteArrayOutputStream(), ManifestRequestTest.options(request).build())) {
      if (expected(record)) {
        w.write(record);
        w.writeLine(ManifestRequestTest.canonical(record));
        assertThat(w.recordCount()).isEqualTo(2);
      } else {
        assertThatThrownBy(() -> w.write(record))
            .satisfies(e -> assertThat(((ExportFormatException) e).reason()).isEqualTo(ExportFormatException.Reason.RECORD_OUT_OF_SCOPE));
        assertThatThrownBy(() -> w.writeLine(ManifestRequestTest.canonical(record)))
            .satisfies(e -> assertThat(((ExportFormatException) e).reason()).isEqualTo(ExportFormatException.Reason.RECORD_OUT_OF_SCOPE));
        assertThat(w.recordCount()).isZero();
      }
    }
  }
}
