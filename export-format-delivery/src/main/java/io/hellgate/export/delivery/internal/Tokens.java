package io.hellgate.export.delivery.internal;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Link and grant secrets: 256 bits from {@link SecureRandom}, base64url without padding (43
 * characters). Only {@link #hash(String)} is stored.
 */
public final class Tokens {
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Length of a token in characters. */
  public static final int LENGTH = 43;

  private Tokens() {}

  /** A new 256-bit token. */
  public static String newToken() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    String t = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    Arrays.fill(b, (byte) 0);
    return t;
  }

  /** A short random identifier with a prefix, e.g. {@code lnk_3kq8...}: not secret. */
  public static String newId(String prefix) {
    byte[] b = new byte[12];
    RANDOM.nextBytes(b);
    return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** Whether {@code s} has the shape of a token (43 base64url characters, canonical last one). */
  public static boolean wellFormed(String s) {
    if (s == null || s.length() != LENGTH) {
      return false;
    }
    for (int i = 0; i < LENGTH; i++) {
      char c = s.charAt(i);
      if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
        return false;
      }
    }
    // 256 bits in 43 characters: the last character carries 4 bits, its low 2 bits are zero
    return "AEIMQUYcgkosw048".indexOf(s.charAt(LENGTH - 1)) >= 0;
  }

  /** Lowercase hex SHA-256 of the token's ASCII bytes: what the database stores. */
  public static String hash(String token) {
    return HexFormat.of().formatHex(Hashes.sha256().digest(token.getBytes(StandardCharsets.US_ASCII)));
  }
}
