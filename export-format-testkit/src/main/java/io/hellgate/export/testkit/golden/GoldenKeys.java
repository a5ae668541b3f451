package io.hellgate.export.testkit.golden;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;

/**
 * The committed golden test keys ({@code golden/keys/}, made once with openssl), for the vectors
 * that {@link Tampering} and {@link Layout} make at run time. Test keys: never for real data.
 */
final class GoldenKeys {
  private static final String ROOT = "/golden/";

  private GoldenKeys() {}

  static byte[] resource(String name) {
    try (InputStream in = GoldenKeys.class.getResourceAsStream(ROOT + name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + ROOT + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] recipientKeyPem() {
    return Holder.RECIPIENT_KEY;
  }

  static byte[] recipientCertificatePem() {
    return Holder.RECIPIENT_CERT.clone();
  }

  static X509Certificate recipientCertificate() {
    return Holder.RECIPIENT;
  }

  static X509Certificate otherCertificate() {
    return Holder.OTHER;
  }

  /** Seals with {@code DeterministicRandom.fromLabel(label)}, the golden clock and guardian, export id from the label. */
  static Seal seal(String label, byte[] content, X509Certificate to) throws GeneralSecurityException {
    return Seal.of(content, to, DeterministicRandom.fromLabel(label), GoldenSet.exportId(label), GoldenSet.CREATED_AT,
        GoldenSet.GUARDIAN);
  }

  /** Loaded on first use. */
  private static final class Holder {
    static final byte[] RECIPIENT_KEY = resource("keys/recipient-key.pem");
    static final byte[] RECIPIENT_CERT = resource("keys/recipient-cert.pem");
    static final X509Certificate RECIPIENT = Pem.certificate(RECIPIENT_CERT);
    static final X509Certificate OTHER = Pem.certificate(resource("keys/other-cert.pem"));
  }
}
