package io.hellgate.export.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hellgate.export.ExportReader;
import io.hellgate.export.testkit.Pem;
import io.hellgate.export.testkit.TestCertificate;
import io.hellgate.export.testkit.TestPki;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Format 1.1 on the command line: request, encrypt --request --sign-*, inspect, verify --signer-trust --request. */
class FormatOneOneCliTest {
  private static final String PAN = "4111111111111111";
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void files() throws Exception {
    try (TestPki pki = TestPki.builder().build();
        TestPki signing = TestPki.builder().rootSubject("CN=Hellgate Signing Root,O=Hellgate Test PKI,C=DE").build()) {
      TestCertificate leaf = pki.leaf("CN=Export Recipient, O=Acme Payments GmbH, C=DE").ov().build();
      Pem.write(dir.resolve("root.pem"), pki.rootPem());
      Pem.write(dir.resolve("recipient-cert.pem"), leaf.certificatePem());
      Pem.write(dir.resolve("recipient-key.pem"), leaf.privateKeyPem());
      Pem.write(dir.resolve("ca.crl"), pki.crlsPem());
      Pem.write(dir.resolve("chain.pem"), leaf.chainPem());
      Pem.write(dir.resolve("dv-cert.pem"), pki.leaf("CN=shop.example").dv().serverAuth().build().certificatePem());
      TestCertificate signer = signing.leaf("CN=export-signer,O=Hellgate,C=DE").ecKey().signatureOnlyKeyUsage().build();
      Pem.write(dir.resolve("signer-key.pem"), signer.privateKeyPem());
      Pem.write(dir.resolve("signer-cert.pem"), signer.certificatePem() + signer.chainPem());
      Pem.write(dir.resolve("signing-root.pem"), signing.rootPem());
      Pem.write(dir.resolve("signing.crl"), signing.crlsPem());
    }
    StringBuilder jsonl = new StringBuilder();
    for (int i = 0; i < 4; i++) {
      jsonl.append("{\"id\":\"t-").append(i).append("\",\"card\":{\"expiry_month\":12,\"expiry_year\":2030,\"account_number\":\"")
          .append(PAN).append("\",\"scheme\":\"visa\"},\"created_at\":\"2024-0").append(i + 1).append("-01T12:00:00Z\"}\n");
    }
    Files.writeString(dir.resolve("tokens.jsonl"), jsonl.toString(), StandardCharsets.UTF_8);
  }

  private int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    return ExportTool.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
  }

  private String p(String name) {
    return dir.resolve(name).toString();
  }

  private List<String> request(String cert, String out, String... extra) {
    List<String> a = new ArrayList<>(List.of("request", "--out", p(out), "--cert", p(cert),
        "--trust", p("root.pem"), "--chain", p("chain.pem"), "--crl", p("ca.crl"),
        "--request-id", "REQ-2025-0042", "--organization", "Acme Payments GmbH", "--cluster-id", "my-cluster-id",
        "--use-case", "vault migration", "--attestation-ref", "AOC-2025-0042", "--attestation-date", "2025-01-10",
        "--from", "2024-01-01T00:00:00Z", "--until", "2025-01-01T00:00:00Z", "--scheme", "visa",
        "--team", "payments-platform", "--contact", "Jane Roe <jane@acme.example>", "--point-of-contact", "security@acme.example"));
    a.addAll(List.of(extra));
    return a;
  }

  private int encryptSigned(String request) {
    return run("encrypt", "--cert", p("recipient-cert.pem"), "--trust", p("root.pem"), "--chain", p("chain.pem"), "--crl", p("ca.crl"),
        "--in", p("tokens.jsonl"), "--out", p("export.tgz"), "--request", p(request),
        "--sign-key", p("signer-key.pem"), "--sign-cert", p("signer-cert.pem"));
  }

  @Test
  void fromRequestToStepSixConfirmation() throws Exception {
    assertThat(run(request("recipient-cert.pem", "request.json").toArray(String[]::new))).as(err.toString()).isZero();
    assertThat(out.toString()).contains("request REQ-2025-0042").contains("accepted by the policy");
    assertThat(encryptSigned("request.json")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("request_id: REQ-2025-0042").contains("signed by: ").contains("CN=export-signer");

    assertThat(run("inspect", p("export.tgz"))).isZero();
    assertThat(out.toString()).contains("version:           1.1").contains("request_id:        REQ-2025-0042 (claimed)")
        .contains("signed by:         ").contains("CN=export-signer").contains("(NOT verified; run verify --signer-trust)");

    assertThat(run("verify", p("export.tgz"), "--key", p("recipient-key.pem"), "--signer-trust", p("signing-root.pem"),
        "--signer-crl", p("signing.crl"), "--request", p("request.json"))).as(err.toString()).isZero();
    assertThat(out.toString())
        .containsPattern("signed by:    [^\n]*CN=export-signer[^\n]* \\(chain to [^\n]*CN=Hellgate Signing Root")
        .contains("request_id:   REQ-2025-0042 matches")
        .contains("in scope:     4 of 4 records")
        .containsPattern("CONFIRMED \\(step 6\\): decryption succeeds, signed by [^\n]*CN=export-signer[^\n]*, request REQ-2025-0042 matches, "
            + "scope matches, 4 of 4 records in scope, checksum sha256:[0-9a-f]{64}, 4 records");
  }

  @Test
  void requestRefusesACertificateThePolicyRejects() {
    assertThat(run(request("dv-cert.pem", "request.json").toArray(String[]::new))).isEqualTo(1);
    assertThat(err.toString()).contains("FAIL    validation_level").contains("no request was written");
    assertThat(dir.resolve("request.json")).doesNotExist();
  }

  @Test
  void encryptRefusesARecordOutsideTheRequestedScope() throws Exception {
    assertThat(run(request("recipient-cert.pem", "request.json", "--metadata", "tenant=acme").toArray(String[]::new))).isZero();
    assertThat(encryptSigned("request.json")).isEqualTo(1);
    assertThat(err.toString()).contains("rejected [record_out_of_scope]").contains("record 1 is outside the scope of request REQ-2025-0042").contains("metadata does not match scope.metadata");
    assertThat(dir.resolve("export.tgz")).doesNotExist();
  }

  @Test
  void verifyRejectsAnotherRequestAndAnUnsignedExport() throws Exception {
    assertThat(run(request("recipient-cert.pem", "request.json").toArray(String[]::new))).isZero();
    assertThat(encryptSigned("request.json")).isZero();
    List<String> other = request("recipient-cert.pem", "other.json");
    other.set(other.indexOf("REQ-2025-0042"), "REQ-2025-9999");
    assertThat(run(other.toArray(String[]::new))).isZero();
    assertThat(run("verify", p("export.tgz"), "--key", p("recipient-key.pem"), "--request", p("other.json"))).isEqualTo(1);
    assertThat(err.toString()).contains("answers request REQ-2025-0042, not REQ-2025-9999");

    assertThat(run("encrypt", "--cert", p("recipient-cert.pem"), "--trust", p("root.pem"), "--chain", p("chain.pem"), "--crl", p("ca.crl"),
        "--in", p("tokens.jsonl"), "--out", p("unsigned.tgz"))).isZero();
    assertThat(run("verify", p("unsigned.tgz"), "--key", p("recipient-key.pem"), "--signer-trust", p("signing-root.pem"))).isEqualTo(1);
    assertThat(err.toString()).contains("rejected [signature_missing]");
    assertThat(run("verify", p("export.tgz"), "--key", p("recipient-key.pem"), "--signer-trust", p("root.pem"))).isEqualTo(1);
    assertThat(err.toString()).contains("rejected [signature_invalid]").contains("does not chain to a configured signer trust anchor");
    assertThat(ExportReader.readManifest(dir.resolve("unsigned.tgz")).version()).isEqualTo("1.0");
  }
}
