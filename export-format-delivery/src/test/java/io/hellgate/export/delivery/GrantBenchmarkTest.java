package io.hellgate.export.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmark, not a timed test (it asserts only correctness): grants per second with 64 concurrent
 * clients POSTing the Download button of one link with maxDownloads = 10000 until it is used up,
 * over loopback HTTP (no TLS, to measure the grant: conditional UPDATE, grant row, audit row, one
 * transaction), on H2 in file mode and on PostgreSQL ({@code EXPORT_DELIVERY_PG_URL}). Results go to
 * stdout and {@code target/delivery-benchmarks.txt}. Run: {@code mvn -B verify -Pbenchmark -pl
 * export-format-delivery -am -Dtest=GrantBenchmarkTest -Dsurefire.failIfNoSpecifiedTests=false}
 * (with PostgreSQL: under {@code .ci/delivery-services.sh}, see docs/delivery.md).
 */
@Tag("large")
class GrantBenchmarkTest {
  private static final int CLIENTS = 64;
  private static final int GRANTS = 10_000;

  @Test
  void grantsPerSecondOnH2(@TempDir Path dir) throws Exception {
    run("H2 (file)", "jdbc:h2:file:" + dir.resolve("db"), dir);
  }

  @Test
  void grantsPerSecondOnPostgres(@TempDir Path dir) throws Exception {
    run("PostgreSQL", PostgresDatabase.freshSchema().url(), dir);
  }

  private void run(String name, String url, Path dir) throws Exception {
    Fixture fx = new Fixture();
    fx.clock.set(java.time.Instant.now());
    int port = DeliveryContract.freePort();
    try (DeliveryService service = DeliveryService.open(DeliveryService.options().jdbcUrl(url)
            .archiveStore(ArchiveStore.filesystem(dir.resolve("store"))).clock(fx.clock).policy(fx.policy)
            .baseUrl(URI.create("http://127.0.0.1:" + port)).maxDownloadsLimit(GRANTS).poolSize(16).build());
        DeliveryServer server = DeliveryServer.start(service, DeliveryServer.options().port(port).insecureHttp(true).build())) {
      fx.clock.set(fx.pki.now());
      var request = fx.approvedRequest(service, fx.recipient);
      Path archive = fx.archive(dir, request, fx.recipient, 100);
      DeliveryLink link = service.publish(archive, Terms.builder().requestId(request.requestId())
          .expiresIn(Duration.ofHours(1)).maxDownloads(GRANTS).build());
      URI u = link.url().orElseThrow();
      HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
          .version(HttpClient.Version.HTTP_1_1).build();
      ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<int[]>> fs = new ArrayList<>();
      for (int i = 0; i < CLIENTS; i++) {
        fs.add(pool.submit(() -> {
          go.await();
          int granted = 0;
          int other = 0;
          while (true) {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(u).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() == 303) {
              granted++;
            } else if (r.statusCode() == 410) {
              return new int[] {granted, other};
            } else {
              other++;
            }
          }
        }));
      }
      long t0 = System.nanoTime();
      go.countDown();
      int granted = 0;
      int other = 0;
      for (Future<int[]> f : fs) {
        int[] r = f.get();
        granted += r[0];
        other += r[1];
      }
      double s = (System.nanoTime() - t0) / 1e9;
      pool.shutdownNow();
      String line = String.format("grants/s %-11s %d clients: %d grants in %.2f s = %.0f grants/s (%d other answers)",
          name, CLIENTS, granted, s, granted / s, other);
      System.out.println(line);
      Files.writeString(Path.of("target", "delivery-benchmarks.txt"), line + System.lineSeparator(),
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      assertThat(granted).isEqualTo(GRANTS);
      assertThat(other).isZero();
      assertThat(service.verifyAudit().intact()).isTrue();
    }
  }
}
