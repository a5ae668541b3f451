package io.hellgate.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Every valid request survives its JSON form, and so does its scope inside a manifest. */
class ExportRequestProperties {
  @Provide
  Arbitrary<String> text() {
    return Arbitraries.strings().all().ofMinLength(1).ofMaxLength(40)
        .filter(s -> !s.isBlank() && RecordValidation.isWellFormed(s) && s.chars().noneMatch(Character::isISOControl));
  }

  @Provide
  Arbitrary<ExportRequest.Scope> scopes() {
    Arbitrary<Long> from = Arbitraries.longs().between(0, 4_000_000_000L);
    Arbitrary<Long> length = Arbitraries.longs().between(1, 400_000_000L);
    Arbitrary<Integer> nanos = Arbitraries.integers().between(0, 999_999_999);
    Arbitrary<Set<String>> schemes = Arbitraries.strings().all().ofMinLength(1).ofMaxLength(64)
        .filter(RecordValidation::isWellFormed).set().ofMaxSize(4);
    Arbitrary<Map<String, String>> metadata = Arbitraries.maps(text(), Arbitraries.strings().all().ofMaxLength(30)
        .filter(RecordValidation::isWellFormed)).ofMaxSize(4);
    return Combinators.combine(from, length, nanos, schemes, metadata, text().injectNull(0.5), text().injectNull(0.5))
        .as((f, l, n, s, m, system, batch) -> {
          ExportRequest.Scope.Builder b = ExportRequest.Scope.builder()
              .createdFrom(Instant.ofEpochSecond(f, n)).createdUntil(Instant.ofEpochSecond(f + l)).system(system).batch(batch);
          s.forEach(b::scheme);
          m.forEach(b::metadata);
          return b.build();
        });
  }

  @Provide
  Arbitrary<ExportRequest> requests() {
    Arbitrary<String> id = Arbitraries.strings().withChars("abcXYZ019._:-").ofMinLength(0).ofMaxLength(127).map(s -> "R" + s);
    return Combinators.combine(id, text(), text(), text(), text(), scopes(), text(), text())
        .as((rid, org, cluster, useCase, ref, scope, team, contact) -> ExportRequestTest.request()
            .requestId(rid).organization(org).clusterId(cluster).useCase(useCase)
            .pciAttestation(ref, LocalDate.of(2025, 1, 10)).scope(scope).recipientTeam(team).recipientContact(contact)
            .build());
  }

  @Property(tries = 200)
  void requestSurvivesItsJson(@ForAll("requests") ExportRequest request) throws Exception {
    ExportRequest back = ExportRequest.fromJson(request.toJson());
    assertThat(back).isEqualTo(request);
    assertThat(back.scope()).isEqualTo(request.scope());
    assertThat(back.toJson()).isEqualTo(request.toJson());
  }

  @Property(tries = 100)
  void scopeSurvivesTheManifest(@ForAll("scopes") ExportRequest.Scope scope) throws Exception {
    ExportManifest m = ManifestRequestTest.sample();
    ExportManifest withScope = new ExportManifest(m.version(), m.exportId(), m.createdAt(), m.createdAtText(),
        m.guardianInstance(), m.recipientSubject(), m.recipientIssuer(), m.recipientSerial(), m.recipientFingerprint(),
        m.encryptedKey(), m.iv(), m.tag(), m.recordCount(), m.checksum(), "REQ-1", scope, null, null);
    ExportManifest back = ManifestCodec.parse(withScope.toJson());
    assertThat(back.scope()).contains(scope);
    assertThat(back.toJson()).isEqualTo(withScope.toJson());
  }
}
