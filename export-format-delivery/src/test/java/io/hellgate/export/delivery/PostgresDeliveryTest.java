package io.hellgate.export.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The delivery contract on PostgreSQL, plus the way it scales past one machine: two service
 * instances with their own servers and pools sharing one database.
 */
class PostgresDeliveryTest extends DeliveryContract {
  @Override
  Database database(Path dir) throws Exception {
    return PostgresDatabase.freshSchema();
  }

  @Test
  @Order(50)
  void sixtyFourClientsOverTwoInstancesSharingOnePostgresGetExactlyThreeDownloads() throws Exception {
    Database db = PostgresDatabase.freshSchema();
    int p1 = freePort();
    int p2 = freePort();
    Path shared = dir.resolve("two-instances");
    try (DeliveryService one = fx.service(db.url(), null, null, shared, URI.create("https://localhost:" + p1));
        DeliveryService two = fx.service(db.url(), null, null, shared, URI.create("https://localhost:" + p2));
        DeliveryServer s1 = DeliveryServer.start(one, DeliveryServer.options().port(p1)
            .tlsKeystore(fx.keystore(dir), Fixture.KEYSTORE_PASSWORD).build());
        DeliveryServer s2 = DeliveryServer.start(two, DeliveryServer.options().port(p2)
            .tlsKeystore(fx.keystore(dir), Fixture.KEYSTORE_PASSWORD).build())) {
      String id = fx.approvedRequest(one, fx.recipient).requestId();
      Path archive = fx.archive(dir, two.request(id).orElseThrow().request(), fx.recipient, 2_000);
      byte[] bytes = java.nio.file.Files.readAllBytes(archive);
      DeliveryLink link = one.publish(archive, Terms.builder().requestId(id).expiresIn(Duration.ofHours(1))
          .maxDownloads(3).build());
      URI viaOne = link.url().orElseThrow();
      URI viaTwo = URI.create("https://localhost:" + p2 + viaOne.getPath());
      List<byte[]> results = race(64, List.of(viaOne, viaTwo));
      assertThat(results.stream().filter(r -> r != null)).hasSize(3).allMatch(r -> Arrays.equals(r, bytes));
      assertThat(results.stream().filter(r -> r == null)).hasSize(61);
      assertThat(two.links(10).get(0).downloadsUsed()).isEqualTo(3);
      assertThat(two.audit(id).stream().filter(e -> e.type() == AuditEvent.Type.DOWNLOAD_GRANTED)).hasSize(3);
      assertThat(one.audit(id).stream().filter(e -> e.type() == AuditEvent.Type.DOWNLOAD_REFUSED)).hasSize(61);
      assertThat(one.audit(id).stream().map(e -> e.client().orElse("")).distinct()).isNotEmpty();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while ((one.transfersRunning() > 0 || two.transfersRunning() > 0) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(one.verifyAudit().intact()).as(one.verifyAudit().message()).isTrue();
    }
  }
}
