package io.hellgate.export.testkit.golden;

import io.hellgate.export.Card;
import io.hellgate.export.ExportWriter;
import io.hellgate.export.Recipient;
import io.hellgate.export.TokenRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The writer-made golden archives: what goes into each and with which pinned clock, export id and
 * {@link DeterministicRandom} label, so that a test can make them again and compare bytes.
 */
final class GoldenSet {
  static final Instant CREATED_AT = Instant.parse("2025-01-15T10:43:00Z");
  static final String GUARDIAN = "golden-cluster.on-hellgate.cloud";
  static final int LARGE_RECORDS = 1000;

  /** Names of the goldens {@link ExportWriter} makes, in index order. */
  static final List<String> WRITER_MADE =
      List.of("valid-small", "valid-large", "valid-unicode", "valid-empty");

  /** Raw lines of the unicode golden: non-ASCII in every string position, escapes, optional nulls. */
  static final List<String> UNICODE_LINES =
      List.of(
          "{\"id\":\"c0ffee00-0000-4000-8000-000000000001\",\"card\":{\"cardholder_name\":\"Zoë Çelik-Østergård\","
              + "\"expiry_month\":1,\"expiry_year\":2031,\"account_number\":\"" + luhn("411111000000001") + "\","
              + "\"scheme\":\"visa\"},\"created_at\":\"2024-02-29T23:59:59.123+01:00\","
              + "\"metadata\":{\"名前\":\"山田太郎\",\"emoji\":\"💳✓\",\"escaped\":\"\\u00e9\\ud83d\\ude00\"}}",
          "{\"id\":\"c0ffee00-0000-4000-8000-000000000002\",\"card\":{\"expiry_month\":12,\"expiry_year\":9999,"
              + "\"account_number\":\"" + luhn("41111100000000002") + "\"},\"created_at\":\"1970-01-01T00:00:00Z\","
              + "\"expires_at\":null,\"metadata\":null}",
          "{\"card\":{\"scheme\":\"mastercard\",\"account_number\":\"" + luhn("51051000000") + "\",\"expiry_year\":1970,"
              + "\"expiry_month\":7,\"cardholder_name\":\"李小龍\"},\"id\":\"c0ffee00-0000-4000-8000-000000000003\","
              + "\"created_at\":\"2023-10-01T12:00:00-05:30\",\"expires_at\":\"2099-12-31T23:59:59.999999999Z\"}");

  /**
   * Lines with members the format does not define, at the top level and in {@code card}, which a
   * reader must keep (docs/format.md, "Records").
   */
  static final List<String> UNKNOWN_MEMBER_LINES =
      List.of(
          "{\"id\":\"c0ffee00-0000-4000-8000-000000000011\",\"card\":{\"expiry_month\":3,\"expiry_year\":2030,"
              + "\"account_number\":\"" + luhn("411111000000011") + "\",\"issuer_country\":\"DE\"},"
              + "\"created_at\":\"2024-01-01T00:00:00Z\",\"loyalty\":{\"tier\":\"gold\",\"points\":1200,"
              + "\"tags\":[\"a\",null,true]},\"note\":\"Привет, мир — שלום\"}");

  private GoldenSet() {}

  /** The pinned export id of a golden: a name-based UUID of {@code "golden/" + name}. */
  static UUID exportId(String name) {
    return UUID.nameUUIDFromBytes(("golden/" + name).getBytes(StandardCharsets.UTF_8));
  }

  /** The writer's options for a golden: fixed clock, export id and randomness. */
  static ExportWriter.Options options(String name, X509Certificate recipient) {
    return ExportWriter.options()
        .recipient(Recipient.unverified(recipient))
        .guardianInstance(GUARDIAN)
        .exportId(exportId(name))
        .clock(Clock.fixed(CREATED_AT, ZoneOffset.UTC))
        .random(DeterministicRandom.fromLabel("golden/" + name))
        .build();
  }

  /** Makes a writer-made golden with {@link ExportWriter}. */
  static byte[] writerArchive(String name, X509Certificate recipient) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ExportWriter w = ExportWriter.open(out, options(name, recipient))) {
      switch (name) {
        case "valid-small":
          for (int i = 0; i < 3; i++) {
            w.write(record(i));
          }
          break;
        case "valid-large":
          for (int i = 0; i < LARGE_RECORDS; i++) {
            w.write(record(i));
          }
          break;
        case "valid-unicode":
          for (String line : UNICODE_LINES) {
            w.writeLine(line);
          }
          break;
        case "valid-empty":
          break;
        default:
          throw new IllegalArgumentException("no writer-made golden " + name);
      }
      w.finish();
    }
    return out.toByteArray();
  }

  /**
   * Synthetic record {@code i}: every third has only the required fields; PANs are Luhn-valid test
   * numbers with the 411111 (Visa) or 510510 (Mastercard) test prefixes.
   */
  static TokenRecord record(int i) {
    boolean minimal = i % 3 == 1;
    boolean visa = i % 2 == 0;
    Card.Builder card =
        Card.builder()
            .expiryMonth(1 + i % 12)
            .expiryYear(2026 + i % 10)
            .accountNumber(luhn((visa ? "411111" : "510510") + String.format("%09d", i)));
    TokenRecord.Builder r =
        TokenRecord.builder()
            .id(new UUID(0x8744c9eaa02b4ae6L, 0x875c000000000000L | i).toString())
            .createdAt(Instant.parse("2023-10-01T12:00:00Z").plusSeconds(i * 61L));
    if (!minimal) {
      card.cardholderName("Test Holder " + i).scheme(visa ? "visa" : "mastercard");
      r.expiresAt(Instant.parse("2030-10-01T12:00:00Z"))
          .metadata(new TreeMap<>(Map.of("my_key_one", "value " + i, "batch", "golden")));
    }
    return r.card(card.build()).build();
  }

  /** Appends the Luhn check digit to {@code body}. */
  static String luhn(String body) {
    int sum = 0;
    for (int i = 0; i < body.length(); i++) {
      int d = body.charAt(body.length() - 1 - i) - '0';
      if (i % 2 == 0) {
        d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      }
      sum += d;
    }
    return body + (10 - sum % 10) % 10;
  }
}
