package io.hellgate.export.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.hellgate.export.ExportFormatException;
import io.hellgate.export.ExportReader;
import io.hellgate.export.ExportRequest;
import io.hellgate.export.ExportWriter;
import io.hellgate.export.ManifestVerifier;
import io.hellgate.export.Recipient;
import io.hellgate.export.RecipientKey;
import io.hellgate.export.crypto.ManifestSignatures;
import io.hellgate.export.testkit.golden.GoldenEdits;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** With real CMS signatures: any change to any member of a signed manifest is detected before decryption. */
class SignedManifestProperties {
  static TestPki pki;
  static TestCertificate recipient;
  static TestCertificate signer;
  static byte[] archive;
  static ManifestVerifier verifier;

  @BeforeContainer
  static void export() throws Exception {
    pki = TestPki.builder().build();
    recipient = pki.leaf(CertificatePolicyTest.ACME).ov().build();
    signer = pki.leaf("CN=signer,O=Hellgate,C=DE").ecKey().signatureOnlyKeyUsage().build();
    ExportRequest request = ExportRequest.builder().requestId("REQ-PROP-1").organization("Acme Payments GmbH")
        .clusterId("c1").useCase("tests").pciAttestation("AOC-1", LocalDate.parse("2025-01-01"))
        .scope(ExportRequest.Scope.builder().createdFrom(Instant.EPOCH).createdUntil(Instant.parse("2100-01-01T00:00:00Z"))
            .scheme("visa").scheme("mastercard").scheme("amex").scheme("discover").metadata("channel", "web").build())
        .recipientTeam("t").recipientContact("c").pointOfContact("p").recipientCertificatePem(recipient.certificatePem()).build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ExportWriter w = ExportWriter.open(out, ExportWriter.options().recipient(Recipient.unverified(recipient.certificate()))
        .guardianInstance("prop.on-hellgate.cloud").request(request)
        .signer(ManifestSignatures.signer().key(signer.privateKey(), signer.certificate()).chain(signer.chain()).build())
        .build())) {
      SyntheticRecords records = SyntheticRecords.seeded(5);
      for (int i = 0; i < 40 && w.recordCount() < 3; i++) {
        var r = records.next();
        if (request.scope().includes(r)) {
          w.write(r);
        }
      }
      w.finish();
    }
    archive = out.toByteArray();
    ManifestSignatures.VerifierBuilder v = ManifestSignatures.verifier().trustAnchors(List.of(pki.root()));
    for (byte[] crl : pki.crls()) {
      v.crl(crl);
    }
    verifier = v.build();
  }

  @AfterContainer
  static void close() {
    pki.close();
  }

  static ExportReader open(byte[] a) throws Exception {
    return ExportReader.open(new ByteArrayInputStream(a), ExportReader.options()
        .key(RecipientKey.of(recipient.privateKey(), recipient.certificate())).signatureVerifier(verifier).build());
  }

  static List<String> leaves(JsonNode node, String pointer) {
    List<String> out = new ArrayList<>();
    if (node.isObject()) {
      node.fieldNames().forEachRemaining(n -> {
        if (!(pointer.isEmpty() && n.equals("signature"))) {
          out.addAll(leaves(node.get(n), pointer + "/" + n));
        }
      });
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        out.addAll(leaves(node.get(i), pointer + "/" + i));
      }
    } else {
      out.add(pointer);
    }
    return out;
  }

  @Provide
  Arbitrary<String> leaf() {
    return Arbitraries.of(leaves(GoldenEdits.manifest(archive), ""));
  }

  @Property(tries = 120)
  void anyChangeToASignedManifestIsDetected(@ForAll("leaf") String pointer, @ForAll("kinds") int kind) throws Exception {
    try (ExportReader r = open(archive)) {
      assertThat(r.verifiedSignature()).isPresent(); // the unchanged export verifies
    }
    byte[] changed = GoldenEdits.editManifest(archive, m -> {
      int cut = pointer.lastIndexOf('/');
      JsonNode parent = m.at(pointer.substring(0, cut));
      String name = pointer.substring(cut + 1);
      JsonNode old = m.at(pointer);
      if (parent.isArray()) {
        ((ArrayNode) parent).set(Integer.parseInt(name), TextNode.valueOf(old.asText() + "-x"));
        return;
      }
      ObjectNode p = (ObjectNode) parent;
      switch (kind) {
        case 0 -> p.set(name, TextNode.valueOf(old.asText() + (old.isTextual() ? "x" : "")));
        case 1 -> p.remove(name);
        default -> p.put(name + "_added", "x"); // a string: valid wherever it lands (metadata values must be strings)
      }
    });
    ExportFormatException e = org.junit.jupiter.api.Assertions.assertThrows(ExportFormatException.class, () -> open(changed).close());
    assertThat(e.reason().code()).isIn("signature_invalid", "malformed_manifest", "unsupported_version", "unsupported_algorithm");
    if (kind == 2 || parentIsArray(pointer)) {
      assertThat(e.reason().code()).isEqualTo("signature_invalid");
    }
  }

  private static boolean parentIsArray(String pointer) {
    return pointer.substring(0, pointer.lastIndexOf('/')).endsWith("schemes");
  }

  @Provide
  Arbitrary<Integer> kinds() {
    return Arbitraries.integers().between(0, 2);
  }
}
