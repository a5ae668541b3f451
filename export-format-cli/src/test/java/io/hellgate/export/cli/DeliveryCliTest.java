package io.hellgate.export.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hellgate.export.ExportRequest;
import io.hellgate.export.ExportWriter;
import io.hellgate.export.Recipient;
import io.hellgate.export.testkit.Pem;
import io.hellgate.export.testkit.SyntheticRecords;
import io.hellgate.export.testkit.TestCertificate;
import io.hellgate.export.testkit.TestPki;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code export-tool link ...} and {@code demo delivery}, run in-process exactly as users run them. */
class DeliveryCliTest {
  private StringWriter out;
  private StringWriter err;

  int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    return ExportTool.execute(args, new PrintWriter(out, true), new PrintWriter(err, true), new ByteArrayOutputStream());
  }

  @Test
  void submitReviewCreateListRevokeAndAuditWithVerify(@TempDir Path dir) throws Exception {
    TestPki pki = TestPki.builder().build();
    TestCertificate recipient = pki.leaf("CN=Recipient, O=Acme Payments GmbH, C=DE").ov().build();
    Path roots = Pem.write(dir.resolve("roots.pem"), pki.rootPem());
    Path chain = Pem.write(dir.resolve("chain.pem"), Pem.certificates(pki.intermediates()));
    ExportRequest request = ExportRequest.builder().requestId("REQ-CLI-1").organization("Acme Payments GmbH")
        .clusterId("c1").useCase("migration").pciAttestation("AOC-1", LocalDate.of(2026, 1, 31))
        .scope(ExportRequest.Scope.builder().createdFrom(Instant.parse("2020-01-01T00:00:00Z"))
            .createdUntil(Instant.parse("2030-01-01T00:00:00Z")).build())
        .recipientTeam("platform").recipientContact("secops@acme.example").pointOfContact("bob@acme.example")
        .recipientCertificatePem(recipient.certificatePem()).build();
    Path requestFile = Files.write(dir.resolve("request.json"), request.toJson());
    Path archive = dir.resolve("export.tgz");
    SyntheticRecords gen = SyntheticRecords.seeded(1);
    try (ExportWriter w = ExportWriter.open(archive, ExportWriter.options()
        .recipient(Recipient.unverified(recipient.certificate())).request(request).guardianInstance("cli").build())) {
      for (int i = 0; i < 20; i++) {
        w.write(gen.next());
      }
      w.finish();
    }
    String db = "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath();
    List<String> common = List.of("--db", db, "--store", dir.resolve("store").toString(),
        "--base-url", "https://exports.example.com");

    List<String> policy = new ArrayList<>(common); // create re-validates the certificate: it takes the policy
    policy.addAll(List.of("--trust", roots.toString(), "--soft-fail-revocation"));
    assertThat(run(args(common, "link", "create", archive.toString(), "--request-id", "REQ-CLI-1", "--expires-in", "72h")))
        .as("create without --trust: the certificate cannot be re-validated").isEqualTo(2);
    assertThat(err.toString()).contains("--trust");
    assertThat(run(args(policy, "link", "create", archive.toString(), "--request-id", "REQ-CLI-1", "--expires-in", "72h")))
        .as(err.toString()).isEqualTo(1);
    assertThat(err.toString()).contains("rejected: [unknown_request]");

    assertThat(run(args(common, "link", "submit", requestFile.toString(), "--requester", "bob",
        "--trust", roots.toString(), "--chain", chain.toString(), "--soft-fail-revocation"))).as(err.toString()).isZero();
    assertThat(out.toString()).contains("policy: ACCEPTED");
    assertThat(run(args(common, "link", "review", "--request-id", "REQ-CLI-1", "--reviewer", "bob", "--approve")))
        .isEqualTo(1);
    assertThat(err.toString()).contains("[review_refused]");
    assertThat(run(args(common, "link", "review", "--request-id", "REQ-CLI-1", "--reviewer", "carol", "--approve",
        "--note", "SEC-9"))).as(err.toString()).isZero();

    assertThat(run(args(policy, "link", "create", archive.toString(), "--request-id", "REQ-CLI-1", "--expires-in", "72h",
        "--max-downloads", "3", "--contact", "secops@acme.example"))).as(err.toString()).isZero();
    Matcher url = Pattern.compile("https://exports\\.example\\.com/d/([A-Za-z0-9_-]{43})").matcher(out.toString());
    assertThat(url.find()).as(out.toString()).isTrue();
    String token = url.group(1);
    Matcher id = Pattern.compile("link (lnk_[A-Za-z0-9_-]+)").matcher(out.toString());
    assertThat(id.find()).isTrue();

    assertThat(run(args(common, "link", "list"))).isZero();
    assertThat(out.toString()).contains(id.group(1), "REQ-CLI-1", "0/3", "active").doesNotContain(token);

    assertThat(run(args(policy, "link", "create", archive.toString(), "--request-id", "REQ-CLI-1", "--expires-in", "400d")))
        .isEqualTo(2);
    assertThat(err.toString()).contains("maximum");

    assertThat(run(args(common, "link", "revoke", id.group(1), "--reason", "sent to the wrong address"))).isZero();
    assertThat(run(args(common, "link", "revoke", id.group(1), "--reason", "again"))).isEqualTo(1);
    assertThat(err.toString()).contains("[already_revoked]");

    assertThat(run(args(common, "link", "audit", "--request-id", "REQ-CLI-1", "--verify"))).as(err.toString()).isZero();
    assertThat(out.toString()).contains("request_submitted", "request_reviewed", "link_created", "link_revoked",
        "audit chain intact").doesNotContain(token);

    try (Connection c = DriverManager.getConnection(db); Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE audit_event SET client = 'mallory' WHERE seq = 2");
    }
    assertThat(run(args(common, "link", "audit", "--request-id", "REQ-CLI-1", "--verify"))).isEqualTo(1);
    assertThat(out.toString()).contains("audit chain broken: row 2 was changed");
  }

  @Test
  void demoDeliveryShowsTheWholeStepAndSucceeds(@TempDir Path dir) {
    assertThat(run("demo", "delivery", "--records", "50", "--dir", dir.toString())).as(out + "\n" + err).isZero();
    assertThat(out.toString()).contains("GET the link", "downloads-left  2 of 2", "verified and decrypted", "50 records",
        "a third download: 410", "download_completed", "audit chain intact", "all steps behaved as expected");
  }
  @Test
  void demoDeliveryRemovesItsTemporaryDirectory() {
    assertThat(run("demo", "delivery", "--records", "5")).as(out + "\n" + err).isZero();
    Matcher m = Pattern.compile("files in (\\S+) \\(removed at the end\\)").matcher(out.toString());
    assertThat(m.find()).as(out.toString()).isTrue();
    assertThat(Path.of(m.group(1))).doesNotExist();
  }


  private static String[] args(List<String> common, String... rest) {
    List<String> a = new ArrayList<>(List.of(rest).subList(0, 2));
    a.addAll(List.of(rest).subList(2, rest.length));
    a.addAll(common);
    return a.toArray(String[]::new);
  }
}
