package io.hellgate.export.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ChunkedGcmTest {
  private static final HexFormat HEX = HexFormat.of();

  private static byte[] singleShot(byte[] key, byte[] iv, byte[] plain) throws Exception {
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
    return c.doFinal(plain);
  }

  /** Ciphertext followed by the tag, fed in pieces of the given sizes (cycled). */
  private static byte[] chunked(ChunkedGcm gcm, byte[] plain, int[] pieces) throws Exception {
    byte[] out = new byte[plain.length + 16];
    int n = 0;
    int k = 0;
    for (int off = 0; off < plain.length; ) {
      int len = Math.min(pieces[k++ % pieces.length], plain.length - off);
      n += gcm.update(plain, off, len, out, n);
      off += len;
    }
    n += gcm.finish(out, n);
    assertThat(n).isEqualTo(plain.length);
    System.arraycopy(gcm.tag(), 0, out, n, 16);
    return out;
  }

  @Provide
  Arbitrary<Integer> chunkSizes() {
    return Arbitraries.integers().between(1, 300).map(i -> i * 16);
  }

  @Property(tries = 300)
  void matchesOneJdkGcmOperationForAnyLengthChunkingAndFeeding(
      @ForAll @IntRange(max = 20_000) int length,
      @ForAll("chunkSizes") int chunkBytes,
      @ForAll @IntRange(min = 1, max = 9_000) int piece,
      @ForAll long seed)
      throws Exception {
    Random random = new Random(seed);
    byte[] key = new byte[32];
    byte[] iv = new byte[12];
    byte[] plain = new byte[length];
    random.nextBytes(key);
    random.nextBytes(iv);
    random.nextBytes(plain);
    byte[] expected = singleShot(key, iv, plain);
    ChunkedGcm gcm = ChunkedGcm.withChunkBytes(key, iv, chunkBytes, false);
    assertThat(chunked(gcm, plain, new int[] {piece, 1, piece * 3})).isEqualTo(expected);
    assertThat(gcm.bytes()).isEqualTo(length);
  }

  @Test
  void emptyMessageHasTheTagOfGcmOverNothing() throws Exception {
    byte[] key = new byte[32];
    byte[] iv = new byte[12];
    ChunkedGcm gcm = ChunkedGcm.encryptor(key, iv);
    assertThat(gcm.finish(new byte[16], 0)).isZero();
    assertThat(gcm.tag()).isEqualTo(singleShot(key, iv, new byte[0]));
  }

  @Test
  void defaultChunksMatchOneOperationAcrossSeveralMebibytes() throws Exception {
    Random random = new Random(7);
    byte[] key = new byte[32];
    byte[] iv = new byte[12];
    random.nextBytes(key);
    random.nextBytes(iv);
    byte[] plain = new byte[3 * ChunkedGcm.CHUNK_BYTES + 12345];
    random.nextBytes(plain);
    assertThat(chunked(ChunkedGcm.encryptor(key, iv), plain, new int[] {128 * 1024}))
        .isEqualTo(singleShot(key, iv, plain));
  }

  @Test
  void recordedChunkTagsSingleOutTheChangedChunk() throws Exception {
    byte[] key = new byte[32];
    byte[] iv = new byte[12];
    byte[] plain = new byte[10 * 64 + 5];
    new Random(3).nextBytes(plain);
    ChunkedGcm a = ChunkedGcm.withChunkBytes(key, iv, 64, true);
    chunked(a, plain, new int[] {100});
    byte[] changed = plain.clone();
    changed[4 * 64 + 9] ^= 1;
    ChunkedGcm b = ChunkedGcm.withChunkBytes(key, iv, 64, true);
    chunked(b, changed, new int[] {7});
    assertThat(a.chunks()).isEqualTo(11);
    for (int j = 0; j < 11; j++) {
      assertThat(a.sameChunkTag(j, b)).as("chunk %s", j).isEqualTo(j != 4);
    }
    assertThat(a.tag()).isNotEqualTo(b.tag());
  }

  /** Regression: the bound was the tag array's capacity, so unrecorded (zero) slots compared equal. */
  @Test
  void refusesToCompareAChunkEitherSideHasNotCompleted() throws Exception {
    byte[] plain = new byte[3 * 64];
    ChunkedGcm a = ChunkedGcm.withChunkBytes(new byte[32], new byte[12], 64, true);
    ChunkedGcm b = ChunkedGcm.withChunkBytes(new byte[32], new byte[12], 64, true);
    chunked(a, plain, new int[] {64});
    b.update(plain, 0, 64, new byte[64 + 15], 0);
    assertThat(a.sameChunkTag(0, b)).isTrue();
    assertThatThrownBy(() -> a.sameChunkTag(1, b)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> a.sameChunkTag(3, a)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> a.sameChunkTag(-1, a)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void refusesUseAfterFinish() throws Exception {
    ChunkedGcm gcm = ChunkedGcm.encryptor(new byte[32], new byte[12]);
    gcm.finish(new byte[16], 0);
    assertThatThrownBy(() -> gcm.update(new byte[1], 0, 1, new byte[32], 0)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> gcm.finish(new byte[16], 0)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void gf128MatchesTheGcmSpecificationsTestCase2() {
    // McGrew and Viega, "The Galois/Counter Mode of Operation", test case 2: K = 0, IV = 0, P = 0^128.
    long[] h = Gf128.fromBytes(HEX.parseHex("66e94bd4ef8a2c3b884cfa59ca342b2e"), 0);
    long[] c = Gf128.fromBytes(HEX.parseHex("0388dace60b6a392f328c2b971b2fe78"), 0);
    long[] ghash = Gf128.mul(Gf128.xor(Gf128.mul(c, h), new long[] {0, 128}), h);
    assertThat(HEX.formatHex(Gf128.toBytes(ghash))).isEqualTo("f38cbb1ad69223dcc3457ae5b6b0f885");
  }

  @Property(tries = 50)
  void gf128InverseAndPowerAgreeWithMultiplication(@ForAll long a, @ForAll long b, @ForAll @IntRange(max = 40) int e) {
    long[] x = {a, b == 0 && a == 0 ? 1 : b};
    assertThat(Gf128.mul(x, Gf128.inverse(x))).containsExactly(Gf128.ONE);
    long[] repeated = Gf128.ONE;
    for (int i = 0; i < e; i++) {
      repeated = Gf128.mul(repeated, x);
    }
    assertThat(Gf128.pow(x, e)).containsExactly(repeated);
  }

  /**
   * Regression: the writer and reader once ran the whole export through one SunJCE GCM operation,
   * which throws past 2^31 − 1 bytes. Python's {@code cryptography} (OpenSSL) computes the reference
   * tag over the same 2 GiB + 4 KiB + 5 bytes.
   */
  @Test
  void encryptsPastSunJcesTwoGibibyteLimitAndMatchesOpenSsl() throws Exception {
    long length = (1L << 31) + 4096 + 5;
    byte[] key = new byte[32];
    byte[] iv = new byte[12];
    Arrays.fill(key, (byte) 0x5a);
    Arrays.fill(iv, (byte) 0x3c);
    String script =
        "import sys\n"
            + "from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes\n"
            + "e = Cipher(algorithms.AES(bytes([0x5a]*32)), modes.GCM(bytes([0x3c]*12))).encryptor()\n"
            + "n = " + length + "; block = bytes(range(256)) * 4096\n"
            + "while n > 0:\n"
            + "    k = min(n, len(block)); e.update(block[:k]); n -= k\n"
            + "e.finalize(); sys.stdout.write(e.tag.hex())\n";
    String expected;
    try {
      Process p = new ProcessBuilder("python3", "-c", script).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      try (InputStream in = p.getInputStream()) {
        expected = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      }
      assumeTrue(p.waitFor() == 0 && expected.length() == 32,
          "skipped: python3 with the 'cryptography' package is not available");
    } catch (java.io.IOException e) {
      assumeTrue(false, "skipped: python3 is not available");
      return;
    }
    byte[] block = new byte[256 * 4096];
    for (int i = 0; i < block.length; i++) {
      block[i] = (byte) i;
    }
    byte[] out = new byte[block.length + 16];
    ChunkedGcm gcm = ChunkedGcm.encryptor(key, iv);
    for (long n = length; n > 0; ) {
      int k = (int) Math.min(n, block.length);
      gcm.update(block, 0, k, out, 0);
      n -= k;
    }
    gcm.finish(out, 0);
    assertThat(HEX.formatHex(gcm.tag())).isEqualTo(expected);
  }
}
