package io.hellgate.export.testkit.golden;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import io.hellgate.export.RecipientKey;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;

/**
 * The committed golden test keys ({@code golden/keys/}, RSA-2048, made once with openssl): the
 * {@code recipient} every vector is for, and the {@code other} one a wrong-key case is sealed to.
 * {@link Tampering}, {@link Layout} and the contracts make their archives for the recipient; a
 * writer under test writes to {@link #recipientCertificate()}. <b>Test keys</b>: public, in this
 * jar; never for real data.
 *
 * <p>Loaded on first use; thread-safe.
 *
 * <pre>{@code
 * ExportWriter.Options o = ExportWriter.options()
 *     .recipient(Recipient.unverified(GoldenKeys.recipientCertificate())).guardianInstance("test").build();
 * ExportReader.Options r = ExportReader.options().key(GoldenKeys.recipientKey()).build();
 * }</pre>
 */
public final class GoldenKeys {
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

  /** The recipient's certificate (self-signed test certificate, RSA-2048). */
  public static X509Certificate recipientCertificate() {
    return Holder.RECIPIENT;
  }

  /** The recipient's private key and certificate, for {@code ExportReader.Options.Builder.key}. */
  public static RecipientKey recipientKey() {
    return RecipientKey.of(Pem.privateKey(Holder.RECIPIENT_KEY), Holder.RECIPIENT);
  }

  /** The other test certificate: an export sealed to it is not for the recipient. */
  public static X509Certificate otherCertificate() {
    return Holder.OTHER;
  }

  /** The other private key and certificate. */
  public static RecipientKey otherKey() {
    return RecipientKey.of(Pem.privateKey(Holder.OTHER_KEY), Holder.OTHER);
  }

  /** The hex SHA-256 of {@code content}, to keep labels of different contents apart. */
  static String digest(byte[] content) {
    try {
      return Seal.hex(Seal.sha256(content));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
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
    static final byte[] OTHER_KEY = resource("keys/other-key.pem");
  }
}
