package io.hellgate.export.internal;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM (NIST SP 800-38D) with a 96-bit IV and a 128-bit tag, built only from the JDK's
 * intrinsified {@code AES/GCM} encryption and {@code AES/CTR}, so that a reader can verify a tag in
 * constant memory before it releases plaintext (SunJCE's GCM decryption buffers the whole message).
 *
 * <ul>
 *   <li>{@link #keystream}: GCM's CTR stage, counter block {@code IV || 00000002}
 *       (inc32(J0)); xoring it with ciphertext yields plaintext.
 *   <li>{@link ChunkedGcm}: a GCM <em>encryption</em> under the same key and IV. Fed the
 *       plaintext, it reproduces the ciphertext and, at the end, the tag over it.
 * </ul>
 */
public final class AesGcm {
  /** Key size: AES-256. */
  public static final int KEY_BYTES = 32;
  /** IV size: 96 bits. */
  public static final int IV_BYTES = 12;
  /** Tag size: 128 bits. */
  public static final int TAG_BYTES = 16;
  /**
   * How much to hand the JDK's cipher and digest engines per call. Their GHASH, AES and SHA-256
   * intrinsics apply only once C2 has compiled the engine's {@code update} (after ~5,000 calls);
   * until then a pure-Java fallback runs at ~70 MB/s. With 128 KiB calls that phase lasts for the
   * first ~600 MiB of a fresh JVM; with 4 KiB calls, for ~20 MiB (measured: docs/performance.md).
   * The slice once a JVM is warm: {@link #slice()} hands out smaller ones before.
   */
  public static final int SLICE = 4096;

  /** The most plaintext one (key, IV) may protect: 2^36 − 32 bytes (SP 800-38D, 5.2.1.1). */
  public static final long MAX_PLAINTEXT_BYTES = (1L << 36) - 32;

  private AesGcm() {}

  /** Slices handed out small so far in this JVM (a heuristic counter; races only blur it). */
  private static int warmupCalls;
  private static final int WARMUP_CALLS = 30_000;
  private static final int WARMUP_SLICE = 256;

  /**
   * The slice for the next cipher or digest call: {@link #SLICE}, except for this JVM's first
   * {@value #WARMUP_CALLS} calls, which get {@value #WARMUP_SLICE} bytes. SunJCE's GHASH, AES-CTR
   * and SHA-256 intrinsics apply only once C2 has compiled their callers, which it does after some
   * thousands of calls; small first slices reach that count after a few MiB instead of tens of MiB
   * of the first export, which until then runs in interpreted or C1 code at tens of MB/s.
   */
  public static int slice() {
    if (warmupCalls < WARMUP_CALLS) {
      warmupCalls++;
      return WARMUP_SLICE;
    }
    return SLICE;
  }

  /**
   * Runs {@code len} bytes through {@code ctr} (a {@link #keystream}) in {@link #slice()}-sized calls;
   * CTR returns as many bytes as it is given.
   */
  public static void ctr(Cipher ctr, byte[] in, int off, int len, byte[] out, int outOff) throws GeneralSecurityException {
    for (int done = 0, n; done < len; done += n) {
      n = Math.min(slice(), len - done);
      if (ctr.update(in, off + done, n, out, outOff + done) != n) {
        throw new IllegalStateException("AES-CTR returned a short block");
      }
    }
  }

  /** Feeds {@code len} bytes to {@code digest} in {@link #slice()}-sized calls. */
  public static void digest(MessageDigest digest, byte[] in, int off, int len) {
    for (int done = 0, n; done < len; done += n) {
      n = Math.min(slice(), len - done);
      digest.update(in, off + done, n);
    }
  }

  /** GCM's keystream as an {@code AES/CTR} cipher: update() turns ciphertext into plaintext. */
  public static Cipher keystream(byte[] key, byte[] iv) throws GeneralSecurityException {
    byte[] counter = new byte[16];
    System.arraycopy(iv, 0, counter, 0, IV_BYTES);
    counter[15] = 2;
    Cipher c = Cipher.getInstance("AES/CTR/NoPadding");
    c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(counter));
    return c;
  }
}
