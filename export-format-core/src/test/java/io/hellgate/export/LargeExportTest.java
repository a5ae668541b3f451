package io.hellgate.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 2 GiB + 12 KiB export written and read back in constant memory. Tagged "large": it runs in the
 * benchmark profile ({@code mvn -B verify -Pbenchmark -pl export-format-core}), which sets -Xmx64m.
 */
@Tag("large")
class LargeExportTest {
  /**
   * Past 2 GiB: SunJCE refuses more than 2^31 − 1 bytes in one GCM operation, which the writer and
   * reader once relied on (regression; see ChunkedGcm).
   */
  private static final long TARGET = (1L << 31) + 12345;

  @Test
  void writesAndReadsTwoGibibytesInSixtyFourMebibytesOfHeap(@TempDir Path dir) throws Exception {
    assertThat(Runtime.getRuntime().maxMemory()).as("run with -Xmx64m (benchmark profile)").isLessThanOrEqualTo(80L << 20);
    Path archive = dir.resolve("large.tgz");
    String[] lines = new String[64];
    for (int i = 0; i < lines.length; i++) {
      lines[i] = "{\"id\":\"" + i + "-abcdefghijklmnopqrstuvwxyz\",\"card\":{\"cardholder_name\":\"Zoë Müller\",\"expiry_month\":"
          + (1 + i % 12) + ",\"expiry_year\":2031,\"account_number\":\"" + Fixtures.luhn("411111" + String.format("%09d", i))
          + "\",\"scheme\":\"visa\"},\"created_at\":\"2023-10-01T12:00:00Z\",\"metadata\":{\"ref\":\"" + "x".repeat(i) + "\"}}";
    }
    MessageDigest expected = MessageDigest.getInstance("SHA-256");
    long bytes = 0;
    long count = 0;
    resetPeaks();
    ExportWriter.Options options = ExportWriter.options()
        .recipient(Recipient.unverified(Fixtures.RECIPIENT_CERT)).guardianInstance("large").spoolDirectory(dir).build();
    try (ExportWriter w = ExportWriter.open(archive, options)) {
      while (bytes < TARGET) {
        String line = lines[(int) (count % lines.length)];
        w.writeLine(line);
        byte[] b = (line + "\n").getBytes(StandardCharsets.UTF_8);
        expected.update(b);
        bytes += b.length;
        count++;
      }
      w.finish();
    }
    long writePeak = peakHeap();
    resetPeaks();
    long read = 0;
    long readBytes = 0;
    try (ExportReader r = ExportReader.open(archive, ExportReader.options()
        .key(RecipientKey.of(Fixtures.RECIPIENT_KEY, Fixtures.RECIPIENT_CERT)).spoolDirectory(dir).build())) {
      assertThat(r.manifest().checksum()).isEqualTo("sha256:" + io.hellgate.export.internal.Hex.encode(expected.digest()));
      for (String l; (l = r.nextLine()) != null; ) {
        assertThat(l).isEqualTo(lines[(int) (read % lines.length)]);
        readBytes += l.getBytes(StandardCharsets.UTF_8).length + 1;
        read++;
      }
    }
    long readPeak = peakHeap();
    assertThat(read).isEqualTo(count);
    assertThat(readBytes).isEqualTo(bytes).isGreaterThan(1L << 31);
    assertThat(writePeak).as("writer peak heap").isLessThan(64L << 20);
    assertThat(readPeak).as("reader peak heap").isLessThan(64L << 20);
    assertThat(Files.list(dir)).containsExactly(archive);
    System.out.printf("large export: %d records, %d bytes; peak heap write %d MiB, read %d MiB%n",
        count, bytes, writePeak >> 20, readPeak >> 20);
  }

  private static void resetPeaks() {
    System.gc();
    ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
  }

  private static long peakHeap() {
    return ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP)
        .mapToLong(p -> p.getPeakUsage().getUsed())
        .sum();
  }
}
