package io.hellgate.export.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow clients hold connections, not threads: with a 16-thread pool, 40 transfers whose clients
 * stopped reading are all in flight while the server still answers a page at once; when the
 * clients go away, every transfer is audited as interrupted.
 */
class SlowClientsTest {
  private static final int STALLED = 40;

  @Test
  void stalledTransfersDoNotHoldThreads(@TempDir Path dir) throws Exception {
    Fixture fx = new Fixture();
    int port = DeliveryContract.freePort();
    try (DeliveryService service = fx.service("jdbc:h2:file:" + dir.resolve("db"), null, null, dir,
            URI.create("http://127.0.0.1:" + port));
        DeliveryServer server = DeliveryServer.start(service, DeliveryServer.options().port(port)
            .insecureHttp(true).maxThreads(16).idleTimeout(Duration.ofMinutes(2)).build())) {
      var request = fx.approvedRequest(service, fx.recipient);
      Path archive = fx.archive(dir, request, fx.recipient, 100_000); // about 20 MB: far beyond socket buffers
      DeliveryLink link = service.publish(archive, Terms.builder().requestId(request.requestId())
          .expiresIn(Duration.ofHours(1)).maxDownloads(STALLED + 1).build());
      URI url = link.url().orElseThrow();
      Http http = new Http(fx.pki);
      List<Socket> stalled = new ArrayList<>();
      try {
        for (int i = 0; i < STALLED; i++) {
          HttpResponse<String> post = http.post(url);
          assertThat(post.statusCode()).isEqualTo(303);
          Socket s = new Socket("127.0.0.1", port);
          s.setReceiveBufferSize(4096);
          OutputStream o = s.getOutputStream();
          o.write(("GET " + post.headers().firstValue("Location").orElseThrow() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
          o.flush();
          stalled.add(s); // never read
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (service.transfersRunning() < STALLED && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        assertThat(service.transfersRunning()).as("transfers in flight").isEqualTo(STALLED);
        long t0 = System.nanoTime();
        HttpResponse<String> page = http.get(url);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        assertThat(service.transfersRunning()).as("still stalled, more than the 16 threads").isEqualTo(STALLED);
      } finally {
        for (Socket s : stalled) {
          s.setSoLinger(true, 0); // reset: the server's next write fails
          s.close();
        }
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (service.transfersRunning() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(service.transfersRunning()).isZero();
      assertThat(service.audit(request.requestId()))
          .filteredOn(e -> e.type() == AuditEvent.Type.DOWNLOAD_INTERRUPTED).hasSize(STALLED);
    }
  }
}
