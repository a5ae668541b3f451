package io.hellgate.export.internal;

/**
 * Arithmetic in GF(2^128) with GCM's bit order and reduction polynomial (NIST SP 800-38D, 6.3): an
 * element is 16 bytes read as two big-endian longs {@code {hi, lo}}, where the most significant bit
 * of {@code hi} is the coefficient of x^0. Used a few times per mebibyte to join and steer the JDK's
 * GCM operations ({@link ChunkedGcm}), never on bulk data, so it favours clarity over speed. Not
 * constant-time in the exponent of {@link #pow}, which is always public (a block count).
 */
final class Gf128 {
  /** The multiplicative identity: x^0. */
  static final long[] ONE = {Long.MIN_VALUE, 0};
  private static final long R = 0xe100000000000000L;

  private Gf128() {}

  /** x · y (SP 800-38D, Algorithm 1), constant-time in both operands. */
  static long[] mul(long[] x, long[] y) {
    long zh = 0;
    long zl = 0;
    long vh = y[0];
    long vl = y[1];
    for (int i = 0; i < 128; i++) {
      long word = i < 64 ? x[0] : x[1];
      long bit = -((word >>> (63 - (i & 63))) & 1); // all ones if the bit is set
      zh ^= vh & bit;
      zl ^= vl & bit;
      long carry = -(vl & 1);
      vl = (vl >>> 1) | (vh << 63);
      vh = (vh >>> 1) ^ (R & carry);
    }
    return new long[] {zh, zl};
  }

  /** x^e for e ≥ 0. */
  static long[] pow(long[] x, long e) {
    long[] result = ONE;
    long[] base = x;
    for (long k = e; k != 0; k >>>= 1) {
      if ((k & 1) != 0) {
        result = mul(result, base);
      }
      base = mul(base, base);
    }
    return result;
  }

  /** x^-1 = x^(2^128 − 2) for x ≠ 0. */
  static long[] inverse(long[] x) {
    if (x[0] == 0 && x[1] == 0) {
      throw new ArithmeticException("zero has no inverse");
    }
    long[] result = ONE;
    // 2^128 − 2 is 127 one bits followed by a zero bit.
    for (int i = 0; i < 127; i++) {
      result = mul(mul(result, result), x);
    }
    return mul(result, result);
  }

  static long[] xor(long[] x, long[] y) {
    return new long[] {x[0] ^ y[0], x[1] ^ y[1]};
  }

  static long[] fromBytes(byte[] b, int off) {
    return new long[] {longAt(b, off), longAt(b, off + 8)};
  }

  static void toBytes(long[] x, byte[] out, int off) {
    for (int i = 0; i < 8; i++) {
      out[off + i] = (byte) (x[0] >>> (56 - 8 * i));
      out[off + 8 + i] = (byte) (x[1] >>> (56 - 8 * i));
    }
  }

  static byte[] toBytes(long[] x) {
    byte[] out = new byte[16];
    toBytes(x, out, 0);
    return out;
  }

  private static long longAt(byte[] b, int off) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[off + i] & 0xff);
    }
    return v;
  }
}
