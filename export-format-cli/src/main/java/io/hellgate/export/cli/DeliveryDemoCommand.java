package io.hellgate.export.cli;

import io.hellgate.export.ExportReader;
import io.hellgate.export.ExportRequest;
import io.hellgate.export.ExportWriter;
import io.hellgate.export.RecipientKey;
import io.hellgate.export.TokenRecord;
import io.hellgate.export.crypto.CertificatePolicy;
import io.hellgate.export.delivery.ArchiveStore;
import io.hellgate.export.delivery.AuditEvent;
import io.hellgate.export.delivery.AuditVerification;
import io.hellgate.export.delivery.DeliveryLink;
import io.hellgate.export.delivery.DeliveryServer;
import io.hellgate.export.delivery.DeliveryService;
import io.hellgate.export.delivery.RequestApproval;
import io.hellgate.export.delivery.Terms;
import io.hellgate.export.testkit.SyntheticRecords;
import io.hellgate.export.testkit.TestCertificate;
import io.hellgate.export.testkit.TestPki;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code export-tool demo delivery}: the delivery step on throwaway test PKI, in one process. An
 * export request is submitted and its certificate checked (check 1), reviewed by someone else
 * (check 2), the export written for it, published as a link with two downloads on an H2 database,
 * served over HTTPS on loopback; the landing page is fetched (nothing consumed), the archive
 * downloaded twice by the button and decrypted, the third attempt refused (410), and the audit
 * printed and its hash chain verified. Exit 0 only if every step behaved as expected.
 */
@Command(name = "delivery", description = "Run the delivery step (link, page, download, limit, audit) on test PKI.")
final class DeliveryDemoCommand implements Callable<Integer> {
  private static final char[] PASSWORD = "demo-only".toCharArray();

  @Spec CommandSpec spec;

  @Option(names = "--records", defaultValue = "1000", paramLabel = "N", description = "How many synthetic records (default ${DEFAULT-VALUE}).")
  int records;

  @Option(names = "--dir", paramLabel = "DIR", description = "Where to put the demo files, kept afterwards (default: a new temporary directory, removed at the end).")
  Path dir;

  private PrintWriter out;
  private boolean ok = true;

  @Override
  public Integer call() throws Exception {
    if (records < 1) {
      throw new ExportTool.UsageError("--records must be at least 1, not " + records);
    }
    out = spec.commandLine().getOut();
    DeliveryOptions.quietMigrations();
    return DemoCommand.inWorkDirectory(dir, "export-delivery-demo-", "export-tool demo delivery", out, this::run);
  }

  private int run(Path work) throws Exception {
    try (TestPki pki = TestPki.builder().build()) {
      TestCertificate recipient = pki.leaf("CN=Token Export Recipient, O=Acme Payments GmbH, C=DE").ov().build();
      TestCertificate tls = pki.leaf("CN=localhost, O=Hellgate Demo, C=DE").ov().serverAuth().build();
      CertificatePolicy policy = CertificatePolicy.builder().trustAnchors(List.of(pki.root()))
          .onlineRevocation(false).softFailRevocation(true).clock(Clock.fixed(pki.now(), ZoneOffset.UTC)).build();
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      try (DeliveryService service = DeliveryService.open(DeliveryService.options()
              .jdbcUrl("jdbc:h2:file:" + work.resolve("delivery-db").toAbsolutePath())
              .archiveStore(ArchiveStore.filesystem(work.resolve("archives")))
              .baseUrl(URI.create("https://localhost:" + port))
              .policy(policy)
              .build());
          DeliveryServer server = DeliveryServer.start(service, DeliveryServer.options().port(port)
              .tlsKeystore(keystore(work, tls, pki), PASSWORD).build())) {
        step("1. HTTPS delivery server on " + server.uri() + " (H2 database and owner-only store in " + work + ")");

        ExportRequest request = ExportRequest.builder()
            .organization("Acme Payments GmbH").clusterId("demo-cluster").useCase("processor migration")
            .pciAttestation("AOC-DEMO-1", LocalDate.of(2026, 6, 30))
            .scope(ExportRequest.Scope.builder().createdFrom(Instant.parse("2020-01-01T00:00:00Z"))
                .createdUntil(Instant.parse("2030-01-01T00:00:00Z")).build())
            .recipientTeam("payments platform").recipientContact("secops@acme.example")
            .pointOfContact("bob@acme.example").recipientCertificatePem(recipient.certificatePem()).build();
        RequestApproval submitted = service.submitRequest(request, "bob@acme.example", pki.intermediates());
        step("2. request " + request.requestId() + " submitted by bob@acme.example; certificate policy: "
            + (submitted.policyAccepted() ? "ACCEPTED" : "REJECTED"));
        expect(submitted.policyAccepted(), "the OV recipient certificate passes the policy");
        try {
          service.review(request.requestId(), "bob@acme.example", true, null);
          expect(false, "the requester cannot review their own request");
        } catch (io.hellgate.export.delivery.DeliveryException e) {
          detail("bob reviewing his own request: refused [" + e.reason().code() + "]");
        }
        RequestApproval approved = service.review(request.requestId(), "carol@hellgate.example", true, "ticket SEC-42");
        step("3. reviewed by carol@hellgate.example: " + (approved.approved() ? "APPROVED" : "not approved"));

        Path archive = work.resolve("export-demo.tgz");
        SyntheticRecords gen = SyntheticRecords.seeded(2026);
        try (ExportWriter w = ExportWriter.open(archive, ExportWriter.options()
            .recipient(policy.evaluate((recipient.certificatePem()
                + io.hellgate.export.testkit.Pem.certificates(pki.intermediates())).getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .acceptedRecipient())
            .request(request).guardianInstance("demo-cluster.on-hellgate.cloud").build())) {
          for (int i = 0; i < records; i++) {
            w.write(gen.next());
          }
          w.finish();
        }
        DeliveryLink link = service.publish(archive, Terms.builder().requestId(request.requestId())
            .expiresIn(Duration.ofHours(72)).maxDownloads(2).contact("secops@acme.example")
            .createdBy("alice@hellgate.example").build());
        step("4. published " + archive.getFileName() + " as " + link.linkId() + ": 2 downloads, expires " + link.expiresAt());
        detail("URL (shown once; only its SHA-256 is stored): " + link.url().orElseThrow());

        HttpClient http = client(pki);
        URI url = link.url().orElseThrow();
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(url).GET().build(), HttpResponse.BodyHandlers.ofString());
        step("5. GET the link (what a mail scanner does): " + page.statusCode() + ", a page with");
        for (String id : List.of("request-id", "file", "size", "export_id", "sha-256", "expires", "downloads-left")) {
          detail(String.format("%-15s %s", id, field(page.body(), id)));
        }
        expect(page.statusCode() == 200 && "2 of 2".equals(field(page.body(), "downloads-left")), "the page consumes nothing");

        String expectedSha = link.archiveSha256();
        for (int i = 1; i <= 2; i++) {
          byte[] got = download(http, url);
          String sha = got == null ? "none" : HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(got));
          step("6." + i + " Download button (POST, 303, GET): " + (got == null ? "refused" : got.length + " bytes, sha256 " + sha));
          expect(expectedSha.equals(sha), "the download is byte-identical to the published archive");
          if (i == 1 && got != null) {
            Path received = work.resolve("received.tgz");
            Files.write(received, got);
            long n = 0;
            try (ExportReader r = ExportReader.open(received, ExportReader.options()
                .key(RecipientKey.of(recipient.privateKey(), recipient.certificate())).build())) {
              r.verify();
              for (TokenRecord t; (t = r.nextRecord()) != null; ) {
                n++;
              }
            }
            detail("verified and decrypted with the recipient's key: " + n + " records");
            expect(n == records, "all records come back");
          }
        }
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(url).POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
        step("7. a third download: " + post.statusCode() + " " + text(post.body(), "reason"));
        expect(post.statusCode() == 410, "the limit is reached: 410 Gone");

        Thread.sleep(300); // transfers write their completion rows asynchronously
        step("8. audit of request " + request.requestId() + ":");
        for (AuditEvent e : service.audit(request.requestId())) {
          detail(Printable.escape(e.toString()));
        }
        AuditVerification v = service.verifyAudit();
        step("9. " + v.message());
        expect(v.intact(), "the audit chain verifies");
      }
    }
    out.println(ok ? "demo delivery: all steps behaved as expected" : "demo delivery: SOME STEPS DID NOT BEHAVE AS EXPECTED");
    out.flush();
    return ok ? ExportTool.OK : ExportTool.REJECTED;
  }

  private static byte[] download(HttpClient http, URI link) throws Exception {
    HttpResponse<String> p = http.send(HttpRequest.newBuilder(link).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    if (p.statusCode() != 303) {
      return null;
    }
    HttpResponse<byte[]> f = http.send(HttpRequest.newBuilder(link.resolve(p.headers().firstValue("Location").orElseThrow()))
        .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    return f.statusCode() == 200 ? f.body() : null;
  }

  private static String field(String html, String id) {
    Matcher m = Pattern.compile("<dd id=\"" + Pattern.quote(id) + "\">([^<]*)</dd>").matcher(html);
    return m.find() ? m.group(1).replace("&quot;", "\"").replace("&amp;", "&") : "?";
  }

  private static String text(String html, String id) {
    Matcher m = Pattern.compile("id=\"" + Pattern.quote(id) + "\"[^>]*>(.*?)</p>").matcher(html);
    return m.find() ? m.group(1).replaceAll("<[^>]+>", "") : "";
  }

  private static HttpClient client(TestPki pki) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("root", pki.root());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(ssl).followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(10)).build();
  }

  private static Path keystore(Path work, TestCertificate tls, TestPki pki) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    List<Certificate> chain = new ArrayList<>(List.of(tls.certificate()));
    chain.addAll(pki.intermediates());
    ks.setKeyEntry("server", tls.privateKey(), PASSWORD, chain.toArray(Certificate[]::new));
    Path p = work.resolve("demo-server.p12");
    try (OutputStream o = Files.newOutputStream(p)) {
      ks.store(o, PASSWORD);
    }
    return p;
  }

  private void step(String s) {
    out.println(s);
    out.flush();
  }

  private void detail(String s) {
    out.println("     " + s);
  }

  private void expect(boolean condition, String what) {
    if (!condition) {
      ok = false;
      out.println("     !! expected: " + what);
    }
  }
}
