package io.hellgate.export.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class StoredBlockFileProperties {
  private static byte[] stored(byte[] data) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StoredGzipOutputStream gz = new StoredGzipOutputStream(out);
    gz.write(data);
    gz.close();
    return out.toByteArray();
  }

  private static byte[] read(byte[] file, long start, long length) throws Exception {
    Path p = Files.createTempFile("stored", ".gz");
    try {
      Files.write(p, file);
      try (InputStream in = StoredBlockFile.open(p, start, length)) {
        return in == null ? null : in.readAllBytes();
      }
    } finally {
      Files.delete(p);
    }
  }

  private static byte[] data(int n, int seed) {
    byte[] d = new byte[n];
    new java.util.Random(seed).nextBytes(d);
    return d;
  }

  @Property(tries = 60)
  void readsAnyRangeOfAStoredGzipFile(
      @ForAll @IntRange(max = 300_000) int size, @ForAll int seed, @ForAll @IntRange(max = 1000) int startPermille,
      @ForAll @IntRange(max = 1000) int lengthPermille) throws Exception {
    byte[] d = data(size, seed);
    int start = (int) ((long) size * startPermille / 1000);
    int length = (int) ((long) (size - start) * lengthPermille / 1000);
    assertThat(read(stored(d), start, length)).isEqualTo(Arrays.copyOfRange(d, start, start + length));
  }

  private static byte[] readWhole(byte[] file) throws Exception {
    Path p = Files.createTempFile("stored", ".gz");
    try {
      Files.write(p, file);
      try (InputStream in = StoredBlockFile.openWhole(p, null)) {
        return in == null ? null : in.readAllBytes();
      }
    } finally {
      Files.delete(p);
    }
  }

  @Property(tries = 30)
  void followsConcatenatedMembersAndOptionalHeaderFields(
      @ForAll @Size(max = 5000) byte[] a, @ForAll @Size(max = 5000) byte[] b, @ForAll @IntRange(max = 31) int flags)
      throws Exception {
    byte[] first = stored(a);
    // Give the first member FEXTRA, FNAME, FCOMMENT and FHCRC fields as flags say (FTEXT too).
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    header.write(first, 0, 3);
    header.write(flags);
    header.write(first, 4, 6);
    if ((flags & 4) != 0) {
      header.write(new byte[] {3, 0, 'x', 'y', 'z'});
    }
    if ((flags & 8) != 0) {
      header.write("name.tar\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    }
    if ((flags & 16) != 0) {
      header.write("a comment\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    }
    if ((flags & 2) != 0) {
      java.util.zip.CRC32 crc = new java.util.zip.CRC32();
      crc.update(header.toByteArray());
      header.write((int) crc.getValue());
      header.write((int) crc.getValue() >>> 8);
    }
    header.write(first, 10, first.length - 10);
    header.write(stored(b));
    byte[] file = header.toByteArray();
    byte[] both = new byte[a.length + b.length];
    System.arraycopy(a, 0, both, 0, a.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    assertThat(read(file, 0, both.length)).isEqualTo(both);
    // The whole-file reader (pass 1) takes only the reference writer's plain headers, and leaves
    // optional fields to the inflating reader's stricter checks.
    if ((flags & ~1) == 0) {
      assertThat(readWhole(file)).isEqualTo(both);
    } else {
      assertThat(readWhole(file)).isNull();
    }
    // And the JDK agrees that this is the gzip stream we think it is.
    try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(file))) {
      assertThat(in.readAllBytes()).isEqualTo(both);
    }
  }

  @Example
  void declinesAFileWithCompressedBlocks() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(new byte[100_000]);
    }
    assertThat(read(out.toByteArray(), 0, 100_000)).isNull();
  }

  @Example
  void failsOnATruncatedFileOrABrokenLengthCheck() throws Exception {
    byte[] file = stored(data(200_000, 1));
    assertThatThrownBy(() -> read(Arrays.copyOf(file, 150_000), 0, 200_000)).isInstanceOf(java.io.EOFException.class);
    byte[] broken = file.clone();
    broken[10 + 3] ^= 1; // NLEN of the first block
    assertThatThrownBy(() -> read(broken, 0, 10)).hasMessageContaining("length check");
  }

  @Example
  void declinesStoredBlocksShorterThanTheReferenceLayout() throws Exception {
    // Valid gzip of 100-byte stored blocks: readable, but one header read per 100 bytes in place.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] d = data(1000, 2);
    out.write(StoredGzipOutputStream.header());
    for (int i = 0; i < d.length; i += 100) {
      byte[] h = new byte[5];
      StoredBlocks.header(h, 0, 100, i + 100 == d.length);
      out.write(h);
      out.write(d, i, 100);
    }
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(d);
    out.write(StoredGzipOutputStream.trailer((int) crc.getValue(), d.length));
    try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(out.toByteArray()))) {
      assertThat(in.readAllBytes()).isEqualTo(d);
    }
    assertThat(read(out.toByteArray(), 0, 1000)).isNull();
    assertThat(read(out.toByteArray(), 0, 50)).isNull(); // even a range within the first block
  }

  @Property(tries = 40)
  void wholeFileReadsWhatTheJdkInflates(@ForAll @IntRange(max = 200_000) int size, @ForAll int seed) throws Exception {
    byte[] d = data(size, seed);
    assertThat(readWhole(stored(d))).isEqualTo(d);
  }

  @Example
  void wholeFileChecksCrcAndIsizeAtTheEnd() throws Exception {
    byte[] file = stored(data(100_000, 3));
    for (int at : new int[] {file.length - 8, file.length - 1}) { // a CRC byte, an ISIZE byte
      byte[] bad = file.clone();
      bad[at] ^= 1;
      assertThatThrownBy(() -> readWhole(bad)).isInstanceOf(java.io.IOException.class).hasMessageContaining("mismatch");
    }
  }

  @Example
  void wholeFileDeclinesTrailingBytesTruncationAndOtherLayouts() throws Exception {
    byte[] file = stored(data(100_000, 4));
    byte[] trailing = Arrays.copyOf(file, file.length + 3);
    assertThat(readWhole(trailing)).isNull();
    assertThat(readWhole(Arrays.copyOf(file, file.length - 1))).isNull();
    assertThat(readWhole(new byte[0])).isNull();
    ByteArrayOutputStream deflated = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(deflated)) {
      gz.write(new byte[1000]); // compressible: a fixed or dynamic Huffman block, not a stored one
    }
    assertThat(readWhole(deflated.toByteArray())).isNull();
  }
}
