package io.hellgate.export.testkit;

import io.hellgate.export.Card;
import io.hellgate.export.TokenRecord;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Deterministic synthetic token records with Luhn-valid <em>test</em> account numbers, for demos,
 * benchmarks and tests. Never produces a real card number: every PAN starts with a documented test
 * prefix (Visa 411111, Mastercard 555555, Amex 378282, Discover 601111) followed by digits drawn
 * from the seed and a Luhn check digit.
 *
 * <p>The same seed always yields the same sequence. Instances are not thread-safe; create one per
 * thread.
 *
 * <pre>{@code
 * SyntheticRecords gen = SyntheticRecords.seeded(42);
 * TokenRecord r = gen.next();
 * String pan = SyntheticRecords.luhnComplete("411111000000001"); // 16 digits, Luhn-valid
 * }</pre>
 */
public final class SyntheticRecords {
  private static final String[][] SCHEMES = {
    {"visa", "411111", "16"}, {"mastercard", "555555", "16"}, {"amex", "378282", "15"}, {"discover", "601111", "16"}
  };
  private static final String[] NAMES = {
    "John Doe", "Erika Mustermann", "Zoë Ångström", "山田 太郎", "José Álvarez", "Ngozi Okafor", "Ilse Müller"
  };
  private static final Instant BASE = Instant.parse("2023-01-01T00:00:00Z");

  private final SplittableRandom random;
  private long sequence;

  private SyntheticRecords(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /** A generator for {@code seed}. */
  public static SyntheticRecords seeded(long seed) {
    return new SyntheticRecords(seed);
  }

  /** The next record: id, card (test PAN), created_at, expires_at and sometimes metadata. */
  public TokenRecord next() {
    long n = sequence++;
    String[] scheme = SCHEMES[random.nextInt(SCHEMES.length)];
    int length = Integer.parseInt(scheme[2]);
    StringBuilder body = new StringBuilder(scheme[1]);
    while (body.length() < length - 1) {
      body.append((char) ('0' + random.nextInt(10)));
    }
    Instant created = BASE.plus(random.nextInt(3 * 365 * 24 * 60), ChronoUnit.MINUTES);
    TokenRecord.Builder b =
        TokenRecord.builder()
            .id(new UUID(random.nextLong() & ~0xF000L | 0x4000L, random.nextLong() & 0x3FFFFFFFFFFFFFFFL | 0x8000000000000000L).toString())
            .card(
                Card.builder()
                    .cardholderName(NAMES[random.nextInt(NAMES.length)])
                    .expiryMonth(1 + random.nextInt(12))
                    .expiryYear(2026 + random.nextInt(8))
                    .accountNumber(luhnComplete(body.toString()))
                    .scheme(scheme[0])
                    .build())
            .createdAt(created)
            .expiresAt(created.plus(3 * 365, ChronoUnit.DAYS));
    if (n % 3 == 0) {
      Map<String, String> metadata = new LinkedHashMap<>();
      metadata.put("customer_ref", "cust-" + n);
      metadata.put("channel", random.nextBoolean() ? "web" : "pos");
      b.metadata(metadata);
    }
    return b.build();
  }

  /**
   * Appends the Luhn check digit to {@code digits}.
   *
   * @param digits the PAN without its check digit (ASCII digits)
   * @return the Luhn-valid PAN
   * @throws IllegalArgumentException if {@code digits} is not all ASCII digits
   */
  public static String luhnComplete(String digits) {
    int sum = 0;
    for (int i = 0; i < digits.length(); i++) {
      char c = digits.charAt(digits.length() - 1 - i);
      if (c < '0' || c > '9') {
        throw new IllegalArgumentException("not a digit string");
      }
      int d = c - '0';
      if (i % 2 == 0) {
        d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      }
      sum += d;
    }
    return digits + (char) ('0' + (10 - sum % 10) % 10);
  }

  /** Whether {@code pan} passes the Luhn check. */
  public static boolean isLuhnValid(String pan) {
    return pan.length() > 1 && luhnComplete(pan.substring(0, pan.length() - 1)).equals(pan);
  }
}
