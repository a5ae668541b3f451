package io.hellgate.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Format 1.1's {@code request} member: written only with a request, read back, scope enforced on write. */
class ManifestRequestTest {
  @TempDir Path dir;

  static ExportWriter.Options.Builder options(ExportRequest request) {
    return ExportWriter.options()
        .recipient(Recipient.unverified(Fixtures.RECIPIENT_CERT))
        .guardianInstance("my-cluster-id.on-hellgate.cloud")
        .exportId(Fixtures.EXPORT_ID)
        .clock(Fixtures.CLOCK)
        .random(Fixtures.pinnedRandom(7))
        .request(request);
  }

  @Test
  void writesVersion11WithRequestIdAndScopeOnly() throws Exception {
    ExportRequest request = ExportRequestTest.request().build();
    byte[] archive = Fixtures.writeArchive(options(request).build(), List.of(ExportRequestTest.inScope().build()));
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(archive), Fixtures.readerOptions())) {
      ExportManifest m = r.manifest();
      assertThat(m.version()).isEqualTo("1.1");
      assertThat(m.requestId()).contains("REQ-2025-0042");
      assertThat(m.scope()).contains(request.scope());
      assertThat(m.signature()).isEmpty();
      String json = new String(m.toJson(), StandardCharsets.UTF_8);
      assertThat(json).contains(
          "  \"request\": {\n    \"request_id\": \"REQ-2025-0042\",\n    \"scope\": {\n"
              + "      \"created_from\": \"2023-01-01T00:00:00Z\",\n      \"created_until\": \"2024-01-01T00:00:00Z\",\n"
              + "      \"schemes\": [\n        \"visa\"\n      ],\n");
      // the manifest is in clear: never the contacts, the use case or the organization's details
      assertThat(json).doesNotContain("jane@acme.example", "security@acme.example", "migration", "AOC-2025", "payments-platform");
      r.verify();
      assertThat(r.nextRecord()).isEqualTo(ExportRequestTest.inScope().build());
    }
  }

  @Test
  void requestIdIsReadableWithoutAKey() throws Exception {
    Path file = dir.resolve("export.tgz");
    try (ExportWriter w = ExportWriter.open(file, options(ExportRequestTest.request().build()).build())) {
      w.write(ExportRequestTest.inScope().build());
      w.finish();
    }
    assertThat(ExportReader.readManifest(file).requestId()).contains("REQ-2025-0042");
  }

  @Test
  void withoutARequestTheManifestStaysVersion10ByteForByte() throws Exception {
    byte[] a = Fixtures.writeArchive(options(null).build(), List.of(Fixtures.record(1)));
    byte[] b = Fixtures.writeArchive(Fixtures.pinnedWriterOptions(7), List.of(Fixtures.record(1)));
    assertThat(a).isEqualTo(b);
    ExportManifest m = ExportReader.open(new ByteArrayInputStream(a), Fixtures.readerOptions()).manifest();
    assertThat(m.version()).isEqualTo("1.0");
    assertThat(m.requestId()).isEmpty();
    assertThat(m.scope()).isEmpty();
    assertThat(new String(m.toJson(), StandardCharsets.UTF_8)).doesNotContain("request");
  }

  @Test
  void pathAndStreamTargetsGiveIdenticalBytesWithARequest() throws Exception {
    ExportRequest request = ExportRequestTest.request().build();
    byte[] stream = Fixtures.writeArchive(options(request).build(), List.of(ExportRequestTest.inScope().build()));
    Path file = dir.resolve("x.tgz");
    try (ExportWriter w = ExportWriter.open(file, options(request).build())) {
      w.write(ExportRequestTest.inScope().build());
      w.finish();
      assertThat(w.copiedForTesting()).isFalse();
    }
    assertThat(Files.readAllBytes(file)).isEqualTo(stream);
  }

  @Test
  void refusesARecordOutsideTheScopeAndWritesNothingOfIt() throws Exception {
    ExportRequest request = ExportRequestTest.request().build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TokenRecord outside = ExportRequestTest.inScope().createdAt(java.time.Instant.parse("2024-01-01T00:00:00Z")).build();
    try (ExportWriter w = ExportWriter.open(out, options(request).build())) {
      w.write(ExportRequestTest.inScope().build());
      assertThatThrownBy(() -> w.write(outside))
          .isInstanceOf(ExportFormatException.class)
          .hasMessage("record 2 is outside the scope of request REQ-2025-0042: created_at is not before scope.created_until")
          .satisfies(e -> assertThat(((ExportFormatException) e).reason().code()).isEqualTo("record_out_of_scope"));
      assertThatThrownBy(() -> w.writeLine(canonical(outside))).hasMessageContaining("outside the scope");
      assertThatThrownBy(() -> w.writeLineBytes(java.nio.ByteBuffer.wrap(canonical(outside).getBytes(StandardCharsets.UTF_8))))
          .hasMessageContaining("outside the scope");
      assertThat(w.recordCount()).isEqualTo(1);
      w.write(ExportRequestTest.inScope().id("another").build());
      w.finish();
    }
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(out.toByteArray()), Fixtures.readerOptions())) {
      assertThat(r.manifest().recordCount()).isEqualTo(2);
    }
  }

  @Test
  void unvalidatedLinesAreStillScopeChecked() throws Exception {
    ExportRequest request = ExportRequestTest.request().build();
    TokenRecord outside = ExportRequestTest.inScope().metadata(java.util.Map.of("tenant", "other")).build();
    try (ExportWriter w = ExportWriter.open(new ByteArrayOutputStream(), options(request).unvalidatedLines(true).build())) {
      assertThatThrownBy(() -> w.writeLine(canonical(outside)))
          .hasMessageEndingWith("metadata does not match scope.metadata");
    }
  }

  @Test
  void refusesARecipientThatIsNotTheRequestsCertificate() {
    ExportRequest request = ExportRequestTest.request().build();
    assertThatThrownBy(() -> options(request).recipient(Recipient.unverified(Fixtures.OTHER_CERT)).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is not the certificate of request REQ-2025-0042");
  }

  @Test
  void readsARequestMemberAndRejectsAMalformedOne() throws Exception {
    String base = new String(ManifestCodec.write(sample()), StandardCharsets.UTF_8);
    ExportManifest m = ManifestCodec.parse(base.getBytes(StandardCharsets.UTF_8));
    assertThat(m.requestId()).contains("REQ-2025-0042");
    // unknown members inside request and scope are ignored, as anywhere in a manifest
    ExportManifest extra = ManifestCodec.parse(base.replace("\"request_id\"", "\"future\": [1, {}], \"request_id\"")
        .replace("\"created_from\"", "\"later\": true, \"created_from\"").getBytes(StandardCharsets.UTF_8));
    assertThat(extra.scope()).isEqualTo(m.scope());
    assertMalformed(base.replace("\"REQ-2025-0042\"", "\"bad id\""), "request.request_id must be");
    assertMalformed(base.replace("\"created_until\": \"2024-01-01T00:00:00Z\"", "\"created_until\": 5"),
        "request.scope.created_until must be a string");
    assertMalformed(base.replace("\"schemes\": [\n        \"visa\"\n      ]", "\"schemes\": []"),
        "request.scope.schemes must not be empty when present");
    assertMalformed(base.replace("\"request\": {", "\"request\": {\"request_id\": \"x\", "), "manifest.json is not valid JSON");
  }

  private static void assertMalformed(String json, String message) {
    assertThatThrownBy(() -> ManifestCodec.parse(json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(ExportFormatException.class)
        .hasMessageStartingWith(message)
        .satisfies(e -> assertThat(((ExportFormatException) e).reason().code()).isEqualTo("malformed_manifest"));
  }

  static ExportManifest sample() throws Exception {
    ExportRequest request = ExportRequestTest.request().build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ExportWriter w = ExportWriter.open(out, options(request).build())) {
      return w.finish();
    }
  }

  static String canonical(TokenRecord r) {
    com.fasterxml.jackson.core.util.ByteArrayBuilder b = new com.fasterxml.jackson.core.util.ByteArrayBuilder();
    RecordCodec.write(r, b);
    return new String(b.toByteArray(), StandardCharsets.UTF_8);
  }
}
