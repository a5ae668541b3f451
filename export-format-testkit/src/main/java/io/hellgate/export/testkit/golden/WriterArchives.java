package io.hellgate.export.testkit.golden;

import java.nio.charset.StandardCharsets;

/**
 * The manifest of an archive as {@code ExportWriter} lays it out (ustar, manifest first, then
 * {@code tokens.jsonl.enc}), and the same archive with another manifest: for tests that change a
 * manifest after it was written or signed. Not for archives of other layouts. Stateless and
 * thread-safe.
 *
 * <pre>{@code
 * String m = new String(WriterArchives.manifest(tgz), UTF_8);
 * byte[] changed = WriterArchives.withManifest(tgz, m.replace("\"1.1\"", "\"1.2\"").getBytes(UTF_8));
 * }</pre>
 */
public final class WriterArchives {
  private WriterArchives() {}

  /**
   * The manifest bytes.
   *
   * @param writerArchive an archive written by {@code ExportWriter}
   * @return {@code manifest.json} as stored
   */
  public static byte[] manifest(byte[] writerArchive) {
    return FormatOneOneVectors.split(writerArchive)[0];
  }

  /**
   * The archive rebuilt with {@code manifest} in place of its own, the data entry unchanged.
   *
   * @param writerArchive an archive written by {@code ExportWriter}
   * @param manifest the new {@code manifest.json} bytes (UTF-8 JSON)
   * @return the new archive (ustar, gzip)
   */
  public static byte[] withManifest(byte[] writerArchive, byte[] manifest) {
    return FormatOneOneVectors.withManifest(writerArchive, new String(manifest, StandardCharsets.UTF_8));
  }
}
