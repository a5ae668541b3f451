package io.hellgate.export.cli;

import io.hellgate.export.AuthenticationFailedException;
import io.hellgate.export.ExportFormatException;
import io.hellgate.export.ExportManifest;
import io.hellgate.export.ExportReader;
import io.hellgate.export.ExportWriter;
import io.hellgate.export.RecipientKey;
import io.hellgate.export.TokenRecord;
import io.hellgate.export.WrongKeyException;
import io.hellgate.export.crypto.CertificatePolicy;
import io.hellgate.export.crypto.PolicyDecision;
import io.hellgate.export.testkit.Pem;
import io.hellgate.export.testkit.SyntheticRecords;
import io.hellgate.export.testkit.TestCertificate;
import io.hellgate.export.testkit.TestPki;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.concurrent.Callable;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code export-tool demo}: the whole flow on throwaway test PKI. A root and an issuing CA with a
 * live loopback OCSP responder; an OV recipient certificate checked by the certificate policy
 * (including an online revocation check); synthetic records with Luhn-valid test PANs written to an
 * export; the export inspected, verified and decrypted; then a tampered copy, a wrong key and a DV
 * certificate, each rejected. Exit 0 only if every step behaved as expected.
 */
@Command(name = "demo", description = {
    "Run a full round trip on generated test PKI and show what happened.",
    "Its files go to a new temporary directory that is removed at the end (also on Ctrl-C),",
    "or to --dir DIR, which is kept."})
final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--records", defaultValue = "1000", paramLabel = "N", description = "How many synthetic records (default ${DEFAULT-VALUE}).")
  int records;

  @Option(names = "--dir", paramLabel = "DIR", description = "Where to put the demo files, kept afterwards (default: a new temporary directory, removed at the end).")
  Path dir;

  private PrintWriter out;
  private boolean ok = true;

  @Override
  public Integer call() throws Exception {
    if (records < 1) {
      throw new ExportTool.UsageError("--records must be at least 1, not " + records);
    }
    out = spec.commandLine().getOut();
    return inWorkDirectory(dir, "export-demo-", "export-tool demo", out, this::run);
  }

  /** A demo's body, run in its work directory. */
  interface Body {
    int run(Path work) throws Exception;
  }

  /**
   * Runs a demo in {@code dir} (created if needed, kept afterwards) or, without it, in a new
   * temporary directory that is removed at the end, also on Ctrl-C or SIGTERM.
   */
  static int inWorkDirectory(Path dir, String prefix, String label, PrintWriter out, Body body) throws Exception {
    Path work = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory(prefix);
    out.println(label + ": files in " + work + (dir != null ? "" : " (removed at the end)"));
    if (dir != null) {
      return body.run(work);
    }
    Thread cleanup = new Thread(() -> deleteTree(work), "export-tool-demo-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup); // Ctrl-C, SIGTERM
    try {
      return body.run(work);
    } finally {
      deleteTree(work);
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs and finds nothing left
      }
      out.println("removed " + work);
      out.flush();
    }
  }

  /** Deletes {@code root} and everything under it, without following symbolic links. */
  static void deleteTree(Path root) {
    try (java.util.stream.Stream<Path> files = Files.walk(root)) {
      for (Path p : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      // best effort: a file that cannot be removed stays
    }
  }

  private int run(Path work) throws Exception {
    try (TestPki pki = TestPki.builder().intermediate(true).revocationServer(true).build()) {
      step("1. test PKI: root " + name(pki.root().getSubjectX500Principal().getName())
          + ", issuing CA, OCSP responder at " + pki.ocspUrl());
      TestCertificate recipient = pki.leaf("CN=Token Export Recipient, O=Acme Payments GmbH, C=DE").ov().build();
      Pem.write(work.resolve("root.pem"), pki.rootPem());
      Pem.write(work.resolve("recipient-cert.pem"), recipient.certificatePem());
      Pem.write(work.resolve("recipient-chain.pem"), recipient.chainPem());
      Pem.write(work.resolve("recipient-key.pem"), recipient.privateKeyPem());
      detail("recipient certificate (OV, keyEncipherment): " + name(recipient.certificate().getSubjectX500Principal().getName()));

      CertificatePolicy policy = CertificatePolicy.builder()
          .trustAnchors(java.util.List.of(pki.root()))
          .onlineRevocation(true)
          .clock(Clock.fixed(pki.now(), ZoneOffset.UTC))
          .build();
      PolicyDecision decision = policy.evaluate(
          io.hellgate.export.crypto.CertificateInput.builder(recipient.certificatePem().getBytes(java.nio.charset.StandardCharsets.US_ASCII))
              .intermediatesPem(Pem.certificates(pki.intermediates()).getBytes(java.nio.charset.StandardCharsets.US_ASCII))
              .build());
      step("2. certificate policy (hard-fail revocation over OCSP): " + (decision.accepted() ? "ACCEPTED" : "REJECTED"));
      decision.checks().forEach(c -> detail(String.format("%-7s %-20s %s", c.status(), c.code(), c.message())));
      expect(decision.accepted(), "the OV recipient certificate is accepted");

      Path archive = work.resolve("export-demo.tgz");
      ExportManifest manifest;
      SyntheticRecords gen = SyntheticRecords.seeded(2026);
      try (ExportWriter w = ExportWriter.open(archive, ExportWriter.options()
          .recipient(decision.acceptedRecipient())
          .guardianInstance("demo-cluster.on-hellgate.cloud")
          .build())) {
        for (int i = 0; i < records; i++) {
          TokenRecord r = gen.next();
          w.write(r);
        }
        manifest = w.finish();
      }
      step("3. wrote " + archive.getFileName() + " (" + Files.size(archive) + " bytes): " + manifest.recordCount()
          + " records with test PANs, " + manifest.checksum());

      ExportManifest inspected = ExportReader.readManifest(archive);
      step("4. inspect (no key): export_id " + inspected.exportId() + ", for " + inspected.recipientSubject());
      detail("fingerprint " + inspected.recipientFingerprint());

      RecipientKey key = RecipientKey.of(recipient.privateKey(), recipient.certificate());
      long count = 0;
      TokenRecord first = null;
      try (ExportReader r = ExportReader.open(archive, ExportReader.options().key(key).build())) {
        r.verify();
        for (TokenRecord t; (t = r.nextRecord()) != null; count++) {
          if (first == null) {
            first = t;
          }
        }
      }
      step("5. verified (GCM tag, checksum, count) then decrypted " + count + " records; first: " + first);
      expect(count == records, "all records come back");

      Path tampered = work.resolve("export-tampered.tgz");
      flipCiphertextByte(archive, tampered);
      step("6. one ciphertext bit flipped: " + rejection(tampered, key, AuthenticationFailedException.class));

      TestCertificate other = pki.leaf("CN=Someone Else, O=Other Corp, C=FR").ov().build();
      step("7. another recipient's key: " + rejection(archive, RecipientKey.of(other.privateKey(), other.certificate()), WrongKeyException.class));

      TestCertificate dv = pki.leaf("CN=shop.example").dv().serverAuth().build();
      PolicyDecision dvDecision = policy.evaluate(
          io.hellgate.export.crypto.CertificateInput.builder(dv.certificatePem().getBytes(java.nio.charset.StandardCharsets.US_ASCII))
              .intermediatesPem(dv.chainPem().getBytes(java.nio.charset.StandardCharsets.US_ASCII))
              .build());
      step("8. a DV TLS certificate as recipient: " + (dvDecision.accepted() ? "ACCEPTED (unexpected)" : "REJECTED ("
          + String.join(", ", dvDecision.failures().stream().map(PolicyDecision.Check::code).toArray(String[]::new)) + ")"));
      expect(!dvDecision.accepted() && dvDecision.failures().stream().anyMatch(c -> c.code().equals("validation_level")),
          "a DV certificate is rejected for its validation level");
    }
    out.println(ok ? "demo: all steps behaved as expected" : "demo: SOME STEPS DID NOT BEHAVE AS EXPECTED");
    out.flush();
    return ok ? ExportTool.OK : ExportTool.REJECTED;
  }

  private String rejection(Path archive, RecipientKey key, Class<? extends ExportFormatException> expected) throws IOException {
    try (ExportReader r = ExportReader.open(archive, ExportReader.options().key(key).build())) {
      r.verify();
      expect(false, "rejection expected");
      return "ACCEPTED (unexpected)";
    } catch (ExportFormatException e) {
      expect(expected.isInstance(e), "rejected as " + expected.getSimpleName());
      return "rejected [" + e.reason().code() + "] " + e.getMessage() + "; nothing was released";
    }
  }

  /** Rebuilds the archive with one bit of the ciphertext flipped (the gzip and tar layers stay valid). */
  /**
   * Copies {@code from} to {@code to} with one bit of the ciphertext flipped (in the middle of the
   * data entry), streaming: a demo of millions of records must not hold the archive in memory (it
   * did, and ran out of heap at 4 M records). Re-gzipped without compression: ciphertext does not
   * compress, and the default level runs at ~50 MB/s.
   */
  private static void flipCiphertextByte(Path from, Path to) throws IOException {
    try (TarArchiveInputStream in = new TarArchiveInputStream(new GZIPInputStream(Files.newInputStream(from), 1 << 16));
        OutputStream gz = new GZIPOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(to), 1 << 16), 1 << 16) {
          {
            def.setLevel(java.util.zip.Deflater.NO_COMPRESSION);
          }
        };
        TarArchiveOutputStream tar = new TarArchiveOutputStream(gz)) {
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      byte[] buf = new byte[1 << 16];
      for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
        TarArchiveEntry copy = new TarArchiveEntry(e.getName());
        copy.setSize(e.getSize());
        tar.putArchiveEntry(copy);
        long flipAt = e.getName().endsWith(".enc") && e.getSize() > 0 ? e.getSize() / 2 : -1;
        long pos = 0;
        for (int n; (n = in.read(buf)) > 0; pos += n) {
          if (flipAt >= pos && flipAt < pos + n) {
            buf[(int) (flipAt - pos)] ^= 1;
          }
          tar.write(buf, 0, n);
        }
        tar.closeArchiveEntry();
      }
    }
  }

  private void step(String s) {
    out.println(s);
    out.flush();
  }

  private void detail(String s) {
    out.println("     " + s);
  }

  private void expect(boolean condition, String what) {
    if (!condition) {
      ok = false;
      out.println("     !! expected: " + what);
    }
  }

  private static String name(String rfc2253) {
    return rfc2253.replace(",", ", ");
  }
}
