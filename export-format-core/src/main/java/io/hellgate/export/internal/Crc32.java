package io.hellgate.export.internal;

/**
 * CRC-32 (the gzip polynomial) arithmetic that {@link java.util.zip.CRC32} lacks: the CRC of a
 * concatenation from the CRCs of its parts, so that an archive's prefix can be written after the
 * bytes that follow it. Polynomials are held reflected, as the CRC itself is: bit 31 is x^0.
 */
public final class Crc32 {
  private Crc32() {}

  /** The CRC-32 polynomial, reflected. */
  private static final int POLY = 0xEDB88320;
  /** x^0, reflected. */
  private static final int ONE = 0x80000000;

  /**
   * CRC-32 of {@code A || B} given {@code crcA} = CRC-32(A), {@code crcB} = CRC-32(B) and B's length.
   *
   * <p>CRC-32 is affine over GF(2): CRC(A || B) = CRC(A) · x^(8·|B|) + CRC(B) mod P, the pre- and
   * post-conditioning (the all-ones register) cancelling between the two terms.
   */
  public static int combine(int crcA, int crcB, long lengthB) {
    if (lengthB < 0) {
      throw new IllegalArgumentException("lengthB < 0");
    }
    return multiply(xPow8n(lengthB), crcA) ^ crcB;
  }

  /** x^(8n) mod P, by square-and-multiply. */
  static int xPow8n(long n) {
    int result = ONE;
    int square = ONE >>> 8; // x^8
    for (; n != 0; n >>>= 1) {
      if ((n & 1) != 0) {
        result = multiply(result, square);
      }
      square = multiply(square, square);
    }
    return result;
  }

  /** a · b mod P, reflected: walks a's coefficients from x^0 up while b is multiplied by x. */
  static int multiply(int a, int b) {
    int product = 0;
    for (int bit = ONE; bit != 0; bit >>>= 1) {
      if ((a & bit) != 0) {
        product ^= b;
      }
      b = (b & 1) != 0 ? (b >>> 1) ^ POLY : b >>> 1;
    }
    return product;
  }
}
