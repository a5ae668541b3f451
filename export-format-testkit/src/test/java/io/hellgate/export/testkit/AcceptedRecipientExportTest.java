package io.hellgate.export.testkit;

import static io.hellgate.export.testkit.CertificatePolicyTest.ACME;
import static org.assertj.core.api.Assertions.assertThat;

import io.hellgate.export.ExportManifest;
import io.hellgate.export.ExportReader;
import io.hellgate.export.ExportWriter;
import io.hellgate.export.Recipient;
import io.hellgate.export.RecipientKey;
import io.hellgate.export.crypto.PolicyDecision;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** An accepted decision's recipient is what ExportWriter encrypts to; the holder can read it. */
class AcceptedRecipientExportTest {

  @Test
  void exportsToAcceptedRecipientAndHolderOfTheKeyCanVerify() throws Exception {
    try (TestPki pki = TestPki.builder().build()) {
      TestCertificate leaf = pki.leaf(ACME).build();
      PolicyDecision decision = CertificatePolicyTest.policyFor(pki).build()
          .evaluate(CertificatePolicyTest.withCrls(pki, leaf));
      Recipient recipient = decision.acceptedRecipient();
      assertThat(recipient.isPolicyChecked()).isTrue();
      assertThat(recipient.toString()).contains("checked by CertificatePolicy");

      ByteArrayOutputStream archive = new ByteArrayOutputStream();
      ExportManifest manifest;
      try (ExportWriter w = ExportWriter.open(archive,
          ExportWriter.options().recipient(recipient).guardianInstance("c1.on-hellgate.cloud").build())) {
        manifest = w.finish();
      }
      assertThat(manifest.recipientSubject()).contains("Acme Payments GmbH");
      assertThat(manifest.recipientFingerprint()).isEqualTo(recipient.fingerprint());
      try (ExportReader r = ExportReader.open(new ByteArrayInputStream(archive.toByteArray()),
          ExportReader.options().key(RecipientKey.of(leaf.privateKey(), leaf.certificate())).build())) {
        r.verify();
        assertThat(r.manifest().recordCount()).isZero();
      }
    }
  }

  @Test
  void testkitModuleExportsOnlyItsApiPackage() throws Exception {
    ModuleDescriptor md = ModuleDescriptor.read(Files.newInputStream(Path.of("target/classes/module-info.class")));
    assertThat(md.name()).isEqualTo("io.hellgate.export.testkit");
    assertThat(md.exports()).extracting(ModuleDescriptor.Exports::source)
        .containsExactlyInAnyOrder("io.hellgate.export.testkit", "io.hellgate.export.testkit.golden", "io.hellgate.export.testkit.jqwik");
    assertThat(md.requires()).extracting(ModuleDescriptor.Requires::name).contains("jdk.httpserver", "io.hellgate.export.crypto");
    // jqwik is optional: only the jqwik package needs it, and no "provides" may name its services (ModulePathTest)
    assertThat(md.requires()).filteredOn(r -> r.name().equals("net.jqwik.api")).singleElement()
        .satisfies(r -> assertThat(r.modifiers()).containsExactly(ModuleDescriptor.Requires.Modifier.STATIC));
    assertThat(md.provides()).isEmpty();
  }
}
