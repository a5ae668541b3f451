package io.hellgate.export.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoredArchiveCheckTest {
  /**
   * Regression: the export_id check ran only when the SHA-256 cache missed, so a stored file
   * swapped for another export of the same size, with its modification time put back, was served
   * under the first export's link.
   */
  @Test
  void swappedStoredArchiveWithTheSameSizeAndTimeIsRefused(@TempDir Path dir) throws Exception {
    Fixture fx = new Fixture();
    try (DeliveryService service = fx.service("jdbc:h2:file:" + dir.resolve("db"), null, null, dir,
        URI.create("http://127.0.0.1"))) {
      io.hellgate.export.ExportRequest one = fx.approvedRequest(service, fx.recipient);
      io.hellgate.export.ExportRequest two = fx.approvedRequest(service, fx.recipient);
      Path a = fx.archive(dir, one, fx.recipient, 100);
      Path b = fx.archive(dir, two, fx.recipient, 100);
      DeliveryLink la = service.publish(a, Terms.builder().requestId(one.requestId()).expiresIn(Duration.ofHours(1)).build());
      DeliveryLink lb = service.publish(b, Terms.builder().requestId(two.requestId()).expiresIn(Duration.ofHours(1)).build());
      LinkRow rowA;
      LinkRow rowB;
      try (var c = service.connection()) {
        rowA = LinkRow.byId(c, la.linkId());
        rowB = LinkRow.byId(c, lb.linkId());
      }
      Path storedA = service.verifyStored(rowA); // verified, cached
      Path storedB = service.verifyStored(rowB);
      org.assertj.core.api.Assumptions.assumeThat(Files.size(storedB)).isEqualTo(Files.size(storedA));
      FileTime mtime = Files.getLastModifiedTime(storedA);
      Files.copy(storedB, storedA, StandardCopyOption.REPLACE_EXISTING);
      Files.setLastModifiedTime(storedA, mtime);
      assertThatThrownBy(() -> service.verifyStored(rowA)).isInstanceOfSatisfying(DeliveryException.class,
          e -> assertThat(e.reason()).isEqualTo(DeliveryException.Reason.ARCHIVE_MISMATCH));
    }
  }
}
