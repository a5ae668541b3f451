package io.hellgate.export.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 10 GiB archive published and downloaded over HTTPS in one JVM (server and client) under
 * {@code -Xmx128m}: the server streams it with one bounded buffer, so heap stays flat. Runs in the
 * benchmark profile only: {@code mvn -B verify -Pbenchmark -pl export-format-delivery -am
 * -Dtest=LargeDownloadTest -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("large")
class LargeDownloadTest {
  private static final long TARGET = (10L << 30) + 12345;

  @Test
  void tenGibibytesDownloadInAFixedHeap(@TempDir Path dir) throws Exception {
    assertThat(Runtime.getRuntime().maxMemory()).as("run with -Xmx128m (benchmark profile)")
        .isLessThanOrEqualTo(140L << 20);
    Fixture fx = new Fixture();
    long t0 = System.nanoTime();
    Path archive = fx.largeArchive(dir, TARGET);
    long size = Files.size(archive);
    System.out.printf("LargeDownloadTest: wrote %d bytes in %.1f s%n", size, (System.nanoTime() - t0) / 1e9);
    int port = DeliveryContract.freePort();
    try (DeliveryService service = DeliveryService.open(DeliveryService.options()
            .jdbcUrl("jdbc:h2:file:" + dir.resolve("db"))
            .archiveStore(ArchiveStore.filesystem(dir.resolve("store")))
            .clock(fx.clock).policy(fx.policy).baseUrl(URI.create("https://localhost:" + port))
            .unverifiedArchivesWithoutRequestId(true).build());
        DeliveryServer server = DeliveryServer.start(service, DeliveryServer.options().port(port)
            .tlsKeystore(fx.keystore(dir), Fixture.KEYSTORE_PASSWORD).build())) {
      String request = fx.approvedRequest(service, fx.recipient).requestId();
      DeliveryLink link = service.publish(archive, Terms.builder().requestId(request)
          .expiresIn(Duration.ofHours(1)).build());
      Files.delete(archive); // the store has its copy; keep the disk use at one copy
      Http http = new Http(fx.pki);
      URI url = link.url().orElseThrow();
      HttpResponse<String> post = http.post(url);
      assertThat(post.statusCode()).isEqualTo(303);
      resetPeaks();
      long t1 = System.nanoTime();
      HttpResponse<InputStream> r = http.getStream(url.resolve(post.headers().firstValue("Location").orElseThrow()));
      assertThat(r.statusCode()).isEqualTo(200);
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      long got = 0;
      byte[] buf = new byte[1 << 16];
      try (InputStream in = r.body()) {
        for (int n; (n = in.read(buf)) > 0; got += n) {
          sha.update(buf, 0, n);
        }
      }
      double seconds = (System.nanoTime() - t1) / 1e9;
      long peak = peakHeap();
      System.out.printf("LargeDownloadTest: downloaded %d bytes over HTTPS in %.1f s (%.0f MiB/s), peak heap %d MiB of %d MiB%n",
          got, seconds, got / seconds / (1 << 20), peak >> 20, Runtime.getRuntime().maxMemory() >> 20);
      assertThat(got).isEqualTo(size).isGreaterThan(10L << 30);
      assertThat(HexFormat.of().formatHex(sha.digest())).isEqualTo(link.archiveSha256());
      assertThat(peak).isLessThan(Runtime.getRuntime().maxMemory());
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (service.audit(request).stream().noneMatch(e -> e.type() == AuditEvent.Type.DOWNLOAD_COMPLETED)
          && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(service.audit(request)).anyMatch(e -> e.type() == AuditEvent.Type.DOWNLOAD_COMPLETED
          && e.detail().contains(size + " bytes"));
    }
  }

  static void resetPeaks() {
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        p.resetPeakUsage();
      }
    }
  }

  /** Sum of the heap pools' peaks since the last reset (an upper bound of the peak heap in use). */
  static long peakHeap() {
    long sum = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        sum += p.getPeakUsage().getUsed();
      }
    }
    return sum;
  }
}
