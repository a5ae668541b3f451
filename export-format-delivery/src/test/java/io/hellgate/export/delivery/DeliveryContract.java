package io.hellgate.export.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hellgate.export.testkit.TestCertificate;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delivery behaviour every database must show, over real HTTPS with the JDK's HTTP client.
 * Subclasses say which database ({@link H2DeliveryTest}, {@link PostgresDeliveryTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class DeliveryContract {
  /** A JDBC URL with its credentials (user and password may be null). */
  record Database(String url, String user, String password) {}

  Path dir;
  Fixture fx;
  DeliveryService service;
  DeliveryServer server;
  Http http;
  io.hellgate.export.ExportRequest request;
  io.hellgate.export.ExportRequest bigRequest;
  Path small;
  Path big;
  byte[] smallBytes;
  byte[] bigBytes;

  /** The database for this run; may skip (assumption) when it is not available. */
  abstract Database database(Path dir) throws Exception;

  @BeforeAll
  void start(@TempDir Path tmp) throws Exception {
    dir = tmp;
    Database db = database(dir);
    fx = new Fixture();
    int port = freePort();
    service = fx.service(db.url(), db.user(), db.password(), dir, URI.create("https://localhost:" + port));
    server = DeliveryServer.start(service, DeliveryServer.options().port(port)
        .tlsKeystore(fx.keystore(dir), Fixture.KEYSTORE_PASSWORD).build());
    http = new Http(fx.pki);
    request = fx.approvedRequest(service, fx.recipient);
    small = fx.archive(dir, request, fx.recipient, 2_000);
    bigRequest = fx.approvedRequest(service, fx.recipient);
    big = fx.archive(dir, bigRequest, fx.recipient, 200_000); // about 40 MB: far more than the socket buffers
    smallBytes = Files.readAllBytes(small);
    bigBytes = Files.readAllBytes(big);
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
    if (service != null) {
      service.close();
    }
  }

  @BeforeEach
  void resetClock() {
    fx.clock.set(fx.pki.now());
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  DeliveryLink publish(Path archive, int maxDownloads) throws Exception {
    String id = (archive.equals(big) ? bigRequest : request).requestId();
    return service.publish(archive, Terms.builder().requestId(id).expiresIn(Duration.ofHours(72))
        .maxDownloads(maxDownloads).createdBy("alice@hellgate.example").contact("secops@acme.example").build());
  }

  int used(DeliveryLink link) throws Exception {
    return service.links(10_000).stream().filter(l -> l.linkId().equals(link.linkId())).findFirst()
        .orElseThrow().downloadsUsed();
  }

  List<String> events(DeliveryLink link) throws Exception {
    return service.audit(link.requestId()).stream().filter(e -> e.linkId().orElse("").equals(link.linkId()))
        .map(e -> e.type().code() + " " + e.detail()).toList();
  }

  /** Waits until an audit event of this type for the link exists (transfers finish asynchronously). */
  AuditEvent awaitEvent(DeliveryLink link, AuditEvent.Type type) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      for (AuditEvent e : service.audit(link.requestId())) {
        if (e.type() == type && e.linkId().orElse("").equals(link.linkId())) {
          return e;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no " + type.code() + " event for " + link + "; events: " + events(link));
  }

  static String grantPath(HttpResponse<String> post) {
    assertThat(post.statusCode()).as("POST on the link").isEqualTo(303);
    return post.headers().firstValue("Location").orElseThrow();
  }

  @Test
  @Order(1)
  void landingPageShowsTheArchiveAndConsumesNothing() throws Exception {
    DeliveryLink link = publish(small, 2);
    URI url = link.url().orElseThrow();
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> page = http.get(url);
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains(link.requestId(), link.archiveSha256(), link.exportId().toString(),
          Long.toString(Files.size(small)), "export-" + link.exportId() + ".tgz", "2 of 2", "<button");
    }
    assertThat(used(link)).isZero();
    assertThat(events(link)).filteredOn(e -> e.startsWith("page_viewed")).hasSize(3);
    assertThat(events(link)).noneMatch(e -> e.startsWith("download_granted"));
  }

  @Test
  @Order(2)
  void buttonDownloadIsByteIdenticalAndCarriesTheHeaders() throws Exception {
    DeliveryLink link = publish(small, 1);
    URI url = link.url().orElseThrow();
    HttpResponse<String> page = http.get(url);
    for (String h : List.of("cache-control", "referrer-policy", "x-content-type-options")) {
      assertThat(page.headers().firstValue(h)).as(h).isPresent();
    }
    HttpResponse<String> post = http.post(url);
    HttpResponse<byte[]> file = http.getBytes(url.resolve(grantPath(post)));
    assertThat(file.statusCode()).isEqualTo(200);
    assertThat(file.body()).isEqualTo(smallBytes);
    assertThat(file.headers().firstValue("content-disposition"))
        .hasValue("attachment; filename=\"export-" + link.exportId() + ".tgz\"");
    assertThat(file.headers().firstValue("cache-control")).hasValue("no-store");
    assertThat(file.headers().firstValue("referrer-policy")).hasValue("no-referrer");
    assertThat(file.headers().firstValue("x-content-type-options")).hasValue("nosniff");
    assertThat(file.headers().firstValue("etag")).hasValue("\"" + link.archiveSha256() + "\"");
    assertThat(post.headers().firstValue("cache-control")).hasValue("no-store");
    assertThat(used(link)).isEqualTo(1);
    awaitEvent(link, AuditEvent.Type.DOWNLOAD_COMPLETED);
    assertThat(http.post(url).statusCode()).isEqualTo(410);
  }

  @Test
  @Order(3)
  void sixtyFourParallelClientsGetExactlyThreeDownloads() throws Exception {
    DeliveryLink link = publish(small, 3);
    List<byte[]> results = race(64, List.of(link.url().orElseThrow()));
    assertThat(results.stream().filter(r -> r != null)).hasSize(3).allMatch(r -> Arrays.equals(r, smallBytes));
    assertThat(results.stream().filter(r -> r == null)).hasSize(61);
    assertThat(used(link)).isEqualTo(3);
    List<String> ev = events(link);
    assertThat(ev).filteredOn(e -> e.startsWith("download_granted")).hasSize(3);
    assertThat(ev).filteredOn(e -> e.startsWith("download_refused")).hasSize(61);
  }

  /** {@code clients} threads released at once, client i using {@code urls[i % n]}: bytes or null. */
  List<byte[]> race(int clients, List<URI> urls) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<byte[]>> fs = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        URI u = urls.get(i % urls.size());
        Callable<byte[]> c = () -> {
          go.await();
          return http.download(u);
        };
        fs.add(pool.submit(c));
      }
      go.countDown();
      List<byte[]> out = new ArrayList<>();
      for (Future<byte[]> f : fs) {
        out.add(f.get());
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  @Order(4)
  void expiresExactlyAtTheEdgeWithA410NamingTheRequest() throws Exception {
    DeliveryLink link = publish(small, 5);
    URI url = link.url().orElseThrow();
    fx.clock.set(link.expiresAt().minusMillis(1));
    grantPath(http.post(url));
    assertThat(http.get(url).statusCode()).isEqualTo(200);
    fx.clock.set(link.expiresAt());
    HttpResponse<String> page = http.get(url);
    assertThat(page.statusCode()).isEqualTo(410);
    assertThat(page.body()).contains("expired at " + link.expiresAt(), link.requestId());
    assertThat(http.post(url).statusCode()).isEqualTo(410);
    assertThat(used(link)).isEqualTo(1);
    assertThat(events(link)).contains("download_refused expired");
  }

  @Test
  @Order(5)
  void interruptedDownloadResumesWithoutConsumingAnother() throws Exception {
    DeliveryLink link = publish(big, 1);
    URI url = link.url().orElseThrow();
    URI grant = url.resolve(grantPath(http.post(url)));
    int half = bigBytes.length / 2;
    HttpResponse<InputStream> first = http.getStream(grant);
    assertThat(first.statusCode()).isEqualTo(200);
    byte[] head;
    try (InputStream in = first.body()) {
      head = in.readNBytes(half);
    } // closing mid-body breaks the connection
    assertThat(head).hasSize(half);
    AuditEvent cut = awaitEvent(link, AuditEvent.Type.DOWNLOAD_INTERRUPTED);
    assertThat(cut.detail()).contains("connection lost");

    HttpResponse<byte[]> rest = http.getBytes(grant, "Range", "bytes=" + half + "-",
        "If-Range", "\"" + link.archiveSha256() + "\"");
    assertThat(rest.statusCode()).isEqualTo(206);
    assertThat(rest.headers().firstValue("content-range"))
        .hasValue("bytes " + half + "-" + (bigBytes.length - 1) + "/" + bigBytes.length);
    byte[] whole = new byte[bigBytes.length];
    System.arraycopy(head, 0, whole, 0, half);
    System.arraycopy(rest.body(), 0, whole, half, rest.body().length);
    assertThat(whole).isEqualTo(bigBytes);
    assertThat(used(link)).isEqualTo(1);
    awaitEvent(link, AuditEvent.Type.DOWNLOAD_COMPLETED);
    assertThat(events(link)).anyMatch(e -> e.startsWith("download_resumed"));
    // a fresh full GET is a new download, and this link allowed only one
    assertThat(http.getBytes(grant).statusCode()).isEqualTo(410);
    assertThat(used(link)).isEqualTo(1);
  }

  @Test
  @Order(6)
  void aFreshFullGetOrAStaleIfRangeCostsADownload() throws Exception {
    DeliveryLink link = publish(small, 3);
    URI url = link.url().orElseThrow();
    URI grant = url.resolve(grantPath(http.post(url)));
    assertThat(http.getBytes(grant).body()).isEqualTo(smallBytes);
    assertThat(used(link)).isEqualTo(1);
    HttpResponse<byte[]> stale = http.getBytes(grant, "Range", "bytes=10-", "If-Range", "\"" + "0".repeat(64) + "\"");
    assertThat(stale.statusCode()).isEqualTo(200);
    assertThat(stale.body()).isEqualTo(smallBytes);
    assertThat(used(link)).isEqualTo(2);
    HttpResponse<byte[]> ranged = http.getBytes(grant, "Range", "bytes=-100");
    assertThat(ranged.statusCode()).isEqualTo(206);
    assertThat(ranged.body()).isEqualTo(Arrays.copyOfRange(smallBytes, smallBytes.length - 100, smallBytes.length));
    assertThat(http.getBytes(grant, "Range", "bytes=0-1,5-6").statusCode()).isEqualTo(416);
    assertThat(used(link)).isEqualTo(2);
  }

  @Test
  @Order(7)
  void resumeAfterTheWindowIsRefused() throws Exception {
    DeliveryLink link = publish(small, 2);
    URI url = link.url().orElseThrow();
    URI grant = url.resolve(grantPath(http.post(url)));
    fx.clock.advance(Duration.ofHours(1)); // the fixture's resume window
    assertThat(http.getBytes(grant, "Range", "bytes=0-9").statusCode()).isEqualTo(410);
    assertThat(events(link)).anyMatch(e -> e.startsWith("download_refused resume_window_closed"));
  }

  @Test
  @Order(7)
  void rangesCannotFetchTheArchiveAgainAndAgainForFree() throws Exception {
    DeliveryLink link = publish(small, 1);
    URI url = link.url().orElseThrow();
    URI grant = url.resolve(grantPath(http.post(url)));
    assertThat(http.getBytes(grant).body()).isEqualTo(smallBytes);
    // budget: the size plus less than size / maxDownloads of overlap: no second whole copy
    assertThat(http.getBytes(grant, "Range", "bytes=0-").statusCode()).isEqualTo(410);
    HttpResponse<byte[]> overlap = http.getBytes(grant, "Range", "bytes=1-");
    assertThat(overlap.statusCode()).isEqualTo(206);
    assertThat(overlap.body()).isEqualTo(Arrays.copyOfRange(smallBytes, 1, smallBytes.length));
    HttpResponse<byte[]> more = http.getBytes(grant, "Range", "bytes=0-0");
    assertThat(more.statusCode()).isEqualTo(410);
    assertThat(events(link)).anyMatch(e -> e.startsWith("download_refused grant_budget_spent"));
    assertThat(used(link)).isEqualTo(1);
  }

  /** Regression: the overlap was min(size, 64 MiB) per grant, so a small archive gave two copies per download. */
  @Test
  @Order(7)
  void rangesNeverYieldMoreWholeCopiesThanMaxDownloads() throws Exception {
    int max = 3;
    DeliveryLink link = publish(small, max);
    URI url = link.url().orElseThrow();
    long bytes = 0;
    for (int i = 0; i < max; i++) {
      URI grant = url.resolve(grantPath(http.post(url)));
      // fetch as much as the grant gives, in ranges only: the whole file, then tails until refused
      for (long tail = smallBytes.length; tail >= 1; ) {
        HttpResponse<byte[]> r = http.getBytes(grant, "Range", tail == smallBytes.length ? "bytes=0-" : "bytes=-" + tail);
        if (r.statusCode() == 206) {
          bytes += r.body().length;
        } else {
          assertThat(r.statusCode()).isEqualTo(410);
          tail = tail == smallBytes.length ? (smallBytes.length - 1) / max : tail / 2;
        }
      }
    }
    assertThat(used(link)).isEqualTo(max);
    assertThat(bytes).as("bytes served over all grants of a link with maxDownloads " + max)
        .isLessThan((long) (max + 1) * smallBytes.length);
    assertThat(http.post(url).statusCode()).isEqualTo(410);
  }

  @Test
  @Order(8)
  void revokeCutsARunningTransferAndTheAuditSaysSo() throws Exception {
    DeliveryLink link = publish(big, 2);
    URI url = link.url().orElseThrow();
    URI grant = url.resolve(grantPath(http.post(url)));
    HttpResponse<InputStream> r = http.getStream(grant);
    long got = 0;
    try (InputStream in = r.body()) {
      got += in.readNBytes(1 << 20).length;
      service.revoke(link.linkId(), "recipient reported a lost laptop", "alice@hellgate.example");
      byte[] buf = new byte[1 << 16];
      try {
        for (int n; (n = in.read(buf)) > 0; ) {
          got += n;
        }
      } catch (java.io.IOException expected) {
        // the server aborted the connection
      }
    }
    assertThat(got).isLessThan(bigBytes.length);
    AuditEvent cut = awaitEvent(link, AuditEvent.Type.DOWNLOAD_INTERRUPTED);
    assertThat(cut.detail()).contains("link revoked");
    assertThat(events(link)).anyMatch(e -> e.startsWith("link_revoked reason: recipient reported a lost laptop"));
    HttpResponse<String> page = http.get(url);
    assertThat(page.statusCode()).isEqualTo(410);
    assertThat(page.body()).contains("revoked", link.requestId());
    assertThat(http.getBytes(grant, "Range", "bytes=" + got + "-").statusCode()).isEqualTo(410);
    assertThatThrownBy(() -> service.revoke(link.linkId(), "again", "alice@hellgate.example"))
        .isInstanceOfSatisfying(DeliveryException.class,
            e -> assertThat(e.reason()).isEqualTo(DeliveryException.Reason.ALREADY_REVOKED));
  }

  @Test
  @Order(9)
  void unknownAndMalformedTokensAre404AndAreThrottled() throws Exception {
    try (DeliveryServer strict = DeliveryServer.start(service, DeliveryServer.options().port(0)
        .tlsKeystore(fx.keystore(dir), Fixture.KEYSTORE_PASSWORD).maxBadTokensPerMinute(5).build())) {
      URI base = URI.create("https://localhost:" + strict.port());
      String unknown = io.hellgate.export.delivery.internal.Tokens.newToken();
      HttpResponse<String> a = http.get(base.resolve("/d/" + unknown));
      HttpResponse<String> b = http.get(base.resolve("/d/not-a-token"));
      assertThat(a.statusCode()).isEqualTo(404);
      assertThat(b.statusCode()).isEqualTo(404);
      assertThat(a.body()).isEqualTo(b.body());
      assertThat(http.post(base.resolve("/d/" + unknown)).statusCode()).isEqualTo(404);
      assertThat(http.get(base.resolve("/g/" + unknown)).statusCode()).isEqualTo(404);
      assertThat(http.get(base.resolve("/d/x")).statusCode()).isEqualTo(404);
      HttpResponse<String> refused = http.get(base.resolve("/d/" + unknown));
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(refused.headers().firstValue("retry-after")).isPresent();
      // a real link is refused too while the address is throttled: no oracle by timing the limit
      DeliveryLink link = publish(small, 1);
      assertThat(http.get(base.resolve(link.url().orElseThrow().getPath())).statusCode()).isEqualTo(429);
      fx.clock.advance(Duration.ofMinutes(1));
      assertThat(http.get(base.resolve(link.url().orElseThrow().getPath())).statusCode()).isEqualTo(200);
    }
  }

  @Test
  @Order(10)
  void onlyTheTokensHashIsStored() throws Exception {
    DeliveryLink link = publish(small, 1);
    String token = link.url().orElseThrow().getPath().substring(3);
    assertThat(token).hasSize(43);
    assertThat(link.toString()).doesNotContain(token);
    try (Connection c = service.connection(); Statement s = c.createStatement()) {
      for (String table : List.of("delivery_link", "audit_event", "download_grant", "export_request")) {
        try (ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
          int cols = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            for (int i = 1; i <= cols; i++) {
              assertThat(String.valueOf(rs.getObject(i))).as(table).doesNotContain(token);
            }
          }
        }
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT token_hash FROM delivery_link WHERE link_id = ?")) {
        ps.setString(1, link.linkId());
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          assertThat(rs.getString(1)).isEqualTo(io.hellgate.export.delivery.internal.Tokens.hash(token));
        }
      }
    }
  }

  @Test
  @Order(11)
  void publishRefusesWithoutBothApprovalChecks() throws Exception {
    io.hellgate.export.ExportRequest unknown = fx.request(fx.recipient);
    Path forUnknown = fx.archive(dir, unknown, fx.recipient, 10);
    assertReason(() -> service.publish(forUnknown, terms(unknown)), DeliveryException.Reason.UNKNOWN_REQUEST);

    io.hellgate.export.ExportRequest pending = fx.request(fx.recipient);
    Path forPending = fx.archive(dir, pending, fx.recipient, 10);
    service.submitRequest(pending, "bob@acme.example", fx.pki.intermediates());
    assertReason(() -> service.publish(forPending, terms(pending)), DeliveryException.Reason.NOT_APPROVED);
    assertReason(() -> service.review(pending.requestId(), "bob@acme.example", true, null),
        DeliveryException.Reason.REVIEW_REFUSED);
    service.review(pending.requestId(), "carol@hellgate.example", false, "no ticket");
    assertReason(() -> service.publish(forPending, terms(pending)), DeliveryException.Reason.NOT_APPROVED);
    assertReason(() -> service.review(pending.requestId(), "dave@hellgate.example", true, null),
        DeliveryException.Reason.REVIEW_REFUSED);

    // check 1 fails: a DV certificate; approving the review does not help
    TestCertificate dv = fx.pki.leaf("CN=shop.example").dv().serverAuth().build();
    io.hellgate.export.ExportRequest dvRequest = fx.request(dv);
    RequestApproval a = service.submitRequest(dvRequest, "bob@acme.example", fx.pki.intermediates());
    assertThat(a.policyAccepted()).isFalse();
    assertThat(a.policyChecks()).contains("FAIL validation_level");
    service.review(dvRequest.requestId(), "carol@hellgate.example", true, null);
    Path forDv = fx.archive(dir, dvRequest, dv, 10);
    assertThatThrownBy(() -> service.publish(forDv, terms(dvRequest)))
        .isInstanceOfSatisfying(DeliveryException.class, e -> {
          assertThat(e.reason()).isEqualTo(DeliveryException.Reason.NOT_APPROVED);
          assertThat(e.getMessage()).contains("validation_level");
        });

    // the archive names another request than the terms
    assertReason(() -> service.publish(small, terms(pending)), DeliveryException.Reason.REQUEST_MISMATCH);
    // one request delivers one export: another archive for the same request is refused
    Path second = fx.archive(dir, request, fx.recipient, 10);
    assertReason(() -> service.publish(second, terms(request)), DeliveryException.Reason.REQUEST_MISMATCH);
    // a format 1.0 archive names no request: refused unless opted in
    Path v10 = fx.archive(dir, null, fx.recipient, 10);
    assertReason(() -> service.publish(v10, terms(request)), DeliveryException.Reason.REQUEST_MISMATCH);

    // the archive is for the approved request but encrypted to another certificate
    TestCertificate other = fx.pki.leaf("CN=Other Recipient, O=Other Corp, C=FR").ov().build();
    io.hellgate.export.ExportRequest forOther = fx.request(other);
    Path otherArchive = fx.archive(dir, forOther, other, 10);
    io.hellgate.export.ExportRequest sameId = io.hellgate.export.ExportRequest.fromJson(
        new String(fx.request(fx.recipient).toJson(), java.nio.charset.StandardCharsets.UTF_8)
            .replaceFirst("\"request_id\" *: *\"[^\"]*\"", "\"request_id\":\"" + forOther.requestId() + "\"")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    service.submitRequest(sameId, "bob@acme.example", fx.pki.intermediates());
    service.review(sameId.requestId(), "carol@hellgate.example", true, null);
    assertReason(() -> service.publish(otherArchive, terms(sameId)), DeliveryException.Reason.RECIPIENT_MISMATCH);
    assertThat(service.audit(sameId.requestId())).extracting(e -> e.type().code())
        .containsExactly("request_submitted", "request_reviewed");
  }

  /** Regression: the four-eyes check compared names exactly, so "BOB@acme.example " could approve bob's request. */
  @Test
  @Order(11)
  void requesterCannotReviewUnderAnotherCaseOrSpacing() throws Exception {
    io.hellgate.export.ExportRequest r = fx.request(fx.recipient);
    service.submitRequest(r, "bob@acme.example", fx.pki.intermediates());
    for (String alias : List.of("BOB@acme.example", " bob@acme.example", "bob@acme.example\t",
        "\uFF42ob@acme.example")) { // the last one starts with a fullwidth b
      assertReason(() -> service.review(r.requestId(), alias, true, null), DeliveryException.Reason.REVIEW_REFUSED);
    }
    assertThat(service.request(r.requestId()).orElseThrow().approved()).isFalse();
  }

  /** Regression: publish trusted the policy decision made at submission, so an expired certificate still got a link. */
  @Test
  @Order(11)
  void publishRevalidatesTheApprovedCertificate() throws Exception {
    io.hellgate.export.ExportRequest r = fx.approvedRequest(service, fx.recipient);
    Path archive = fx.archive(dir, r, fx.recipient, 10);
    fx.clock.set(fx.recipient.certificate().getNotAfter().toInstant().plusSeconds(1));
    assertThatThrownBy(() -> service.publish(archive, terms(r)))
        .isInstanceOfSatisfying(DeliveryException.class, e -> {
          assertThat(e.reason()).isEqualTo(DeliveryException.Reason.POLICY_REJECTED);
          assertThat(e.failedChecks()).contains("validity");
        });
    assertThat(service.audit(r.requestId())).extracting(e -> e.type().code())
        .containsExactly("request_submitted", "request_reviewed");
  }

  static Terms terms(io.hellgate.export.ExportRequest r) {
    return Terms.builder().requestId(r.requestId()).expiresIn(Duration.ofHours(1)).build();
  }

  @Test
  @Order(12)
  void reissueRevalidatesTheCertificateAndReferencesTheOriginal() throws Exception {
    DeliveryLink link = publish(small, 1);
    fx.clock.set(link.expiresAt());
    assertThat(http.get(link.url().orElseThrow()).statusCode()).isEqualTo(410);
    String newRequest = Fixture.newRequestId();
    DeliveryLink again = service.reissue(link.requestId(), Terms.builder().requestId(newRequest)
        .expiresIn(Duration.ofHours(24)).maxDownloads(1).createdBy("alice@hellgate.example").build());
    assertThat(again.reissuedFrom()).hasValue(link.requestId());
    assertThat(again.archiveSha256()).isEqualTo(link.archiveSha256());
    assertThat(http.download(again.url().orElseThrow())).isEqualTo(smallBytes);
    assertThat(service.audit(newRequest)).extracting(e -> e.type().code())
        .startsWith("link_reissued", "link_created");
    assertThat(service.audit(newRequest).get(0).detail()).contains(link.requestId());

    fx.clock.set(fx.recipient.certificate().getNotAfter().toInstant().plusSeconds(1));
    assertThatThrownBy(() -> service.reissue(link.requestId(), Terms.builder().requestId(Fixture.newRequestId())
        .expiresIn(Duration.ofHours(1)).build()))
        .isInstanceOfSatisfying(DeliveryException.class, e -> {
          assertThat(e.reason()).isEqualTo(DeliveryException.Reason.POLICY_REJECTED);
          assertThat(e.failedChecks()).contains("validity");
        });
  }

  @Test
  @Order(13)
  void termsAreBoundedByTheServiceMaxima() throws Exception {
    String id = request.requestId();
    assertThatThrownBy(() -> service.publish(small, Terms.builder().requestId(id).expiresIn(Duration.ofDays(31)).build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maximum");
    assertThatThrownBy(() -> service.publish(small, Terms.builder().requestId(id).expiresIn(Duration.ofHours(1))
        .maxDownloads(101).build())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Terms.builder().requestId(id).expiresIn(Duration.ofHours(1)).maxDownloads(0).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("maxDownloads");
  }

  @Test
  @Order(100)
  void auditVerificationFindsTheFirstChangedDeletedOrInsertedRow() throws Exception {
    awaitQuiet();
    assertThat(service.verifyAudit().intact()).as(service.verifyAudit().message()).isTrue();
    long rows = service.verifyAudit().rows();
    long target = rows / 2;
    try (Connection c = service.connection()) {
      Object[] original = row(c, target);
      // changed in place
      exec(c, "UPDATE audit_event SET detail = 'downloads left 99' WHERE seq = " + target);
      assertProblem(AuditVerification.Problem.CHANGED, target);
      restore(c, target, original);
      assertThat(service.verifyAudit().intact()).isTrue();
      // deleted
      exec(c, "DELETE FROM audit_event WHERE seq = " + target);
      assertProblem(AuditVerification.Problem.DELETED, target);
      restore(c, target, original);
      // deleted from the end
      Object[] last = row(c, rows);
      exec(c, "DELETE FROM audit_event WHERE seq = " + rows);
      assertProblem(AuditVerification.Problem.DELETED, rows);
      restore(c, rows, last);
      // inserted at the end, with a well-formed hash
      String prev = (String) last[8];
      String head = ((String) last[9]).trim();
      String hash = AuditLog.hash(head, rows + 1, 0, "download_granted", "REQ-X", null, null, null, "forged");
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_event (seq, at_millis, event, request_id,"
          + " prev_hash, row_hash) VALUES (?, 0, 'download_granted', 'REQ-X', ?, ?)")) {
        ps.setLong(1, rows + 1);
        ps.setString(2, head);
        ps.setString(3, hash);
        ps.executeUpdate();
      }
      assertThat(prev).isNotNull();
      assertProblem(AuditVerification.Problem.INSERTED, rows + 1);
      exec(c, "DELETE FROM audit_event WHERE seq = " + (rows + 1));
      // changed with a recomputed own hash: the next row still names the original
      Object[] mid = row(c, target);
      String forged = AuditLog.hash(((String) mid[8]).trim(), target, (Long) mid[1], (String) mid[2], (String) mid[3],
          (String) mid[4], (String) mid[5], (String) mid[6], "rewritten");
      exec(c, "UPDATE audit_event SET detail = 'rewritten', row_hash = '" + forged + "' WHERE seq = " + target);
      assertProblem(AuditVerification.Problem.CHANGED, target);
      restore(c, target, mid);
    }
    assertThat(service.verifyAudit().intact()).isTrue();
  }

  void awaitQuiet() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (service.transfersRunning() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    Thread.sleep(200);
  }

  void assertProblem(AuditVerification.Problem p, long seq) throws Exception {
    AuditVerification v = service.verifyAudit();
    assertThat(v.intact()).isFalse();
    assertThat(v.problem()).as(v.message()).hasValue(p);
    assertThat(v.firstBadSeq()).as(v.message()).hasValue(seq);
  }

  static Object[] row(Connection c, long seq) throws Exception {
    try (PreparedStatement ps = c.prepareStatement("SELECT seq, at_millis, event, request_id, link_id, client,"
        + " user_agent, detail, prev_hash, row_hash FROM audit_event WHERE seq = ?")) {
      ps.setLong(1, seq);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        Object[] o = new Object[10];
        for (int i = 0; i < 10; i++) {
          o[i] = rs.getObject(i + 1);
        }
        o[1] = rs.getLong(2);
        return o;
      }
    }
  }

  static void restore(Connection c, long seq, Object[] o) throws Exception {
    exec(c, "DELETE FROM audit_event WHERE seq = " + seq);
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_event (seq, at_millis, event, request_id,"
        + " link_id, client, user_agent, detail, prev_hash, row_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setLong(1, seq);
      ps.setLong(2, (Long) o[1]);
      for (int i = 2; i < 10; i++) {
        ps.setString(i + 1, o[i] == null ? null : o[i].toString());
      }
      ps.executeUpdate();
    }
  }

  static void exec(Connection c, String sql) throws Exception {
    try (Statement s = c.createStatement()) {
      s.executeUpdate(sql);
    }
  }

  interface Call {
    void run() throws Exception;
  }

  static void assertReason(Call call, DeliveryException.Reason reason) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(DeliveryException.class,
        e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason));
  }

  static Instant now() {
    return Instant.now();
  }
}
