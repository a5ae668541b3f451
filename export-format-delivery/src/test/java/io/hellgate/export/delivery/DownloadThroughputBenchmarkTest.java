package io.hellgate.export.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmark, not a timed test: download throughput of a 2 GiB archive over loopback with {@code
 * curl}, from the delivery server (plain HTTP and HTTPS) and from {@code python3 -m http.server}
 * serving the same stored file; the ratio is delivery/python over plain HTTP, medians of 5
 * alternating rounds. Results go to stdout and {@code target/delivery-benchmarks.txt}. Run:
 * {@code mvn -B verify -Pbenchmark -pl export-format-delivery -am
 * -Dtest=DownloadThroughputBenchmarkTest -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("large")
class DownloadThroughputBenchmarkTest {
  private static final long SIZE = 2L << 30;
  private static final int ROUNDS = 5;

  @Test
  void deliveryVersusPythonHttpServerWithCurl(@TempDir Path dir) throws Exception {
    Fixture fx = new Fixture();
    Path archive = fx.largeArchive(dir, SIZE);
    int httpPort = DeliveryContract.freePort();
    int pyPort = DeliveryContract.freePort();
    Path store = dir.resolve("store");
    try (DeliveryService service = DeliveryService.open(DeliveryService.options()
            .jdbcUrl("jdbc:h2:file:" + dir.resolve("db")).archiveStore(ArchiveStore.filesystem(store))
            .clock(fx.clock).policy(fx.policy).baseUrl(URI.create("http://127.0.0.1:" + httpPort))
            .unverifiedArchivesWithoutRequestId(true).build());
        DeliveryServer plain = DeliveryServer.start(service, DeliveryServer.options().port(httpPort).insecureHttp(true).build());
        DeliveryServer tls = DeliveryServer.start(service, DeliveryServer.options().port(0)
            .tlsKeystore(fx.keystore(dir), Fixture.KEYSTORE_PASSWORD).build())) {
      String request = fx.approvedRequest(service, fx.recipient).requestId();
      DeliveryLink link = service.publish(archive, Terms.builder().requestId(request).expiresIn(Duration.ofHours(1))
          .maxDownloads(3 * ROUNDS).build());
      Files.delete(archive);
      Path stored;
      try (var s = Files.list(store)) {
        stored = s.filter(p -> p.toString().endsWith(".tgz")).findFirst().orElseThrow();
      }
      Process python = new ProcessBuilder("python3", "-m", "http.server", "--bind", "127.0.0.1",
          "--directory", store.toString(), Integer.toString(pyPort))
          .redirectErrorStream(true).redirectOutput(dir.resolve("python.log").toFile()).start();
      try {
        awaitPort(pyPort);
        String pyUrl = "http://127.0.0.1:" + pyPort + "/" + stored.getFileName();
        String path = link.url().orElseThrow().getPath();
        List<Double> delivery = new ArrayList<>();
        List<Double> https = new ArrayList<>();
        List<Double> py = new ArrayList<>();
        for (int i = 0; i < ROUNDS; i++) {
          py.add(curl(pyUrl, false));
          delivery.add(curl(grant("http://127.0.0.1:" + httpPort + path, false), false));
          https.add(curl(grant("https://localhost:" + tls.port() + path, true), true));
        }
        double d = median(delivery);
        double p = median(py);
        double t = median(https);
        String line = String.format("download %d MiB via curl over loopback, median of %d: delivery HTTP %.0f MiB/s,"
            + " python3 -m http.server %.0f MiB/s, ratio %.2f; delivery HTTPS %.0f MiB/s (ratio %.2f)",
            Files.size(stored) >> 20, ROUNDS, d, p, d / p, t, t / p);
        System.out.println(line);
        Files.writeString(Path.of("target", "delivery-benchmarks.txt"), line + System.lineSeparator(),
            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        assertThat(d).isPositive();
      } finally {
        python.destroy();
        python.waitFor();
      }
    }
  }

  /** POSTs the button with curl and returns the grant URL. */
  private static String grant(String link, boolean insecure) throws Exception {
    String out = run(List.of("curl", "-s", insecure ? "-k" : "-f", "-o", "/dev/null", "-X", "POST", "-w", "%{redirect_url}", link));
    assertThat(out).as("POST " + link).contains("/g/");
    return out.trim();
  }

  /** Downloads with curl to /dev/null; MiB/s. */
  private static double curl(String url, boolean insecure) throws Exception {
    String out = run(List.of("curl", "-s", "-f", insecure ? "-k" : "-f", "-o", "/dev/null", "-w", "%{speed_download} %{size_download}", url));
    String[] f = out.trim().split(" ");
    assertThat(Long.parseLong(f[1])).as(url).isGreaterThan(SIZE);
    return Double.parseDouble(f[0]) / (1 << 20);
  }

  private static String run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException(cmd + " failed: " + out);
    }
    return out;
  }

  private static void awaitPort(int port) throws Exception {
    for (int i = 0; i < 100; i++) {
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new IOException("python3 -m http.server did not start");
  }

  private static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    Collections.sort(s);
    return s.get(s.size() / 2);
  }
}
