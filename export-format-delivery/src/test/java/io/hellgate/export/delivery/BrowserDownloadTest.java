package io.hellgate.export.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The landing page in a real browser: headless Debian Chromium opens the link over HTTPS, the page
 * shows what the recipient should check, a plain GET consumes nothing, the Download button
 * delivers the archive byte for byte and counts once.
 */
class BrowserDownloadTest {
  @Test
  void chromiumOpensTheLinkReadsThePageClicksAndReceivesTheArchive(@TempDir Path dir) throws Exception {
    assumeTrue(WebDriver.available(), "Debian's chromium and chromium-driver are not installed"
        + " (apt-get install chromium chromium-driver; .ci/run installs them): browser test skipped");
    Fixture fx = new Fixture();
    int port = DeliveryContract.freePort();
    try (DeliveryService service = fx.service("jdbc:h2:file:" + dir.resolve("db"), null, null, dir,
            URI.create("https://localhost:" + port));
        DeliveryServer server = DeliveryServer.start(service, DeliveryServer.options().port(port)
            .tlsKeystore(fx.keystore(dir), Fixture.KEYSTORE_PASSWORD).build())) {
      String request = fx.approvedRequest(service, fx.recipient).requestId();
      Path archive = fx.archive(dir, service.request(request).orElseThrow().request(), fx.recipient, 3_000);
      fx.clock.set(java.time.Instant.now()); // the browser's and the server's times agree
      DeliveryLink link = service.publish(archive, Terms.builder().requestId(request)
          .expiresIn(Duration.ofHours(72)).maxDownloads(2).createdBy("alice@hellgate.example").build());
      URI url = link.url().orElseThrow();

      // what a mail scanner does: a plain GET, twice
      Http http = new Http(fx.pki);
      assertThat(http.get(url).statusCode()).isEqualTo(200);
      assertThat(http.get(url).statusCode()).isEqualTo(200);

      Path downloads = Files.createDirectories(dir.resolve("downloads"));
      try (WebDriver browser = new WebDriver(dir.resolve("profile"), downloads, dir.resolve("chromedriver.log"))) {
        browser.open(url);
        assertThat(browser.title()).isEqualTo("Export download");
        assertThat(browser.text("#request-id")).isEqualTo(request);
        assertThat(browser.text("#sha-256")).isEqualTo(link.archiveSha256());
        assertThat(browser.text("#export_id")).isEqualTo(link.exportId().toString());
        assertThat(browser.text("#size")).isEqualTo(Files.size(archive) + " bytes");
        assertThat(browser.text("#downloads-left")).isEqualTo("2 of 2");
        assertThat(service.links(10).get(0).downloadsUsed()).as("opening the page consumes nothing").isZero();

        browser.click("#download");
        Path expected = downloads.resolve("export-" + link.exportId() + ".tgz");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!(Files.exists(expected) && partials(downloads) == 0) && System.nanoTime() < deadline) {
          Thread.sleep(100);
        }
        assertThat(expected).exists();
        assertThat(Files.readAllBytes(expected)).isEqualTo(Files.readAllBytes(archive));
      }
      assertThat(service.links(10).get(0).downloadsUsed()).isEqualTo(1);
      assertThat(service.audit(request)).filteredOn(e -> e.type() == AuditEvent.Type.PAGE_VIEWED)
          .hasSize(3)
          .anyMatch(e -> e.userAgent().orElse("").contains("Chrome"));
      assertThat(service.audit(request)).filteredOn(e -> e.type() == AuditEvent.Type.DOWNLOAD_GRANTED).hasSize(1);
    }
  }

  private static long partials(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".crdownload")).count();
    }
  }
}
