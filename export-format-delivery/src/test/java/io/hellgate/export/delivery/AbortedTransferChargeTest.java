package io.hellgate.export.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an aborted transfer costs its grant's byte budget (the resume rule, docs/delivery.md). */
class AbortedTransferChargeTest {
  private static final int READ = 1 << 20;

  /**
   * Regression: an aborted transfer gave back everything after its last completed write, though the
   * failed write had already delivered part of its buffer; with a 4 MiB buffer a client could read
   * 1 MiB per aborted range request, forever, without spending any of the budget.
   */
  @Test
  void abortedRangeIsChargedForTheBytesTheClientReceived(@TempDir Path dir) throws Exception {
    Fixture fx = new Fixture();
    try (DeliveryService service = fx.service("jdbc:h2:file:" + dir.resolve("db"), null, null, dir,
            URI.create("http://127.0.0.1"));
        DeliveryServer server = DeliveryServer.start(service, DeliveryServer.options().port(0).insecureHttp(true)
            .bufferSize(4 << 20).build())) {
      io.hellgate.export.ExportRequest request = fx.approvedRequest(service, fx.recipient);
      Path archive = fx.archive(dir, request, fx.recipient, 60_000);
      DeliveryLink link = service.publish(archive, Terms.builder().requestId(request.requestId())
          .expiresIn(Duration.ofHours(1)).maxDownloads(1).build());
      URI url = server.uri().resolve(link.url().orElseThrow().getPath());
      String grant = new Http(fx.pki).post(url).headers().firstValue("Location").orElseThrow();
      long received = 0;
      for (int i = 0; i < 3; i++) {
        try (Socket s = new Socket()) {
          s.setReceiveBufferSize(4096);
          s.connect(new InetSocketAddress("127.0.0.1", server.port()));
          s.getOutputStream().write(("GET " + grant + " HTTP/1.1\r\nHost: 127.0.0.1\r\nRange: bytes=0-\r\n"
              + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
          InputStream in = s.getInputStream();
          assertThat(headers(in)).startsWith("HTTP/1.1 206");
          byte[] buf = new byte[8192];
          long got = 0;
          for (int n; got < READ && (n = in.read(buf, 0, (int) Math.min(buf.length, READ - got))) > 0; ) {
            got += n;
          }
          assertThat(got).isEqualTo(READ);
          received += got;
          s.setSoLinger(true, 0); // abort: RST
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (service.transfersRunning() > 0 && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertThat(service.transfersRunning()).isZero();
        assertThat(reserved(service, link.linkId())).as("bytes charged to the grant after " + (i + 1) + " aborts")
            .isGreaterThanOrEqualTo(received);
      }
    }
  }

  private static String headers(InputStream in) throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int c; (c = in.read()) >= 0; ) {
      b.write(c);
      String s = b.toString(StandardCharsets.US_ASCII);
      if (s.endsWith("\r\n\r\n")) {
        return s;
      }
    }
    throw new AssertionError("no response headers");
  }

  private static long reserved(DeliveryService service, String linkId) throws Exception {
    try (Connection c = service.connection();
        PreparedStatement ps = c.prepareStatement("SELECT bytes_reserved FROM download_grant WHERE link_id = ?")) {
      ps.setString(1, linkId);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        return rs.getLong(1);
      }
    }
  }
}
