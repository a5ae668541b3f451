package io.hellgate.export.testkit;

import static io.hellgate.export.testkit.CertificatePolicyTest.ACME;
import static io.hellgate.export.testkit.CertificatePolicyTest.bytes;
import static io.hellgate.export.testkit.CertificatePolicyTest.message;
import static io.hellgate.export.testkit.CertificatePolicyTest.policyFor;
import static io.hellgate.export.testkit.CertificatePolicyTest.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.hellgate.export.crypto.CertificateInput;
import io.hellgate.export.crypto.CertificatePolicy;
import io.hellgate.export.crypto.PolicyDecision;
import io.hellgate.export.crypto.PolicyDecision.Status;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.IssuingDistributionPoint;
import org.bouncycastle.asn1.x509.ReasonFlags;
import org.junit.jupiter.api.Test;

/** Revocation: supplied CRLs and OCSP responses, and fetching over loopback HTTP. */
class RevocationTest {

  // ---- supplied evidence

  @Test
  void rejectsCertificateRevokedByCrl() throws Exception {
    try (TestPki pki = TestPki.builder().build()) {
      TestCertificate leaf = pki.leaf(ACME).build();
      pki.revoke(leaf);
      PolicyDecision d = policyFor(pki).build().evaluate(CertificatePolicyTest.withCrls(pki, leaf));
      assertThat(status(d, "revocation")).isEqualTo(Status.FAIL);
      assertThat(message(d, "revocation")).contains("revoked on").contains("supplied CRL");
    }
  }

  @Test
  void rejectsCertificateWithoutRevocationEvidenceWhenOffline() throws Exception {
    try (TestPki pki = TestPki.builder().build()) {
      TestCertificate leaf = pki.leaf(ACME).build();
      PolicyDecision d = policyFor(pki).build()
          .evaluate(CertificateInput.builder(bytes(leaf.certificatePem())).intermediates(leaf.chain()).build());
      assertThat(status(d, "revocation")).isEqualTo(Status.FAIL);
      assertThat(d.accepted()).isFalse();
    }
  }

  @Test
  void rejectsStaleCrl() throws Exception {
    try (TestPki pki = TestPki.builder().intermediate(false).build()) {
      TestCertificate leaf = pki.leaf(ACME).build();
      byte[] stale = pki.issuingCrl(pki.now().minus(Duration.ofDays(10)), pki.now().minus(Duration.ofDays(3)));
      PolicyDecision d = policyFor(pki).build()
          .evaluate(CertificateInput.builder(bytes(leaf.certificatePem())).crl(stale).build());
      assertThat(status(d, "revocation")).isEqualTo(Status.FAIL);
      assertThat(message(d, "revocation")).contains("stale");
    }
  }

  @Test
  void rejectsCrlWithoutNextUpdate() throws Exception {
    try (TestPki pki = TestPki.builder().intermediate(false).build()) {
      TestCertificate leaf = pki.leaf(ACME).build();
      byte[] crl = pki.issuingCrl(pki.now().minus(Duration.ofMinutes(1)), null);
      PolicyDecision d = policyFor(pki).build()
          .evaluate(CertificateInput.builder(bytes(leaf.certificatePem())).crl(crl).build());
      assertThat(message(d, "revocation")).contains("no nextUpdate");
    }
  }

  @Test
  void rejectsCrlSignedByAnImpostorWithTheSameName() throws Exception {
    try (TestPki pki = TestPki.builder().intermediate(false).build();
        TestPki impostor = TestPki.builder().intermediate(false).now(pki.now()).build()) {
      TestCertificate leaf = pki.leaf(ACME).build();
      CertificateInput in = CertificateInput.builder(bytes(leaf.certificatePem()))
          .crl(impostor.crls().get(0)).build();
      PolicyDecision d = policyFor(pki).build().evaluate(in);
      assertThat(status(d, "revocation")).isEqualTo(Status.FAIL);
      assertThat(message(d, "revocation")).contains("invalid signature");
    }
  }

  @Test
  void acceptsCertificateWithGoodSuppliedOcspResponse() throws Exception {
    try (TestPki pki = TestPki.builder().intermediate(false).build()) {
      TestCertificate leaf = pki.leaf(ACME).build();
      PolicyDecision d = policyFor(pki).build().evaluate(
          CertificateInput.builder(bytes(leaf.certificatePem())).ocspResponse(pki.ocspResponse(leaf)).build());
      assertThat(status(d, "revocation")).isEqualTo(Status.PASS);
      assertThat(message(d, "revocation")).contains("supplied OCSP response");
      assertThat(d.accepted()).isTrue();
    }
  }

  @Test
  void rejectsCertificateRevokedBySuppliedOcspResponse() throws Exception {
    try (TestPki pki = TestPki.builder().intermediate(false).build()) {
      TestCertificate leaf = pki.leaf(ACME).build();
      pki.revoke(leaf);
      PolicyDecision d = policyFor(pki).softFailRevocation(true).build().evaluate(
          CertificateInput.builder(bytes(leaf.certificatePem())).ocspResponse(pki.ocspResponse(leaf)).build());
      assertThat(status(d, "revocation")).isEqualTo(Status.FAIL); // even in soft-fail mode
    }
  }

  @Test
  void rejectsStaleOcspResponse() throws Exception {
    try (TestPki pki = TestPki.builder().intermediate(false).build()) {
      TestCertificate leaf = pki.leaf(ACME).build();
      byte[] stale = pki.ocspResponse(leaf, pki.now().minus(Duration.ofDays(5)), pki.now().minus(Duration.ofDays(4)));
      PolicyDecision d = policyFor(pki).build().evaluate(
          CertificateInput.builder(bytes(leaf.certificatePem())).ocspResponse(stale).build());
      assertThat(status(d, "revocation")).isEqualTo(Status.FAIL);
      assertThat(message(d, "revocation")).contains("stale");
    }
  }

  @Test
  void rejectsOcspResponseSignedByAnImpostor() throws Exception {
    try (TestPki pki = TestPki.builder().intermediate(false).build();
        TestPki impostor = TestPki.builder().intermediate(false).now(pki.now()).build()) {
      TestCertificate leaf = pki.leaf(ACME).build();
      TestCertificate twin = impostor.leaf(ACME).build();
      // an answer about the impostor's certificate cannot cover ours (different issuer key hash)
      PolicyDecision d = policyFor(pki).build().evaluate(
          CertificateInput.builder(bytes(leaf.certificatePem())).ocspResponse(impostor.ocspResponse(twin)).build());
      assertThat(status(d, "revocation")).isEqualTo(Status.FAIL);
    }
  }

  @Test
  void acceptsOcspResponseFromDelegatedResponder() throws Exception {
    try (TestPki pki = TestPki.builder().intermediate(false).build()) {
      TestCertificate leaf = pki.leaf(ACME).build();
      TestCertificate responder = pki.leaf("CN=OCSP Responder,O=Hellgate Test PKI,C=DE").ocspSigning().build();
      PolicyDecision d = policyFor(pki).build().evaluate(CertificateInput.builder(bytes(leaf.certificatePem()))
          .ocspResponse(pki.ocspResponseSignedBy(leaf, responder)).build());
      assertThat(status(d, "revocation")).isEqualTo(Status.PASS);
    }
  }

  @Test
  void rejectsOcspResponseFromResponderWithoutOcspSigningUsage() throws Exception {
    try (TestPki pki = TestPki.builder().intermediate(false).build()) {
      TestCertificate leaf = pki.leaf(ACME).build();
      TestCertificate notResponder = pki.leaf("CN=Some Server,O=Hellgate Test PKI,C=DE").serverAuth().build();
      PolicyDecision d = policyFor(pki).build().evaluate(CertificateInput.builder(bytes(leaf.certificatePem()))
          .ocspResponse(pki.ocspResponseSignedBy(leaf, notResponder)).build());
      assertThat(status(d, "revocation")).isEqualTo(Status.FAIL);
      assertThat(message(d, "revocation")).contains("not signed by the issuer or a responder it authorized");
    }
  }

  @Test
  void rejectsOcspResponseFromResponderOfAnotherCa() throws Exception {
    try (TestPki pki = TestPki.builder().intermediate(false).build();
        TestPki impostor = TestPki.builder().intermediate(false).now(pki.now()).build()) {
      TestCertificate leaf = pki.leaf(ACME).build();
      TestCertificate foreignResponder = impostor.leaf("CN=OCSP Responder,O=Hellgate Test PKI,C=DE").ocspSigning().build();
      PolicyDecision d = policyFor(pki).build().evaluate(CertificateInput.builder(bytes(leaf.certificatePem()))
          .ocspResponse(pki.ocspResponseSignedBy(leaf, foreignResponder)).build());
      assertThat(status(d, "revocation")).isEqualTo(Status.FAIL);
    }
  }

  @Test
  void treatsOcspStatusUnknownAsUnknown() throws Exception {
    try (TestPki pki = TestPki.builder().intermediate(false).build()) {
      TestCertificate leaf = pki.leaf(ACME).build();
      CertificateInput in = CertificateInput.builder(bytes(leaf.certificatePem()))
          .ocspResponse(pki.ocspUnknownResponse(leaf)).build();
      assertThat(status(policyFor(pki).build().evaluate(in), "revocation")).isEqualTo(Status.FAIL);
      PolicyDecision soft = policyFor(pki).softFailRevocation(true).build().evaluate(in);
      assertThat(status(soft, "revocation")).isEqualTo(Status.WARN);
      assertThat(message(soft, "revocation")).contains("status unknown");
    }
  }

  // ---- CRL scope: delta, partitioned, indirect and unknown critical extensions

  static final String SHARD_1 = "http://crl.example/shard-1.crl";
  static final String SHARD_2 = "http://crl.example/shard-2.crl";

  static CertificateInput withSuppliedCrls(TestCertificate leaf, byte[]... crls) throws Exception {
    CertificateInput.Builder b = CertificateInput.builder(bytes(leaf.certificatePem()));
    for (byte[] crl : crls) {
      b.crl(crl);
    }
    return b.build();
  }

  static byte[] idp(IssuingDistributionPoint idp) throws Exception {
    return idp.getEncoded(ASN1Encoding.DER);
  }

  static IssuingDistributionPoint idpFor(String url) {
    return new IssuingDistributionPoint(
        new DistributionPointName(new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, url))),
        false, false, null, false, false);
  }

  @Test
  void deltaCrlDoesNotShowThatACertificateIsNotRevoked() throws Exception {
    try (TestPki pki = TestPki.builder().intermediate(false).build()) {
      TestCertificate leaf = pki.leaf(ACME).build();
      CertificateInput in = withSuppliedCrls(leaf, pki.issuingDeltaCrl());
      PolicyDecision d = policyFor(pki).build().evaluate(in);
      assertThat(status(d, "revocation")).isEqualTo(Status.FAIL);
      assertThat(message(d, "revocation")).contains("supplied CRL is a delta CRL");
      PolicyDecision soft = policyFor(pki).softFailRevocation(true).build().evaluate(in);
      assertThat(status(soft, "revocation")).isEqualTo(Status.WARN);
    }
  }

  @Test
  void certificateListedInADeltaCrlIsRevokedEvenIfAnOlderCompleteCrlDoesNotListIt() throws Exception {
    try (TestPki pki = TestPki.builder().intermediate(false).build()) {
      TestCertificate leaf = pki.leaf(ACME).build();
      byte[] base = pki.crls().get(0);
      pki.revoke(leaf);
      PolicyDecision d = policyFor(pki).softFailRevocation(true).build()
          .evaluate(withSuppliedCrls(leaf, base, pki.issuingDeltaCrl()));
      assertThat(status(d, "revocation")).isEqualTo(Status.FAIL);
      assertThat(message(d, "revocation")).contains("revoked on");
    }
  }

  @Test
  void crlOfAnotherPartitionDoesNotShowThatACertificateIsNotRevoked() throws Exception {
    try (TestPki pki = TestPki.builder().intermediate(false).build()) {
      TestCertificate leaf = pki.leaf(ACME).ocspUrls().crlUrls(SHARD_1).build();
      byte[] otherShard = pki.issuingCrlWithExtension("2.5.29.28", true, idp(idpFor(SHARD_2)));
      PolicyDecision d = policyFor(pki).build().evaluate(withSuppliedCrls(leaf, otherShard));
      assertThat(status(d, "revocation")).isEqualTo(Status.FAIL);
      assertThat(message(d, "revocation"))
          .contains("supplied CRL covers a distribution point that is not one of the certificate's");

      byte[] ownShard = pki.issuingCrlWithExtension("2.5.29.28", true, idp(idpFor(SHARD_1)));
      PolicyDecision ok = policyFor(pki).build().evaluate(withSuppliedCrls(leaf, ownShard));
      assertThat(status(ok, "revocation")).isEqualTo(Status.PASS);
    }
  }

  @Test
  void crlWithADistributionPointDoesNotCoverACertificateWithoutOne() throws Exception {
    try (TestPki pki = TestPki.builder().intermediate(false).build()) {
      TestCertificate leaf = pki.leaf(ACME).ocspUrls().crlUrls().build();
      byte[] shard = pki.issuingCrlWithExtension("2.5.29.28", true, idp(idpFor(SHARD_1)));
      PolicyDecision d = policyFor(pki).build().evaluate(withSuppliedCrls(leaf, shard));
      assertThat(status(d, "revocation")).isEqualTo(Status.FAIL);
      assertThat(message(d, "revocation")).contains("distribution point");
    }
  }

  @Test
  void crlWhoseScopeExcludesTheCertificateDoesNotShowThatItIsNotRevoked() throws Exception {
    try (TestPki pki = TestPki.builder().intermediate(false).build()) {
      TestCertificate leaf = pki.leaf(ACME).build();
      Map<String, IssuingDistributionPoint> scopes = Map.of(
          "only CA certificates", new IssuingDistributionPoint(null, false, true, null, false, false),
          "only some revocation reasons", new IssuingDistributionPoint(
              null, false, false, new ReasonFlags(ReasonFlags.keyCompromise), false, false),
          "indirect CRL", new IssuingDistributionPoint(null, false, false, null, true, false),
          "only attribute certificates", new IssuingDistributionPoint(null, false, false, null, false, true));
      for (Map.Entry<String, IssuingDistributionPoint> e : scopes.entrySet()) {
        byte[] crl = pki.issuingCrlWithExtension("2.5.29.28", true, idp(e.getValue()));
        PolicyDecision d = policyFor(pki).build().evaluate(withSuppliedCrls(leaf, crl));
        assertThat(status(d, "revocation")).as(e.getKey()).isEqualTo(Status.FAIL);
        assertThat(message(d, "revocation")).as(e.getKey()).contains(e.getKey());
      }
      byte[] userCerts = pki.issuingCrlWithExtension("2.5.29.28", true,
          idp(new IssuingDistributionPoint(null, true, false, null, false, false)));
      PolicyDecision ok = policyFor(pki).build().evaluate(withSuppliedCrls(leaf, userCerts));
      assertThat(status(ok, "revocation")).isEqualTo(Status.PASS);
    }
  }

  @Test
  void crlWithAnUnknownCriticalExtensionIsNotUsed() throws Exception {
    try (TestPki pki = TestPki.builder().intermediate(false).build()) {
      TestCertificate leaf = pki.leaf(ACME).build();
      byte[] nul = DERNull.INSTANCE.getEncoded();
      byte[] critical = pki.issuingCrlWithExtension("1.3.6.1.4.1.99999.7", true, nul);
      PolicyDecision d = policyFor(pki).build().evaluate(withSuppliedCrls(leaf, critical));
      assertThat(status(d, "revocation")).isEqualTo(Status.FAIL);
      assertThat(message(d, "revocation")).contains("unsupported critical extension 1.3.6.1.4.1.99999.7");

      byte[] nonCritical = pki.issuingCrlWithExtension("1.3.6.1.4.1.99999.7", false, nul);
      PolicyDecision ok = policyFor(pki).build().evaluate(withSuppliedCrls(leaf, nonCritical));
      assertThat(status(ok, "revocation")).isEqualTo(Status.PASS);
    }
  }

  @Test
  void crlWithACriticalEntryExtensionIsNotUsed() throws Exception {
    try (TestPki pki = TestPki.builder().intermediate(false).build()) {
      TestCertificate leaf = pki.leaf(ACME).build();
      byte[] otherIssuer = new GeneralNames(new GeneralName(new X500Name("CN=Other CA,O=Elsewhere,C=DE")))
          .getEncoded(ASN1Encoding.DER);
      byte[] crl = pki.issuingCrlWithEntryExtension("2.5.29.29", true, otherIssuer);
      PolicyDecision d = policyFor(pki).build().evaluate(withSuppliedCrls(leaf, crl));
      assertThat(status(d, "revocation")).isEqualTo(Status.FAIL);
      assertThat(message(d, "revocation")).contains("critical entry extension 2.5.29.29");
    }
  }

  // ---- loopback HTTP

  static CertificatePolicy online(TestPki pki, boolean softFail) {
    return policyFor(pki).onlineRevocation(true).softFailRevocation(softFail)
        .networkTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2)).build();
  }

  static CertificateInput chainOnly(TestCertificate leaf) {
    return CertificateInput.builder(bytes(leaf.certificatePem())).intermediates(leaf.chain()).build();
  }

  @Test
  void acceptsCertificateCheckedByLoopbackOcspResponder() throws Exception {
    try (TestPki pki = TestPki.builder().revocationServer(true).build()) {
      TestCertificate leaf = pki.leaf(ACME).build();
      PolicyDecision d = online(pki, false).evaluate(chainOnly(leaf));
      assertThat(d.failures()).isEmpty();
      assertThat(message(d, "revocation")).contains("OCSP http://127.0.0.1:");
      assertThat(pki.ocspRequestCount()).isEqualTo(2); // leaf and intermediate
    }
  }

  @Test
  void rejectsCertificateRevokedAtLoopbackOcspResponder() throws Exception {
    try (TestPki pki = TestPki.builder().revocationServer(true).build()) {
      TestCertificate leaf = pki.leaf(ACME).build();
      pki.revoke(leaf);
      PolicyDecision d = online(pki, true).evaluate(chainOnly(leaf));
      assertThat(status(d, "revocation")).isEqualTo(Status.FAIL);
      assertThat(message(d, "revocation")).contains("revoked");
    }
  }

  @Test
  void fallsBackToLoopbackCrlServerWhenOcspIsUnreachable() throws Exception {
    try (TestPki pki = TestPki.builder().revocationServer(true).build()) {
      String crlUrl = pki.crlUrl();
      TestCertificate leaf = pki.leaf(ACME).ocspUrls(TestPki.unreachableUrl()).crlUrls(crlUrl).build();
      PolicyDecision d = online(pki, false).evaluate(chainOnly(leaf));
      assertThat(status(d, "revocation")).isEqualTo(Status.PASS);
      assertThat(message(d, "revocation")).contains("CRL " + crlUrl);
      assertThat(pki.crlRequestCount()).isEqualTo(1);
      pki.revoke(leaf);
      PolicyDecision revoked = online(pki, false).evaluate(chainOnly(leaf));
      assertThat(status(revoked, "revocation")).isEqualTo(Status.FAIL);
      assertThat(message(revoked, "revocation")).contains("revoked on");
    }
  }

  @Test
  void rejectsWhenResponderIsUnreachableInHardFailMode() throws Exception {
    try (TestPki pki = TestPki.builder().revocationServer(true).build()) {
      String dead = TestPki.unreachableUrl();
      TestCertificate leaf = pki.leaf(ACME).ocspUrls(dead).crlUrls().build();
      PolicyDecision d = online(pki, false).evaluate(chainOnly(leaf));
      assertThat(status(d, "revocation")).isEqualTo(Status.FAIL);
      assertThat(message(d, "revocation")).contains(dead).contains("unreachable");
      assertThat(d.accepted()).isFalse();
    }
  }

  @Test
  void warnsWhenResponderIsUnreachableInSoftFailMode() throws Exception {
    try (TestPki pki = TestPki.builder().revocationServer(true).build()) {
      TestCertificate leaf = pki.leaf(ACME).ocspUrls(TestPki.unreachableUrl()).crlUrls().build();
      PolicyDecision d = online(pki, true).evaluate(chainOnly(leaf));
      assertThat(status(d, "revocation")).isEqualTo(Status.WARN);
      assertThat(d.accepted()).isTrue();
      assertThat(d.acceptedRecipient().isPolicyChecked()).isTrue();
    }
  }

  @Test
  void doesNotFetchWhenOnlineRevocationIsOff() throws Exception {
    try (TestPki pki = TestPki.builder().revocationServer(true).build()) {
      TestCertificate leaf = pki.leaf(ACME).build();
      PolicyDecision d = policyFor(pki).build().evaluate(chainOnly(leaf));
      assertThat(status(d, "revocation")).isEqualTo(Status.FAIL);
      assertThat(message(d, "revocation")).contains("online revocation checking is off");
      assertThat(pki.ocspRequestCount() + pki.crlRequestCount()).isZero();
    }
  }

  // ---- deadlines: a server that keeps sending one byte at a time

  /** An HTTP server on 127.0.0.1 that announces 1 MB and sends one byte every 100 ms. */
  static final class DribblingServer implements AutoCloseable {
    final HttpServer server;
    final ExecutorService executor = Executors.newCachedThreadPool();
    final AtomicInteger requests = new AtomicInteger();

    DribblingServer() throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
      server.setExecutor(executor);
      server.createContext("/", exchange -> {
        requests.incrementAndGet();
        exchange.getRequestBody().readAllBytes();
        exchange.sendResponseHeaders(200, 1_000_000);
        try (OutputStream out = exchange.getResponseBody()) {
          for (int i = 0; i < 1_000_000; i++) {
            out.write(0x30);
            out.flush();
            Thread.sleep(100);
          }
        } catch (IOException | InterruptedException closed) {
          // the client gave up, or the server stops
        }
      });
      server.start();
    }

    String url(String path) {
      return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    @Override
    public void close() {
      server.stop(0);
      executor.shutdownNow();
    }
  }

  @Test
  void abandonsAFetchThatDribblesPastItsDeadline() throws Exception {
    try (TestPki pki = TestPki.builder().intermediate(false).build();
        DribblingServer slow = new DribblingServer()) {
      TestCertificate leaf = pki.leaf(ACME).ocspUrls().crlUrls(slow.url("/slow.crl")).build();
      // each read gets a byte within 100 ms, far below the read timeout: only a deadline stops it
      CertificatePolicy policy = policyFor(pki).onlineRevocation(true)
          .networkTimeouts(Duration.ofMillis(500), Duration.ofMillis(500)).build();
      long start = System.nanoTime();
      PolicyDecision d = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> policy.evaluate(chainOnly(leaf)));
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(took).isLessThan(Duration.ofSeconds(5));
      assertThat(status(d, "revocation")).isEqualTo(Status.FAIL);
      assertThat(message(d, "revocation"))
          .contains("CRL " + slow.url("/slow.crl") + " did not answer within the fetch deadline of 1 s");
    }
  }

  @Test
  void abandonsAFetchWhoseResponseHeadersDribble() throws Exception {
    try (TestPki pki = TestPki.builder().intermediate(false).build();
        ServerSocket listener = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
      Thread server = new Thread(() -> {
        try (Socket s = listener.accept(); OutputStream out = s.getOutputStream()) {
          out.write("HTTP/1.1 200 OK\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
          for (int i = 0; i < 1_000_000; i++) {
            out.write('a');
            out.flush();
            Thread.sleep(100);
          }
        } catch (IOException | InterruptedException closed) {
          // the client gave up, or the test ended
        }
      });
      server.setDaemon(true);
      server.start();
      String url = "http://127.0.0.1:" + listener.getLocalPort() + "/slow-headers.crl";
      TestCertificate leaf = pki.leaf(ACME).ocspUrls().crlUrls(url).build();
      CertificatePolicy policy = policyFor(pki).onlineRevocation(true)
          .networkTimeouts(Duration.ofMillis(500), Duration.ofMillis(500)).build();
      long start = System.nanoTime();
      PolicyDecision d = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> policy.evaluate(chainOnly(leaf)));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      assertThat(status(d, "revocation")).isEqualTo(Status.FAIL);
      assertThat(message(d, "revocation")).contains("CRL " + url + " did not answer within the fetch deadline");
      // the abandoned fetch does not keep reading: its connection is closed in the background
      long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (busyFetchers() > 0 && System.nanoTime() - until < 0) {
        Thread.sleep(50);
      }
      assertThat(busyFetchers()).isZero();
      server.interrupt();
    }
  }

  /** Revocation fetch threads that are running, not idle in their pool. */
  static long busyFetchers() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("revocation-fetch") && t.getState() == Thread.State.RUNNABLE)
        .count();
  }

  @Test
  void stopsFetchingWhenTheEvaluationsRevocationDeadlinePasses() throws Exception {
    try (TestPki pki = TestPki.builder().intermediate(false).build();
        DribblingServer slow = new DribblingServer()) {
      TestCertificate leaf = pki.leaf(ACME)
          .ocspUrls(slow.url("/o1"), slow.url("/o2"), slow.url("/o3"))
          .crlUrls(slow.url("/c1"), slow.url("/c2"), slow.url("/c3")).build();
      // six URLs of 1 s each would take 6 s; the evaluation's deadline ends them all after 1.5 s
      CertificatePolicy.Builder policy = policyFor(pki).onlineRevocation(true)
          .networkTimeouts(Duration.ofMillis(500), Duration.ofMillis(500))
          .revocationDeadline(Duration.ofMillis(1500));
      long start = System.nanoTime();
      PolicyDecision d = assertTimeoutPreemptively(Duration.ofSeconds(20),
          () -> policy.build().evaluate(chainOnly(leaf)));
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(took).isLessThan(Duration.ofMillis(4000));
      assertThat(slow.requests.get()).isLessThan(6);
      assertThat(status(d, "revocation")).isEqualTo(Status.FAIL);
      assertThat(message(d, "revocation"))
          .contains("revocation deadline of this evaluation (1500 ms)")
          .contains("not fetched");

      PolicyDecision soft = assertTimeoutPreemptively(Duration.ofSeconds(20),
          () -> policy.softFailRevocation(true).build().evaluate(chainOnly(leaf)));
      assertThat(status(soft, "revocation")).isEqualTo(Status.WARN);
    }
  }

  @Test
  void revocationDeadlineMustBePositiveAndBounded() {
    try (TestPki pki = TestPki.builder().intermediate(false).build()) {
      assertThatThrownBy(() -> policyFor(pki).revocationDeadline(Duration.ZERO).build())
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("revocationDeadline");
      assertThatThrownBy(() -> policyFor(pki).revocationDeadline(Duration.ofMinutes(11)).build())
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("revocationDeadline");
    }
  }
}
