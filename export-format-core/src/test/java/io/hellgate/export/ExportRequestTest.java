package io.hellgate.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class ExportRequestTest {
  static final String CERT_PEM = new String(Fixtures.resource("recipient-cert.pem"), StandardCharsets.US_ASCII);
  private static final ObjectMapper JSON = new ObjectMapper();

  static ExportRequest.Scope scope() {
    return ExportRequest.Scope.builder()
        .createdFrom(Instant.parse("2023-01-01T00:00:00Z"))
        .createdUntil(Instant.parse("2024-01-01T00:00:00Z"))
        .scheme("visa")
        .metadata("tenant", "acme")
        .system("legacy-vault")
        .batch("2023")
        .build();
  }

  static ExportRequest.Builder request() {
    return ExportRequest.builder()
        .requestId("REQ-2025-0042")
        .organization("Acme Payments GmbH")
        .clusterId("my-cluster-id")
        .useCase("migration to our own vault")
        .pciAttestation("AOC-2025-0042", LocalDate.parse("2025-01-10"))
        .scope(scope())
        .recipientTeam("payments-platform")
        .recipientContact("Jane Roe <jane@acme.example>")
        .pointOfContact("security@acme.example")
        .recipientCertificatePem(CERT_PEM);
  }

  @Test
  void jsonRoundTripKeepsEveryField() throws Exception {
    ExportRequest r = request().build();
    ExportRequest back = ExportRequest.fromJson(r.toJson());
    assertThat(back).isEqualTo(r);
    assertThat(back.requestId()).isEqualTo("REQ-2025-0042");
    assertThat(back.scope()).isEqualTo(scope());
    assertThat(back.attestationDate()).isEqualTo(LocalDate.parse("2025-01-10"));
    assertThat(back.recipientFingerprint()).isEqualTo(Fixtures.recipientFingerprint());
    assertThat(new String(r.toJson(), StandardCharsets.UTF_8))
        .startsWith("{\n  \"request_id\": \"REQ-2025-0042\",\n  \"organization\": \"Acme Payments GmbH\",")
        .endsWith("}\n");
  }

  @Test
  void generatesARequestIdWhenAbsent() {
    ExportRequest a = request().requestId(null).build();
    ExportRequest b = request().requestId(null).build();
    assertThat(a.requestId()).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    assertThat(a.requestId()).isNotEqualTo(b.requestId());
  }

  @Test
  void buildNamesEachMissingField() {
    Map<String, Consumer<ExportRequest.Builder>> cases = Map.of(
        "organization", b -> b.organization(" "),
        "cluster_id", b -> b.clusterId(null),
        "use_case", b -> b.useCase(""),
        "pci_attestation.reference", b -> b.pciAttestation(null, LocalDate.now()),
        "pci_attestation.date", b -> b.pciAttestation("AOC", null),
        "scope", b -> b.scope(null),
        "recipient.team", b -> b.recipientTeam(null),
        "recipient.contact", b -> b.recipientContact("\t"),
        "point_of_contact", b -> b.pointOfContact(null),
        "recipient_certificate", b -> b.recipientCertificatePem(null));
    cases.forEach((field, change) -> {
      ExportRequest.Builder b = request();
      change.accept(b);
      assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class).hasMessageStartingWith(field + " ");
    });
  }

  @Test
  void rejectsInvalidFieldValuesByName() {
    assertThatThrownBy(() -> request().requestId("has space").build()).hasMessageStartingWith("request_id ");
    assertThatThrownBy(() -> request().requestId("x".repeat(129)).build()).hasMessageStartingWith("request_id ");
    assertThatThrownBy(() -> request().organization("a\u0001b").build()).hasMessageStartingWith("organization must not contain control");
    assertThatThrownBy(() -> request().clusterId("x".repeat(257)).build()).hasMessageStartingWith("cluster_id must be at most 256");
    assertThatThrownBy(() -> request().recipientCertificatePem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n").build())
        .hasMessage("recipient_certificate is not a valid X.509 certificate");
    assertThatThrownBy(() -> request().recipientCertificatePem(CERT_PEM + CERT_PEM).build())
        .hasMessageStartingWith("recipient_certificate must hold exactly one PEM certificate");
    String key = new String(Fixtures.resource("recipient-key.pem"), StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> request().recipientCertificatePem(CERT_PEM + key).build())
        .hasMessageStartingWith("recipient_certificate must hold exactly one PEM certificate (and no key)");
  }

  @Test
  void rejectsDelAndC1ControlCharacters() {
    for (String control : new String[] {"\u007f", "\u0085", "\u009b"}) {
      assertThatThrownBy(() -> request().pointOfContact("a" + control + "b").build())
          .hasMessageStartingWith("point_of_contact must not contain control");
      assertThatThrownBy(() -> request().useCase("a\n" + control + "[2J").build())
          .hasMessageStartingWith("use_case must not contain control");
      assertThatThrownBy(() -> ExportRequest.Scope.builder().createdFrom(java.time.Instant.EPOCH)
          .createdUntil(java.time.Instant.EPOCH.plusSeconds(1)).system("sys" + control).build())
          .hasMessageStartingWith("scope.system must not contain control");
    }
    assertThat(request().useCase("line one\nline two").build().useCase()).isEqualTo("line one\nline two");
  }

  @Test
  void scopeBuildNamesItsFields() {
    Instant t = Instant.parse("2024-01-01T00:00:00Z");
    assertThatThrownBy(() -> ExportRequest.Scope.builder().createdUntil(t).build()).hasMessage("scope.created_from is required");
    assertThatThrownBy(() -> ExportRequest.Scope.builder().createdFrom(t).build()).hasMessage("scope.created_until is required");
    assertThatThrownBy(() -> ExportRequest.Scope.builder().createdFrom(t).createdUntil(t).build())
        .hasMessage("scope.created_until must be after scope.created_from");
    assertThatThrownBy(() -> ExportRequest.Scope.builder().scheme("")).hasMessageStartingWith("scope.schemes");
    assertThatThrownBy(() -> ExportRequest.Scope.builder().metadata("", "v")).hasMessageStartingWith("scope.metadata");
    assertThatThrownBy(() -> ExportRequest.Scope.builder().createdFrom(t).createdUntil(t.plusSeconds(1)).system(" ").build())
        .hasMessageStartingWith("scope.system ");
  }

  @Test
  void scopeIsHalfOpenOnCreatedAt() {
    ExportRequest.Scope s = scope();
    TokenRecord.Builder in = inScope();
    assertThat(s.includes(in.createdAt(Instant.parse("2023-01-01T00:00:00Z")).build())).isTrue();
    assertThat(s.includes(in.createdAt(Instant.parse("2023-12-31T23:59:59.999999999Z")).build())).isTrue();
    assertThat(s.includes(in.createdAt(Instant.parse("2024-01-01T00:00:00Z")).build())).isFalse();
    assertThat(s.includes(in.createdAt(Instant.parse("2022-12-31T23:59:59.999999999Z")).build())).isFalse();
  }

  @Test
  void scopeFiltersSchemeAndMetadataExactly() {
    ExportRequest.Scope s = scope();
    assertThat(s.includes(inScope().build())).isTrue();
    assertThat(s.mismatch(withScheme(null))).isEqualTo("card.scheme is not one of scope.schemes");
    assertThat(s.includes(withScheme("Visa"))).isFalse();
    assertThat(s.mismatch(inScope().metadata(Map.of("tenant", "acme2")).build())).isEqualTo("metadata does not match scope.metadata");
    assertThat(s.includes(inScope().metadata(null).build())).isFalse();
    assertThat(s.includes(inScope().metadata(Map.of("tenant", "acme", "other", "x")).build())).isTrue();
    ExportRequest.Scope open = ExportRequest.Scope.builder()
        .createdFrom(Instant.parse("2023-01-01T00:00:00Z")).createdUntil(Instant.parse("2024-01-01T00:00:00Z"))
        .system("labels-select-nothing").build();
    assertThat(open.includes(withScheme(null))).isTrue();
  }

  @Test
  void fromJsonRejectsUnknownAndMalformedMembersByName() throws Exception {
    ObjectNode base = (ObjectNode) JSON.readTree(request().build().toJson());
    assertMalformed(edit(base, n -> n.put("extra", 1)), "unknown member extra");
    assertMalformed(edit(base, n -> ((ObjectNode) n.get("scope")).put("colour", "red")), "unknown member scope.colour");
    assertMalformed(edit(base, n -> ((ObjectNode) n.get("recipient")).remove("team")), "recipient.team is missing");
    assertMalformed(edit(base, n -> ((ObjectNode) n.get("pci_attestation")).put("date", "10.01.2025")),
        "pci_attestation.date must be a date YYYY-MM-DD");
    assertMalformed(edit(base, n -> ((ObjectNode) n.get("scope")).put("created_from", "yesterday")),
        "scope.created_from must be an RFC 3339 date-time");
    assertMalformed(edit(base, n -> ((ObjectNode) n.get("scope")).putArray("schemes").add(1)),
        "scope.schemes must be an array of strings");
    assertMalformed(edit(base, n -> ((ObjectNode) n.get("scope")).putArray("schemes").add("visa").add("visa")),
        "scope.schemes has a duplicate entry");
    assertMalformed(edit(base, n -> n.put("organization", "")), "organization is required and must not be blank");
    assertMalformed("{\"request_id\":\"a\",\"request_id\":\"b\"}".getBytes(StandardCharsets.UTF_8), "request file is not valid JSON");
    assertMalformed("[]".getBytes(StandardCharsets.UTF_8), "request file must be a JSON object");
  }

  private static byte[] edit(ObjectNode base, Consumer<ObjectNode> change) throws Exception {
    ObjectNode copy = base.deepCopy();
    change.accept(copy);
    return JSON.writeValueAsBytes(copy);
  }

  private static void assertMalformed(byte[] json, String message) {
    assertThatThrownBy(() -> ExportRequest.fromJson(json))
        .isInstanceOf(ExportFormatException.class)
        .hasMessage(message)
        .satisfies(e -> assertThat(((ExportFormatException) e).reason()).isEqualTo(ExportFormatException.Reason.MALFORMED_REQUEST));
  }

  static TokenRecord.Builder inScope() {
    return Fixtures.record(1).toBuilder()
        .createdAt(Instant.parse("2023-06-01T00:00:00Z"))
        .metadata(Map.of("tenant", "acme"));
  }

  private static TokenRecord withScheme(String scheme) {
    TokenRecord r = inScope().build();
    return r.toBuilder().card(r.card().toBuilder().scheme(scheme).build()).build();
  }
}
