package io.hellgate.export.delivery;

import io.hellgate.export.ExportRequest;
import io.hellgate.export.ExportWriter;
import io.hellgate.export.crypto.CertificatePolicy;
import io.hellgate.export.crypto.PolicyDecision;
import io.hellgate.export.testkit.SyntheticRecords;
import io.hellgate.export.testkit.TestCertificate;
import io.hellgate.export.testkit.TestPki;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Shared test material: a test PKI, a recipient, a policy, archives and services on a database. */
final class Fixture {
  static final char[] KEYSTORE_PASSWORD = "changeit".toCharArray();
  private static final AtomicInteger REQUESTS = new AtomicInteger();

  final TestPki pki;
  final TestCertificate recipient;
  final TestCertificate server;
  final MutableClock clock;
  final CertificatePolicy policy;

  Fixture() {
    pki = TestPki.builder().build();
    recipient = pki.leaf("CN=Token Export Recipient, O=Acme Payments GmbH, C=DE").ov().build();
    server = pki.leaf("CN=localhost, O=Hellgate Test, C=DE").ov().serverAuth().build();
    clock = new MutableClock(pki.now());
    policy = CertificatePolicy.builder()
        .trustAnchors(List.of(pki.root()))
        .onlineRevocation(false)
        .softFailRevocation(true)
        .clock(clock)
        .build();
  }

  /** An export request for {@code to}, with a scope that holds every synthetic record. */
  ExportRequest request(TestCertificate to) {
    return ExportRequest.builder()
        .requestId(newRequestId())
        .organization("Acme Payments GmbH")
        .clusterId("delivery-test")
        .useCase("migration to a new processor")
        .pciAttestation("AOC-2026-17", java.time.LocalDate.parse("2026-06-30"))
        .scope(ExportRequest.Scope.builder().createdFrom(java.time.Instant.parse("2000-01-01T00:00:00Z"))
            .createdUntil(java.time.Instant.parse("2100-01-01T00:00:00Z")).build())
        .recipientTeam("payments platform")
        .recipientContact("secops@acme.example")
        .pointOfContact("bob@acme.example")
        .recipientCertificatePem(to.certificatePem())
        .build();
  }

  /** A format 1.1 export for {@code request} (to its certificate) of {@code records} synthetic records. */
  Path archive(Path dir, ExportRequest request, TestCertificate to, int records) throws IOException {
    PolicyDecision d = policy.evaluate(pem(to).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    Path out = Files.createTempFile(dir, "export-", ".tgz");
    SyntheticRecords gen = SyntheticRecords.seeded(records);
    try (ExportWriter w = ExportWriter.open(out, ExportWriter.options()
        .recipient(d.accepted() ? d.acceptedRecipient() : io.hellgate.export.Recipient.unverified(to.certificate()))
        .request(request).guardianInstance("delivery-test.on-hellgate.cloud").build())) {
      for (int i = 0; i < records; i++) {
        w.write(gen.next());
      }
      w.finish();
    }
    return out;
  }

  /**
   * A format 1.0 export of at least {@code bytes} bytes of JSON Lines, written line by line with
   * bounded memory (for the large tests; publish it with unverifiedArchivesWithoutRequestId).
   */
  Path largeArchive(Path dir, long bytes) throws IOException {
    String[] lines = new String[64];
    for (int i = 0; i < lines.length; i++) {
      lines[i] = "{\"id\":\"tok-" + i + "\",\"card\":{\"cardholder_name\":\"Max Muster\",\"expiry_month\":"
          + (1 + i % 12) + ",\"expiry_year\":2031,\"account_number\":\""
          + SyntheticRecords.luhnComplete("411111" + String.format("%09d", i))
          + "\",\"scheme\":\"visa\"},\"created_at\":\"2023-10-01T12:00:00Z\",\"metadata\":{\"ref\":\"" + "x".repeat(i) + "\"}}";
    }
    Path out = dir.resolve("large.tgz");
    PolicyDecision d = policy.evaluate(pem(recipient).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    long written = 0;
    try (ExportWriter w = ExportWriter.open(out, ExportWriter.options().recipient(d.acceptedRecipient())
        .guardianInstance("delivery-large").spoolDirectory(dir).build())) {
      for (long i = 0; written < bytes; i++) {
        String line = lines[(int) (i % lines.length)];
        w.writeLine(line);
        written += line.length() + 1;
      }
      w.finish();
    }
    return out;
  }

  /** Opens a service on {@code jdbcUrl} with a store under {@code dir}. */
  DeliveryService service(String jdbcUrl, String user, String password, Path dir, URI base) throws IOException {
    DeliveryService.Options.Builder b = DeliveryService.options()
        .jdbcUrl(jdbcUrl)
        .archiveStore(ArchiveStore.filesystem(dir.resolve("store")))
        .clock(clock)
        .policy(policy)
        .baseUrl(base)
        .resumeWindow(Duration.ofHours(1));
    if (user != null) {
      b.user(user).password(password);
    }
    return DeliveryService.open(b.build());
  }

  /** The leaf followed by the intermediates, as the policy reads it. */
  String pem(TestCertificate c) {
    return c.certificatePem() + io.hellgate.export.testkit.Pem.certificates(pki.intermediates());
  }

  /** A new, unique request ID. */
  static String newRequestId() {
    return "REQ-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + "-" + REQUESTS.incrementAndGet();
  }

  /** Submits a request for {@code to} by "bob" and has "carol" approve it. */
  ExportRequest approvedRequest(DeliveryService s, TestCertificate to) throws IOException {
    ExportRequest r = request(to);
    s.submitRequest(r, "bob@acme.example", pki.intermediates());
    s.review(r.requestId(), "carol@hellgate.example", true, "ticket SEC-1");
    return r;
  }

  /** A PKCS#12 keystore with the test server certificate and its chain. */
  Path keystore(Path dir) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    List<Certificate> chain = new ArrayList<>(List.of(server.certificate()));
    chain.addAll(pki.intermediates());
    ks.setKeyEntry("server", server.privateKey(), KEYSTORE_PASSWORD, chain.toArray(Certificate[]::new));
    Path p = dir.resolve("server.p12");
    try (OutputStream o = Files.newOutputStream(p)) {
      ks.store(o, KEYSTORE_PASSWORD);
    }
    return p;
  }
}
