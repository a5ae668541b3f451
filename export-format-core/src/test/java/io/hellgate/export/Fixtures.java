package io.hellgate.export;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.UUID;

/** Test keys and certificates made with openssl (see resources/fixtures/README.md). */
final class Fixtures {
  static final X509Certificate RECIPIENT_CERT = cert("recipient-cert.pem");
  static final PrivateKey RECIPIENT_KEY = key("recipient-key.pem");
  static final X509Certificate OTHER_CERT = cert("other-cert.pem");
  static final PrivateKey OTHER_KEY = key("other-key.pem");
  static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-15T10:43:00Z"), ZoneOffset.UTC);
  static final UUID EXPORT_ID = UUID.fromString("2f1e6a8c-3b4d-4e5f-8a9b-0c1d2e3f4a5b");

  private Fixtures() {}

  static String recipientFingerprint() {
    return io.hellgate.export.internal.Fingerprints.sha256(RECIPIENT_CERT);
  }

  static byte[] resource(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing fixture " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static X509Certificate cert(String name) {
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509").generateCertificate(new java.io.ByteArrayInputStream(resource(name)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static PrivateKey key(String name) {
    String pem = new String(resource(name), StandardCharsets.US_ASCII);
    String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    try {
      return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A deterministic SecureRandom for reproducibility tests (never for real exports). */
  static SecureRandom pinnedRandom(long seed) {
    return new SecureRandom() {
      private static final long serialVersionUID = 1L;
      private final java.util.Random r = new java.util.Random(seed);

      @Override
      public void nextBytes(byte[] bytes) {
        r.nextBytes(bytes);
      }
    };
  }

  static ExportWriter.Options writerOptions() {
    return ExportWriter.options()
        .recipient(Recipient.unverified(RECIPIENT_CERT))
        .guardianInstance("my-cluster-id.on-hellgate.cloud")
        .build();
  }

  static ExportWriter.Options pinnedWriterOptions(long seed) {
    return ExportWriter.options()
        .recipient(Recipient.unverified(RECIPIENT_CERT))
        .guardianInstance("my-cluster-id.on-hellgate.cloud")
        .exportId(EXPORT_ID)
        .clock(CLOCK)
        .random(pinnedRandom(seed))
        .build();
  }

  static ExportReader.Options readerOptions() {
    return ExportReader.options().key(RecipientKey.of(RECIPIENT_KEY, RECIPIENT_CERT)).build();
  }

  static TokenRecord record(int i) {
    return TokenRecord.builder()
        .id(new UUID(0x8744c9eaL, i).toString())
        .card(
            Card.builder()
                .cardholderName("John Doe " + i)
                .expiryMonth(1 + i % 12)
                .expiryYear(2030)
                .accountNumber(luhn("411111" + String.format("%09d", i)))
                .scheme("visa")
                .build())
        .createdAt(Instant.parse("2023-10-01T12:00:00Z"))
        .expiresAt(Instant.parse("2030-10-01T12:00:00Z"))
        .build();
  }

  /** Appends a Luhn check digit. */
  static String luhn(String body) {
    int sum = 0;
    for (int i = 0; i < body.length(); i++) {
      int d = body.charAt(body.length() - 1 - i) - '0';
      if (i % 2 == 0) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
    }
    return body + (10 - sum % 10) % 10;
  }

  static byte[] writeArchive(ExportWriter.Options options, Iterable<TokenRecord> records) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ExportWriter w = ExportWriter.open(out, options)) {
      for (TokenRecord r : records) {
        w.write(r);
      }
      w.finish();
    }
    return out.toByteArray();
  }
}
