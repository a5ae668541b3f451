package io.hellgate.export.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.zip.GZIPInputStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class StoredGzipOutputStreamProperties {
  @Property(tries = 60)
  void inflatesBackToTheInputWhateverTheChunking(
      @ForAll @Size(max = 200_000) byte[] data, @ForAll @IntRange(min = 1, max = 70_000) int chunk) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StoredGzipOutputStream gz = new StoredGzipOutputStream(out);
    for (int i = 0; i < data.length; i += chunk) {
      gz.write(data, i, Math.min(chunk, data.length - i));
    }
    gz.close();
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(out.toByteArray()))) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
    // Stored blocks: 10-byte header, 5 bytes per started 64 KiB block, 8-byte trailer.
    int blocks = Math.max(1, (data.length + 65534) / 65535 + (data.length % 65535 == 0 && data.length > 0 ? 1 : 0));
    assertThat(out.size()).isEqualTo(10 + data.length + 5 * blocks + 8);
  }
}
