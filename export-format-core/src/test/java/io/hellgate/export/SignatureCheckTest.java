package io.hellgate.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The reader's side of format 1.1 signatures, independent of CMS: core's part is to require a
 * signature, hand it to the verifier before any key is used, and require the signed content to be
 * this manifest without {@code signature}, as a JSON value. The test signer "signs" by wrapping the
 * content (a length prefix, so the verifier can take it apart); the real CMS signer and verifier
 * are tested in export-format-crypto.
 */
class SignatureCheckTest {
  /** A signer whose "signature" is the signed content itself behind a marker. */
  static final ManifestSigner WRAPPING_SIGNER = (content, time) -> {
    byte[] marker = ("TEST-SIG " + time + "\n").getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[marker.length + content.length];
    System.arraycopy(marker, 0, out, 0, marker.length);
    System.arraycopy(content, 0, out, marker.length, content.length);
    return out;
  };

  /** Accepts what {@link #WRAPPING_SIGNER} made, returns its content. */
  static final ManifestVerifier UNWRAPPING_VERIFIER = signed -> {
    String s = new String(signed, StandardCharsets.UTF_8);
    if (!s.startsWith("TEST-SIG ")) {
      throw new ExportFormatException(ExportFormatException.Reason.SIGNATURE_INVALID, "not a test signature");
    }
    int nl = s.indexOf('\n');
    byte[] content = s.substring(nl + 1).getBytes(StandardCharsets.UTF_8);
    return ManifestVerifier.Verified.of(content, List.of(Fixtures.OTHER_CERT), Instant.parse(s.substring(9, nl)));
  };

  static byte[] signedArchive() throws Exception {
    return Fixtures.writeArchive(
        ManifestRequestTest.options(ExportRequestTest.request().build()).signer(WRAPPING_SIGNER).build(),
        List.of(ExportRequestTest.inScope().build(), ExportRequestTest.inScope().id("second").build()));
  }

  static ExportReader.Options.Builder verifying() {
    return ExportReader.options().key(RecipientKey.of(Fixtures.RECIPIENT_KEY, Fixtures.RECIPIENT_CERT))
        .signatureVerifier(UNWRAPPING_VERIFIER);
  }

  @Test
  void signedExportVerifiesAndRecordsTheSigningTime() throws Exception {
    byte[] archive = signedArchive();
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(archive), verifying().build())) {
      assertThat(r.manifest().version()).isEqualTo("1.1");
      assertThat(r.manifest().signature()).isPresent();
      assertThat(r.verifiedSignature()).get().satisfies(v -> {
        assertThat(v.signingTime()).isEqualTo(Fixtures.CLOCK.instant());
        assertThat(v.signer()).isEqualTo(Fixtures.OTHER_CERT);
      });
      r.verify();
    }
    // the signed content is byte for byte the manifest without its signature member
    ObjectNode m = TestArchives.manifest(archive);
    byte[] sig = Base64.getDecoder().decode(m.get("signature").asText());
    String content = new String(sig, StandardCharsets.UTF_8);
    String manifest = new String(TestArchives.data(archive, "manifest.json"), StandardCharsets.UTF_8);
    assertThat(manifest).startsWith(content.substring(content.indexOf('\n') + 1, content.length() - 3));
  }

  @Test
  void signerAloneMakesAVersion11Manifest() throws Exception {
    byte[] archive = Fixtures.writeArchive(ManifestRequestTest.options(null).signer(WRAPPING_SIGNER).build(),
        List.of(Fixtures.record(1)));
    ObjectNode m = TestArchives.manifest(archive);
    assertThat(m.get("version").asText()).isEqualTo("1.1");
    assertThat(m.has("request")).isFalse();
    assertThat(m.has("signature")).isTrue();
  }

  @Test
  void unsignedExportFailsBeforeAnyKeyIsUsed() throws Exception {
    byte[] archive = Fixtures.writeArchive(Fixtures.pinnedWriterOptions(1), List.of(Fixtures.record(1)));
    // a reader holding only the wrong key would report wrong_key at the first key use
    ExportReader.Options wrongKey = ExportReader.options().key(RecipientKey.of(Fixtures.OTHER_KEY, Fixtures.OTHER_CERT))
        .signatureVerifier(UNWRAPPING_VERIFIER).build();
    assertThatThrownBy(() -> ExportReader.open(new ByteArrayInputStream(archive), wrongKey))
        .isInstanceOf(ExportFormatException.class)
        .satisfies(e -> assertThat(((ExportFormatException) e).reason().code()).isEqualTo("signature_missing"));
  }

  @Test
  void verifierRejectionIsSignatureInvalid() throws Exception {
    byte[] archive = TestArchives.editManifest(signedArchive(),
        m -> m.put("signature", Base64.getEncoder().encodeToString("forged".getBytes(StandardCharsets.US_ASCII))));
    assertThatThrownBy(() -> ExportReader.open(new ByteArrayInputStream(archive), verifying().build()))
        .satisfies(e -> assertThat(((ExportFormatException) e).reason().code()).isEqualTo("signature_invalid"))
        .hasMessage("not a test signature");
  }

  @Test
  void withoutAVerifierASignatureIsReportedButNotChecked() throws Exception {
    byte[] archive = TestArchives.editManifest(signedArchive(), m -> m.put("guardian_instance", "evil.example"));
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(archive), Fixtures.readerOptions())) {
      assertThat(r.manifest().signature()).isPresent();
      assertThat(r.verifiedSignature()).isEmpty();
      r.verify();
    }
  }

  @Test
  void memberOrderAndWhitespaceDoNotMatter() throws Exception {
    byte[] archive = signedArchive();
    ObjectNode m = TestArchives.manifest(archive);
    ObjectNode reordered = TestArchives.JSON.createObjectNode();
    List<String> names = new ArrayList<>();
    m.fieldNames().forEachRemaining(names::add);
    java.util.Collections.reverse(names);
    names.forEach(n -> reordered.set(n, m.get(n)));
    byte[] compact = TestArchives.JSON.writeValueAsBytes(reordered);
    byte[] rebuilt = TestArchives.build(
        List.of(TestArchives.Entry.file("manifest.json", compact),
            TestArchives.Entry.file("tokens.jsonl.enc", TestArchives.data(archive, "tokens.jsonl.enc"))),
        TestArchives.Format.PAX);
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(rebuilt), verifying().build())) {
      assertThat(r.verifiedSignature()).isPresent();
    }
  }

  @Test
  void signedContentWithADuplicateMemberIsRejected() throws Exception {
    byte[] archive = signedArchive();
    String manifest = new String(TestArchives.data(archive, "manifest.json"), StandardCharsets.UTF_8);
    String unsigned = manifest.substring(0, manifest.indexOf(",\n  \"signature\"")) + "\n}\n";
    String duplicated = unsigned.replaceFirst("\n  \"export_id\"", "\n  \"guardian_instance\": \"evil\",\n  \"export_id\"");
    byte[] sig = ("TEST-SIG " + Fixtures.CLOCK.instant() + "\n" + duplicated).getBytes(StandardCharsets.UTF_8);
    byte[] changed = TestArchives.editManifest(archive, m -> m.put("signature", Base64.getEncoder().encodeToString(sig)));
    assertThatThrownBy(() -> ExportReader.open(new ByteArrayInputStream(changed), verifying().build()))
        .satisfies(e -> assertThat(((ExportFormatException) e).reason().code()).isEqualTo("signature_invalid"))
        .hasMessage("the signed content is not a JSON object");
  }

  /** The archive's manifest without its signature member, as the writer serialised it. */
  static String unsignedManifest(byte[] archive) throws Exception {
    String manifest = new String(TestArchives.data(archive, "manifest.json"), StandardCharsets.UTF_8);
    return manifest.substring(0, manifest.indexOf(",\n  \"signature\"")) + "\n}\n";
  }

  /** {@code archive} with manifest {@code unsigned} and a test signature over {@code signed} at {@code time}. */
  static byte[] resigned(byte[] archive, String unsigned, String signed, Instant time) throws Exception {
    byte[] sig = ("TEST-SIG " + time + "\n" + signed).getBytes(StandardCharsets.UTF_8);
    String manifest = unsigned.substring(0, unsigned.lastIndexOf("\n}")) + ",\n  \"signature\": \""
        + Base64.getEncoder().encodeToString(sig) + "\"\n}\n";
    return TestArchives.build(
        List.of(TestArchives.Entry.file("manifest.json", manifest.getBytes(StandardCharsets.UTF_8)),
            TestArchives.Entry.file("tokens.jsonl.enc", TestArchives.data(archive, "tokens.jsonl.enc"))),
        TestArchives.Format.PAX);
  }

  @Test
  void resignedHelperKeepsAValidSignature() throws Exception {
    byte[] archive = signedArchive();
    String unsigned = unsignedManifest(archive);
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(
        resigned(archive, unsigned, unsigned, Fixtures.CLOCK.instant())), verifying().build())) {
      assertThat(r.verifiedSignature()).isPresent();
      r.verify();
    }
  }

  @Test
  void signingTimeOtherThanCreatedAtIsRejected() throws Exception {
    // The certificate is judged at the signing time: it must be the manifest's created_at (13.3),
    // or an expired signer could date its signature back into its validity and the manifest now.
    byte[] archive = signedArchive();
    String unsigned = unsignedManifest(archive);
    byte[] backdated = resigned(archive, unsigned, unsigned, Fixtures.CLOCK.instant().minusSeconds(86400));
    assertThatThrownBy(() -> ExportReader.open(new ByteArrayInputStream(backdated), verifying().build()))
        .satisfies(e -> assertThat(((ExportFormatException) e).reason().code()).isEqualTo("signature_invalid"))
        .hasMessageContaining("is not the manifest's created_at");
  }

  @Test
  void signedContentWithTrailingDataIsRejected() throws Exception {
    byte[] archive = signedArchive();
    String unsigned = unsignedManifest(archive);
    for (String trailing : List.of("{}", "x", "]")) {
      byte[] changed = resigned(archive, unsigned, unsigned + trailing, Fixtures.CLOCK.instant());
      assertThatThrownBy(() -> ExportReader.open(new ByteArrayInputStream(changed), verifying().build()))
          .as(trailing)
          .satisfies(e -> assertThat(((ExportFormatException) e).reason().code()).isEqualTo("signature_invalid"))
          .hasMessage("the signed content is not a JSON object");
    }
  }

  @Test
  void numbersEqualOnlyAsDoublesAreDifferentValues() throws Exception {
    byte[] archive = signedArchive();
    String unsigned = unsignedManifest(archive);
    String[][] pairs = {{"0.1", "0.10000000000000000001"}, {"1e400", "2e400"}, {"1", "1.0"}};
    for (String[] pair : pairs) {
      String manifest = unsigned.replaceFirst("\\{\n", "{\n  \"future\": " + pair[0] + ",\n");
      String signed = unsigned.replaceFirst("\\{\n", "{\n  \"future\": " + pair[1] + ",\n");
      // the same number on both sides verifies
      try (ExportReader r = ExportReader.open(new ByteArrayInputStream(
          resigned(archive, manifest, manifest, Fixtures.CLOCK.instant())), verifying().build())) {
        assertThat(r.verifiedSignature()).isPresent();
      }
      byte[] changed = resigned(archive, manifest, signed, Fixtures.CLOCK.instant());
      assertThatThrownBy(() -> ExportReader.open(new ByteArrayInputStream(changed), verifying().build()))
          .as(pair[0] + " vs " + pair[1])
          .hasMessage("the signature does not cover this manifest: member future differs from the signed manifest");
    }
  }

  @Test
  void signatureOverAnotherManifestNamesTheMember() throws Exception {
    byte[] archive = TestArchives.editManifest(signedArchive(), m -> ((ObjectNode) m.get("content")).put("record_count", 1));
    assertThatThrownBy(() -> ExportReader.open(new ByteArrayInputStream(archive), verifying().build()))
        .hasMessage("the signature does not cover this manifest: member content.record_count differs from the signed manifest");
  }

  /** Every leaf of the signed manifest (but signature), as a JSON pointer. */
  static List<String> leaves(JsonNode node, String pointer) {
    List<String> out = new ArrayList<>();
    if (node.isContainerNode()) {
      if (node.isObject()) {
        node.fieldNames().forEachRemaining(n -> {
          if (!(pointer.isEmpty() && n.equals("signature"))) {
            out.addAll(leaves(node.get(n), pointer + "/" + n));
          }
        });
      } else {
        for (int i = 0; i < node.size(); i++) {
          out.addAll(leaves(node.get(i), pointer + "/" + i));
        }
      }
    } else {
      out.add(pointer);
    }
    return out;
  }

  private static byte[] archive;

  static synchronized byte[] archive() throws Exception {
    if (archive == null) {
      archive = signedArchive();
    }
    return archive;
  }

  @Provide
  Arbitrary<String> leaf() throws Exception {
    return Arbitraries.of(leaves(TestArchives.manifest(archive()), ""));
  }

  @Provide
  Arbitrary<Integer> change() {
    return Arbitraries.integers().between(0, 3);
  }

  /** Any change to any member after signing: a changed value, a changed type, a removed or an added member. */
  @Property(tries = 200)
  void anyManifestChangeAfterSigningIsDetected(@ForAll("leaf") String pointer, @ForAll("change") int kind) throws Exception {
    byte[] changed = TestArchives.editManifest(archive(), m -> {
      int cut = pointer.lastIndexOf('/');
      JsonNode parent = m.at(pointer.substring(0, cut));
      String name = pointer.substring(cut + 1);
      JsonNode old = m.at(pointer);
      if (parent.isArray()) {
        ((com.fasterxml.jackson.databind.node.ArrayNode) parent).add("extra");
        return;
      }
      ObjectNode p = (ObjectNode) parent;
      switch (kind) {
        case 0 -> p.set(name, old.isTextual() ? TextNode.valueOf(old.asText() + "x") : TextNode.valueOf(old.asText()));
        case 1 -> p.put(name, old.isNumber() ? old.asLong() + 1 : 0);
        case 2 -> p.remove(name);
        default -> p.put(name + "_added", "x");
      }
    });
    ExportFormatException e = org.junit.jupiter.api.Assertions.assertThrows(ExportFormatException.class,
        () -> ExportReader.open(new ByteArrayInputStream(changed), verifying().build()).close());
    // a change may also make the manifest itself invalid; it must never pass
    assertThat(e.reason().code()).isIn("signature_invalid", "malformed_manifest", "unsupported_version", "unsupported_algorithm");
    if (kind == 3) {
      assertThat(e.reason().code()).isEqualTo("signature_invalid"); // an added member is always a valid manifest
    }
  }

  @Test
  void checkScopeAcceptsInScopeRecords() throws Exception {
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(signedArchive()),
        verifying().checkScope(true).build())) {
      r.verify();
      assertThat(r.nextRecord()).isNotNull();
    }
  }

  @Test
  void checkScopeRejectsARecordOutsideTheRecordedScopeBeforeReleasingAnything() throws Exception {
    // the manifest's scope narrowed after writing (unsigned: the scope is then a bare claim)
    byte[] archive = TestArchives.editManifest(
        Fixtures.writeArchive(ManifestRequestTest.options(ExportRequestTest.request().build()).build(),
            List.of(ExportRequestTest.inScope().build(), ExportRequestTest.inScope().id("x").metadata(Map.of("tenant", "acme", "k", "v")).build())),
        m -> ((ObjectNode) m.at("/request/scope/metadata")).put("k", "w"));
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(archive), Fixtures.readerOptions())) {
      r.verify(); // without the option: no scope check
    }
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(archive),
        ExportReader.options().key(RecipientKey.of(Fixtures.RECIPIENT_KEY, Fixtures.RECIPIENT_CERT)).checkScope(true).build())) {
      assertThatThrownBy(r::nextLine)
          .satisfies(e -> assertThat(((ExportFormatException) e).reason().code()).isEqualTo("record_out_of_scope"))
          .hasMessage("record 1 is outside the manifest's request scope: metadata does not match scope.metadata");
    }
  }

  @Test
  void checkScopeRejectsAManifestWithoutAScope() throws Exception {
    byte[] archive = Fixtures.writeArchive(Fixtures.pinnedWriterOptions(1), List.of(Fixtures.record(1)));
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(archive),
        ExportReader.options().key(RecipientKey.of(Fixtures.RECIPIENT_KEY, Fixtures.RECIPIENT_CERT)).checkScope(true).build())) {
      assertThatThrownBy(r::verify).hasMessage("the manifest records no request scope to check the records against");
    }
  }

  @Test
  void signedPathTargetMatchesTheStreamBytes() throws Exception {
    byte[] stream = signedArchive();
    java.nio.file.Path file = java.nio.file.Files.createTempFile("signed", ".tgz");
    try {
      try (ExportWriter w = ExportWriter.open(file,
          ManifestRequestTest.options(ExportRequestTest.request().build()).signer(WRAPPING_SIGNER).build())) {
        w.write(ExportRequestTest.inScope().build());
        w.write(ExportRequestTest.inScope().id("second").build());
        w.finish();
      }
      // (the reservation may not fit: the signed content's count shrinks twice, in clear and inside the signature)
      assertThat(java.nio.file.Files.readAllBytes(file)).isEqualTo(stream);
    } finally {
      java.nio.file.Files.deleteIfExists(file);
    }
  }

}
