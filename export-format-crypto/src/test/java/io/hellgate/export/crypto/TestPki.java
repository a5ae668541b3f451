package io.hellgate.export.crypto;

import io.hellgate.export.Card;
import io.hellgate.export.ExportReader;
import io.hellgate.export.ExportWriter;
import io.hellgate.export.Recipient;
import io.hellgate.export.RecipientKey;
import io.hellgate.export.TokenRecord;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Test keys, certificates (made with BouncyCastle) and archives. */
public final class TestPki {
  private static final AtomicLong SERIAL = new AtomicLong(1000);

  private TestPki() {}

  public static KeyPair rsa(int bits) throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(bits);
    return g.generateKeyPair();
  }

  /** A certificate for {@code subjectKey}, signed by {@code issuerKey} (self-signed when they match). */
  static X509Certificate certificate(PublicKey subjectKey, String subject, PrivateKey issuerKey, Provider signer)
      throws Exception {
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            new X500Principal(subject),
            BigInteger.valueOf(SERIAL.incrementAndGet()),
            java.util.Date.from(now.minus(1, ChronoUnit.DAYS)),
            java.util.Date.from(now.plus(365, ChronoUnit.DAYS)),
            new X500Principal(subject),
            subjectKey);
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyEncipherment));
    JcaContentSignerBuilder sb = new JcaContentSignerBuilder("SHA256withRSA");
    if (signer != null) {
      sb.setProvider(signer);
    }
    return new JcaX509CertificateConverter().getCertificate(b.build(sb.build(issuerKey)));
  }

  public static X509Certificate selfSigned(KeyPair kp, String subject) throws Exception {
    return certificate(kp.getPublic(), subject, kp.getPrivate(), null);
  }

  /** A key store entry for {@link #pkcs12}. */
  record Entry(String alias, KeyPair keys, X509Certificate certificate) {}

  /** Writes a PKCS#12 file whose store and key password is {@code password}. */
  static Path pkcs12(Path file, String password, Entry... entries) throws Exception {
    java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    for (Entry e : entries) {
      ks.setKeyEntry(e.alias(), e.keys().getPrivate(), password.toCharArray(), new java.security.cert.Certificate[] {e.certificate()});
    }
    try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(file)) {
      ks.store(out, password.toCharArray());
    }
    return file;
  }

  static TokenRecord record(int i) {
    return TokenRecord.builder()
        .id(new UUID(0x8744c9eaL, i).toString())
        .card(
            Card.builder()
                .cardholderName("Jane Roe " + i)
                .expiryMonth(1 + i % 12)
                .expiryYear(2030)
                .accountNumber("4111111111111111")
                .scheme("visa")
                .build())
        .createdAt(Instant.parse("2023-10-01T12:00:00Z"))
        .build();
  }

  /** Writes an export with {@code records} records to {@code recipient}. */
  static Path archive(Path dir, X509Certificate recipient, int records) throws IOException {
    Path out = dir.resolve("export-" + SERIAL.incrementAndGet() + ".tar");
    try (ExportWriter w =
        ExportWriter.open(
            out,
            ExportWriter.options().recipient(Recipient.unverified(recipient)).guardianInstance("test.on-hellgate.cloud").build())) {
      for (int i = 0; i < records; i++) {
        w.write(record(i));
      }
      w.finish();
    }
    return out;
  }

  /** Verifies and reads every line with the given keys. */
  static List<String> readAll(Path archive, RecipientKey... keys) throws IOException {
    ExportReader.Options.Builder options = ExportReader.options();
    for (RecipientKey k : keys) {
      options.key(k);
    }
    List<String> lines = new ArrayList<>();
    try (ExportReader r = ExportReader.open(archive, options.build())) {
      r.verify();
      for (String line = r.nextLine(); line != null; line = r.nextLine()) {
        lines.add(line);
      }
    }
    return lines;
  }
}
