package io.hellgate.export.cli;

import io.hellgate.export.Card;
import io.hellgate.export.ExportReader;
import io.hellgate.export.ExportWriter;
import io.hellgate.export.Recipient;
import io.hellgate.export.RecipientKey;
import io.hellgate.export.TokenRecord;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import io.hellgate.export.crypto.CertificateRequests;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** A test CA made with BouncyCastle, archives, and a command hosting {@link KeySourceOptions}. */
final class CliFixtures {
  private static final AtomicLong SERIAL = new AtomicLong(7000);
  private static final KeyPair CA = CertificateRequests.generateRsa(2048);

  private CliFixtures() {}

  static PKCS10CertificationRequest parseCsr(String pem) throws IOException {
    try (PEMParser p = new PEMParser(new StringReader(pem))) {
      return (PKCS10CertificationRequest) p.readObject();
    }
  }

  /** What the recipient's CA does with the request: a certificate for its key and subject. */
  static X509Certificate issue(String csrPem) throws Exception {
    JcaPKCS10CertificationRequest csr = new JcaPKCS10CertificationRequest(parseCsr(csrPem));
    Instant now = Instant.now();
    return new JcaX509CertificateConverter()
        .getCertificate(
            new JcaX509v3CertificateBuilder(
                    new X500Name("CN=Test Issuing CA, O=Test CA, C=DE"),
                    BigInteger.valueOf(SERIAL.incrementAndGet()),
                    Date.from(now.minus(1, ChronoUnit.DAYS)),
                    Date.from(now.plus(365, ChronoUnit.DAYS)),
                    csr.getSubject(),
                    csr.getPublicKey())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(CA.getPrivate())));
  }

  static String pem(X509Certificate cert) throws Exception {
    return "-----BEGIN CERTIFICATE-----\n"
        + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(cert.getEncoded())
        + "\n-----END CERTIFICATE-----\n";
  }

  static Path archive(Path dir, X509Certificate recipient, int records) throws IOException {
    Path out = dir.resolve("export-" + SERIAL.incrementAndGet() + ".tar");
    try (ExportWriter w =
        ExportWriter.open(out, ExportWriter.options().recipient(Recipient.unverified(recipient)).guardianInstance("cli-test").build())) {
      for (int i = 0; i < records; i++) {
        w.write(
            TokenRecord.builder()
                .id("tok-" + i)
                .card(Card.builder().cardholderName("Max Muster").expiryMonth(3).expiryYear(2031).accountNumber("4111111111111111").scheme("visa").build())
                .createdAt(Instant.parse("2024-01-01T00:00:00Z"))
                .build());
      }
      w.finish();
    }
    return out;
  }

  /** A stand-in for decrypt/verify: loads the keys and counts the records of an archive. */
  @Command(name = "host")
  static final class Host implements Callable<Integer> {
    @Mixin KeySourceOptions keySource;

    @Parameters(index = "0")
    Path archive;

    @Override
    public Integer call() {
      try {
        ExportReader.Options.Builder options = ExportReader.options();
        for (RecipientKey k : keySource.load()) {
          options.key(k);
        }
        long n = 0;
        try (ExportReader r = ExportReader.open(archive, options.build())) {
          while (r.nextLine() != null) {
            n++;
          }
        }
        out.println("read " + n + " records");
        return 0;
      } catch (IOException e) {
        err.println("host: " + e.getMessage());
        return 2;
      }
    }

    PrintWriter out;
    PrintWriter err;
  }

  /** Runs a command; returns exit code, stdout and stderr. */
  record Run(int code, String out, String err) {
    String all() {
      return out + err;
    }
  }

  static Run run(Object command, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(command);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    if (command instanceof Host h) {
      h.out = cl.getOut();
      h.err = cl.getErr();
    }
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }
}
