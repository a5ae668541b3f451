package io.hellgate.export.internal;

/** Lowercase hex, plain or colon-separated, as the manifest uses it. */
public final class Hex {
  private static final char[] DIGITS = "0123456789abcdef".toCharArray();

  private Hex() {}

  /** {@code 0a1b…}. */
  public static String encode(byte[] bytes) {
    char[] out = new char[bytes.length * 2];
    for (int i = 0; i < bytes.length; i++) {
      out[2 * i] = DIGITS[(bytes[i] >> 4) & 0xf];
      out[2 * i + 1] = DIGITS[bytes[i] & 0xf];
    }
    return new String(out);
  }

  /** {@code 0a:1b:…}; empty input gives an empty string. */
  public static String encodeColons(byte[] bytes) {
    if (bytes.length == 0) {
      return "";
    }
    char[] out = new char[bytes.length * 3 - 1];
    for (int i = 0; i < bytes.length; i++) {
      int p = 3 * i;
      if (i > 0) {
        out[p - 1] = ':';
      }
      out[p] = DIGITS[(bytes[i] >> 4) & 0xf];
      out[p + 1] = DIGITS[bytes[i] & 0xf];
    }
    return new String(out);
  }

  /**
   * Decodes lowercase hex without separators.
   *
   * @return the bytes, or {@code null} if {@code s} is not lowercase hex of even length
   */
  public static byte[] decodeLowercase(String s) {
    if (s.length() % 2 != 0) {
      return null;
    }
    byte[] out = new byte[s.length() / 2];
    for (int i = 0; i < out.length; i++) {
      int hi = nibble(s.charAt(2 * i));
      int lo = nibble(s.charAt(2 * i + 1));
      if (hi < 0 || lo < 0) {
        return null;
      }
      out[i] = (byte) ((hi << 4) | lo);
    }
    return out;
  }

  private static int nibble(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    return -1;
  }
}
