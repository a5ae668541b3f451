package io.hellgate.export.internal;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One AES-256-GCM encryption (96-bit IV, 128-bit tag, no AAD) of any length up to
 * {@link AesGcm#MAX_PLAINTEXT_BYTES}, computed as a series of JDK GCM operations of at most
 * {@link #CHUNK_BYTES} each. The output (ciphertext and tag) is exactly that of a single GCM
 * encryption; the chunks exist for three reasons:
 *
 * <ul>
 *   <li>SunJCE refuses more than 2^31 − 1 bytes in one GCM operation ("SunJCE provider only
 *       supports input size up to 2147483647 bytes"), far below GCM's own limit of 2^36 − 32.
 *   <li>Each chunk's own tag is a MAC over that chunk's ciphertext under the data key. A reader
 *       records them in its verifying pass and checks each again before releasing the chunk in its
 *       second pass, so the second pass need not trust its source (a re-read file or a spool).
 *   <li>SunJCE's AES-GCM encryption stays in use (~0.2 ns/byte here, warm). The alternatives
 *       measured slower on this machine: SunJCE's GHASH over AAD 0.45 ns/byte, its GCM
 *       decryption 15 ns/byte (it buffers, and ran without the fast path).
 * </ul>
 *
 * <p>How (SP 800-38D notation; H = E_K(0^128), J0 = IV || 0^31 || 1, counter block i = inc32^i(J0)):
 * chunk j starts at block b = j · CHUNK_BYTES / 16, whose counter block is IV || [2 + b]_32, so it
 * is a GCM encryption with pre-counter block J0_j = IV || [1 + b]_32. The JDK takes only IVs, but a
 * 16-byte IV X yields J0 = GHASH_H(X, [0]_64 || [128]_64) = X·H^2 ⊕ L·H, so
 * X_j = (J0_j ⊕ L·H) · H^-2 makes the JDK start exactly there. Its tag is
 * T_j = E_K(J0_j) ⊕ GHASH_H(C_j, len_j), from which R_j = T_j ⊕ E_K(J0_j) ⊕ len_j·H, the
 * unfinished GHASH of C_j. The whole message's tag is then
 * E_K(J0) ⊕ len·H ⊕ Σ_j R_j · H^(blocks after chunk j), accumulated by Horner's rule.
 * {@code ChunkedGcmTest} checks all of this against single-shot JDK GCM with small chunks.
 *
 * <p>Not thread-safe. Holds the key (in the JDK's key objects) until garbage-collected.
 */
public final class ChunkedGcm {
  /** Plaintext per JDK GCM operation, and the unit of per-chunk tags. A multiple of 16. */
  public static final int CHUNK_BYTES = 1 << 20;

  private static final long[] LENGTH_BLOCK_128 = {0, 128};

  private final SecretKeySpec key;
  private final byte[] iv;
  private final int chunkBytes;
  private final Cipher gcm;
  private final Cipher ecb;
  private final long[] h;
  private final long[] hInverseSquared;
  private final long[] lengthTimesH;
  private final long[] hPowChunk;
  private final long[] ej0;
  private final byte[] block = new byte[16];
  private final byte[] tail = new byte[16 + AesGcm.TAG_BYTES];

  private long[] acc = {0, 0};
  private long chunkIndex;
  private int inChunk;
  private long total;
  private boolean open;
  private boolean finished;
  private long[] chunkTags = new long[0];
  private final boolean recordTags;

  private ChunkedGcm(byte[] key, byte[] iv, int chunkBytes, boolean recordTags) throws GeneralSecurityException {
    if (key.length != AesGcm.KEY_BYTES || iv.length != AesGcm.IV_BYTES) {
      throw new IllegalArgumentException("AES-256-GCM needs a 32-byte key and a 12-byte IV");
    }
    if (chunkBytes < 16 || chunkBytes % 16 != 0) {
      throw new IllegalArgumentException("chunkBytes must be a positive multiple of 16");
    }
    this.key = new SecretKeySpec(key, "AES");
    this.iv = iv.clone();
    this.chunkBytes = chunkBytes;
    this.recordTags = recordTags;
    this.gcm = Cipher.getInstance("AES/GCM/NoPadding");
    this.ecb = Cipher.getInstance("AES/ECB/NoPadding");
    ecb.init(Cipher.ENCRYPT_MODE, this.key);
    this.h = Gf128.fromBytes(ecb.doFinal(new byte[16]), 0);
    this.hInverseSquared = Gf128.inverse(Gf128.mul(h, h));
    this.lengthTimesH = Gf128.mul(LENGTH_BLOCK_128, h);
    this.hPowChunk = Gf128.pow(h, chunkBytes / 16);
    this.ej0 = encryptCounterBlock(1);
  }

  /** An encryption under {@code key} and {@code iv}; the key and IV are copied. */
  public static ChunkedGcm encryptor(byte[] key, byte[] iv) throws GeneralSecurityException {
    return new ChunkedGcm(key, iv, CHUNK_BYTES, false);
  }

  /**
   * An encryption that also records each chunk's tag ({@link #chunkTag}), for a reader's verifying
   * pass. Costs 16 bytes per chunk: 1 MiB at the format's 64 GiB limit.
   */
  public static ChunkedGcm recordingEncryptor(byte[] key, byte[] iv) throws GeneralSecurityException {
    return new ChunkedGcm(key, iv, CHUNK_BYTES, true);
  }

  /** For tests: the same with small chunks. */
  static ChunkedGcm withChunkBytes(byte[] key, byte[] iv, int chunkBytes, boolean recordTags)
      throws GeneralSecurityException {
    return new ChunkedGcm(key, iv, chunkBytes, recordTags);
  }

  /**
   * Encrypts {@code len} bytes. Like a JDK cipher, it may hold back up to 15 bytes of ciphertext
   * until the next call or {@link #finish}, so {@code out} needs room for {@code len + 15} bytes.
   *
   * @return the number of ciphertext bytes written to {@code out}
   * @throws IllegalStateException past {@link AesGcm#MAX_PLAINTEXT_BYTES} or after finish
   */
  public int update(byte[] in, int off, int len, byte[] out, int outOff) throws GeneralSecurityException {
    if (finished) {
      throw new IllegalStateException("already finished");
    }
    if (len > AesGcm.MAX_PLAINTEXT_BYTES - total) {
      throw new IllegalStateException("more than 2^36 - 32 bytes under one GCM key and IV");
    }
    int written = 0;
    while (len > 0) {
      if (!open) {
        startChunk();
      }
      int n = Math.min(Math.min(len, chunkBytes - inChunk), AesGcm.slice());
      written += gcm.update(in, off, n, out, outOff + written);
      off += n;
      len -= n;
      inChunk += n;
      total += n;
      if (inChunk == chunkBytes) {
        written += endChunk(out, outOff + written);
      }
    }
    return written;
  }

  /**
   * Ends the message: writes the held-back ciphertext (under 16 bytes) to {@code out} and returns
   * its length; {@link #tag()} is then available.
   */
  public int finish(byte[] out, int outOff) throws GeneralSecurityException {
    if (finished) {
      throw new IllegalStateException("already finished");
    }
    int written = open ? endChunk(out, outOff) : 0;
    finished = true;
    long[] lengths = {0, total * 8};
    acc = Gf128.xor(Gf128.xor(acc, ej0), Gf128.mul(lengths, h));
    return written;
  }

  /** The message's tag, after {@link #finish}. */
  public byte[] tag() {
    if (!finished) {
      throw new IllegalStateException("not finished");
    }
    return Gf128.toBytes(acc);
  }

  /** Bytes encrypted so far. */
  public long bytes() {
    return total;
  }

  /** Chunks completed so far. */
  public long chunks() {
    return chunkIndex;
  }

  /**
   * Whether chunk {@code index}'s tag equals {@code other}'s, in constant time. Both must record
   * tags and have completed that chunk.
   */
  public boolean sameChunkTag(long index, ChunkedGcm other) {
    if (!recordTags || !other.recordTags || index < 0 || index >= chunkIndex || index >= other.chunkIndex) {
      throw new IllegalStateException("chunk " + index + " has no recorded tag");
    }
    int i = Math.toIntExact(index * 2);
    long[] a = other.chunkTags;
    return ((chunkTags[i] ^ a[i]) | (chunkTags[i + 1] ^ a[i + 1])) == 0;
  }

  private void startChunk() throws GeneralSecurityException {
    long counter = 1 + chunkIndex * (chunkBytes / 16);
    long[] j0 = counterBlock(counter);
    byte[] x = Gf128.toBytes(Gf128.mul(Gf128.xor(j0, lengthTimesH), hInverseSquared));
    gcm.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(AesGcm.TAG_BYTES * 8, x));
    open = true;
    inChunk = 0;
  }

  private int endChunk(byte[] out, int outOff) throws GeneralSecurityException {
    int n = gcm.doFinal(tail, 0);
    int ciphertext = n - AesGcm.TAG_BYTES;
    System.arraycopy(tail, 0, out, outOff, ciphertext);
    long[] t = Gf128.fromBytes(tail, ciphertext);
    Arrays.fill(tail, (byte) 0);
    if (recordTags) {
      int i = Math.toIntExact(chunkIndex * 2);
      if (i + 2 > chunkTags.length) {
        chunkTags = Arrays.copyOf(chunkTags, Math.max(16, chunkTags.length * 2));
      }
      chunkTags[i] = t[0];
      chunkTags[i + 1] = t[1];
    }
    long counter = 1 + chunkIndex * (chunkBytes / 16);
    long[] lengths = {0, (long) inChunk * 8};
    long[] r = Gf128.xor(Gf128.xor(t, encryptCounterBlock(counter)), Gf128.mul(lengths, h));
    long blocks = (inChunk + 15) / 16;
    long[] shift = blocks == chunkBytes / 16 ? hPowChunk : Gf128.pow(h, blocks);
    acc = Gf128.xor(Gf128.mul(acc, shift), r);
    chunkIndex++;
    open = false;
    return ciphertext;
  }

  private long[] counterBlock(long counter) {
    System.arraycopy(iv, 0, block, 0, AesGcm.IV_BYTES);
    block[12] = (byte) (counter >>> 24);
    block[13] = (byte) (counter >>> 16);
    block[14] = (byte) (counter >>> 8);
    block[15] = (byte) counter;
    return Gf128.fromBytes(block, 0);
  }

  private long[] encryptCounterBlock(long counter) throws GeneralSecurityException {
    counterBlock(counter);
    byte[] e = ecb.doFinal(block);
    long[] v = Gf128.fromBytes(e, 0);
    Arrays.fill(e, (byte) 0);
    return v;
  }
}
