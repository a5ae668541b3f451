package io.hellgate.export.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import javax.crypto.BadPaddingException;

/**
 * EME-OAEP decoding (RFC 8017, section 7.1.2, step 3) with SHA-256 and MGF1-SHA-256, for tokens
 * that can do raw RSA ({@code CKM_RSA_X_509}) but not OAEP with SHA-256 (SunPKCS11 has no OAEP
 * cipher; SoftHSM2 supports OAEP only with SHA-1).
 *
 * <p><b>Constant time with respect to padding validity.</b> Whether the first byte Y is zero,
 * whether lHash' matches, and where (or whether) the 0x01 separator occurs are folded into one
 * integer mask without data-dependent branches or early returns; the only branch on secret data is
 * the final one that either returns the message or throws one generic {@link BadPaddingException}.
 * This is what keeps Manger's attack (CRYPTO 2001) from telling "Y != 0" apart from other failures.
 * The JIT gives no formal guarantee, but the code follows the BoringSSL/OpenSSL pattern.
 *
 * <p>Stateless and thread-safe. Intermediate buffers are zeroed before returning.
 *
 * <pre>{@code
 * byte[] em = tokenRawRsaDecrypt(ciphertext);          // k bytes, leading zeros kept
 * byte[] dataKey = OaepSha256Decoder.decode(em);       // or BadPaddingException
 * }</pre>
 */
public final class OaepSha256Decoder {
  private static final int H_LEN = 32;
  private static final byte[] EMPTY_LABEL_HASH = sha256(new byte[0]);

  private OaepSha256Decoder() {}

  /**
   * Decodes an encoded message with an empty label.
   *
   * @param em the RSA decryption primitive's output, exactly {@code k} bytes (leading zeros kept)
   * @return the message
   * @throws BadPaddingException for any decoding failure, with one fixed message
   */
  public static byte[] decode(byte[] em) throws BadPaddingException {
    return decode(em, EMPTY_LABEL_HASH);
  }

  /**
   * Decodes an encoded message.
   *
   * @param em the RSA decryption primitive's output, exactly {@code k} bytes
   * @param labelHash SHA-256 of the label
   * @return the message
   * @throws BadPaddingException for any decoding failure, with one fixed message
   */
  public static byte[] decode(byte[] em, byte[] labelHash) throws BadPaddingException {
    int k = em.length;
    if (k < 2 * H_LEN + 2) {
      // Depends only on the public modulus length.
      throw failure();
    }
    int dbLen = k - H_LEN - 1;
    byte[] seed = Arrays.copyOfRange(em, 1, 1 + H_LEN);
    byte[] db = Arrays.copyOfRange(em, 1 + H_LEN, k);
    try {
      xorInPlace(seed, mgf1(db, H_LEN));
      xorInPlace(db, mgf1(seed, dbLen));

      int good = isZero(em[0] & 0xff);
      int hashDiff = 0;
      for (int i = 0; i < H_LEN; i++) {
        hashDiff |= (db[i] ^ labelHash[i]) & 0xff;
      }
      good &= isZero(hashDiff);

      int foundOne = 0;
      int oneIndex = 0;
      for (int i = H_LEN; i < dbLen; i++) {
        int b = db[i] & 0xff;
        int equalsOne = isZero(b ^ 1);
        int equalsZero = isZero(b);
        oneIndex = select(~foundOne & equalsOne, i, oneIndex);
        foundOne |= equalsOne;
        good &= foundOne | equalsZero;
      }
      good &= foundOne;

      if (good == 0) {
        throw failure();
      }
      return Arrays.copyOfRange(db, oneIndex + 1, dbLen);
    } finally {
      Arrays.fill(seed, (byte) 0);
      Arrays.fill(db, (byte) 0);
    }
  }

  /** All ones if {@code x == 0}, else 0; for 0 <= x < 2^31. */
  private static int isZero(int x) {
    return ~(x | -x) >> 31;
  }

  private static int select(int mask, int a, int b) {
    return (mask & a) | (~mask & b);
  }

  private static void xorInPlace(byte[] target, byte[] mask) {
    for (int i = 0; i < target.length; i++) {
      target[i] ^= mask[i];
    }
    Arrays.fill(mask, (byte) 0);
  }

  /** MGF1 with SHA-256 (RFC 8017, appendix B.2.1). */
  static byte[] mgf1(byte[] seed, int length) {
    MessageDigest sha256 = digest();
    byte[] out = new byte[length];
    byte[] counter = new byte[4];
    int offset = 0;
    for (int c = 0; offset < length; c++) {
      counter[0] = (byte) (c >>> 24);
      counter[1] = (byte) (c >>> 16);
      counter[2] = (byte) (c >>> 8);
      counter[3] = (byte) c;
      sha256.update(seed);
      sha256.update(counter);
      byte[] block = sha256.digest();
      int n = Math.min(block.length, length - offset);
      System.arraycopy(block, 0, out, offset, n);
      Arrays.fill(block, (byte) 0);
      offset += n;
    }
    return out;
  }

  /** SHA-256 of {@code data}. */
  public static byte[] sha256(byte[] data) {
    return digest().digest(data);
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  private static BadPaddingException failure() {
    return new BadPaddingException("RSA-OAEP decryption failed");
  }
}
