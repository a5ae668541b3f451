package io.hellgate.export.cli;

import io.hellgate.export.crypto.CertificateInput;
import io.hellgate.export.crypto.CertificatePolicy;
import io.hellgate.export.crypto.PolicyDecision;
import io.hellgate.export.crypto.PolicyDecision.Check;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code check-cert}: judges a recipient certificate against Hellgate's acceptance criteria with a
 * {@link CertificatePolicy} and prints one line per check ({@code STATUS code message}), then the
 * verdict. Exit code 0 accepted, 1 rejected, 2 usage or I/O error.
 *
 * <p>Revocation is hard-fail: without {@code --crl} files or {@code --ocsp} (online OCSP and CRL
 * distribution points named in the certificates) a certificate is rejected; {@code
 * --soft-fail-revocation} turns an unknown status into a warning. Never prints key material: a
 * private key given by mistake is refused with a warning. One instance per invocation (picocli
 * fills its fields); not thread-safe.
 *
 * <pre>{@code
 * export-tool check-cert recipient.pem --trust approved-roots.pem --chain intermediates.pem --ocsp
 * int exit = new CommandLine(new CheckCertCommand()).execute("cert.pem", "--trust", "roots.pem", "--crl", "ca.crl");
 * }</pre>
 */
@Command(
    name = "check-cert",
    mixinStandardHelpOptions = true,
    description = {
      "Check a recipient certificate against the certificate acceptance criteria.",
      "Exit code: 0 accepted, 1 rejected, 2 usage or I/O error."
    })
public final class CheckCertCommand implements Callable<Integer> {
  static final long MAX_FILE_BYTES = 16L << 20;

  @Spec private CommandSpec spec;

  @Parameters(index = "0", paramLabel = "CERT.pem", description = "The certificate (PEM or DER), optionally followed by its chain.")
  private Path certificate;

  @Option(names = "--trust", required = true, paramLabel = "ROOTS.pem",
      description = "Trust anchors: the approved public CA bundle or the agreed private PKI's roots.")
  private Path trust;

  @Option(names = "--chain", paramLabel = "INTERMEDIATES.pem", description = "Intermediate CA certificates.")
  private Path chain;

  @Option(names = "--crl", paramLabel = "FILE", description = "A CRL (PEM or DER); repeatable.")
  private List<Path> crls = new ArrayList<>();

  @Option(names = "--ocsp",
      description = "Check revocation online: OCSP responders and CRL distribution points named in the certificates.")
  private boolean online;

  @Option(names = "--soft-fail-revocation",
      description = "Accept with a warning when revocation status cannot be established (a revoked certificate is still rejected).")
  private boolean softFailRevocation;

  @Option(names = "--at", paramLabel = "RFC3339-TIME", converter = Rfc3339.class,
      description = "Judge at this time instead of now, e.g. 2026-01-15T10:43:00Z.")
  private Instant at;

  @Option(names = "--private-pki",
      description = "Agreed private PKI: accept the --policy-oid OIDs as organization validation and a self-signed certificate that is itself in --trust.")
  private boolean privatePki;

  @Option(names = "--policy-oid", paramLabel = "OID", description = "A private PKI's certificate policy OID; repeatable; needs --private-pki.")
  private List<String> policyOids = new ArrayList<>();

  @Option(names = "--dedicated", description = "Reject TLS server certificates instead of warning.")
  private boolean dedicated;

  /** Parses RFC 3339 date-times with an offset. */
  static final class Rfc3339 implements CommandLine.ITypeConverter<Instant> {
    @Override
    public Instant convert(String value) {
      try {
        return OffsetDateTime.parse(value).toInstant();
      } catch (DateTimeParseException e) {
        throw new CommandLine.TypeConversionException(
            "'" + value + "' is not an RFC 3339 time such as 2026-01-15T10:43:00Z");
      }
    }
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!policyOids.isEmpty() && !privatePki) {
      err.println("--policy-oid needs --private-pki");
      return 2;
    }
    if (privatePki && policyOids.isEmpty()) {
      err.println("--private-pki needs at least one --policy-oid (the agreed validation policy)");
      return 2;
    }
    CertificatePolicy policy;
    CertificateInput input;
    try {
      CertificatePolicy.Builder b = CertificatePolicy.builder()
          .trustAnchorsPem(read(trust, "--trust"))
          .onlineRevocation(online)
          .softFailRevocation(softFailRevocation)
          .requireDedicatedCertificate(dedicated)
          .clock(at == null ? Clock.systemUTC() : Clock.fixed(at, ZoneOffset.UTC));
      if (privatePki) {
        b.privatePkiPolicyOids(policyOids.toArray(String[]::new)).privatePkiSelfSignedLeaves(true);
      }
      policy = b.build();
      CertificateInput.Builder in = CertificateInput.builder(read(certificate, "CERT"));
      if (chain != null) {
        in.intermediatesPem(read(chain, "--chain"));
      }
      for (Path crl : crls) {
        in.crl(read(crl, "--crl " + crl.getFileName()));
      }
      input = in.build();
    } catch (IOException | IllegalArgumentException | IllegalStateException e) {
      // CertificateInputException (an IOException) messages never contain input bytes
      err.println("error: " + e.getMessage());
      return 2;
    }
    PolicyDecision decision = policy.evaluate(input);
    for (Check c : decision.checks()) {
      out.printf(Locale.ROOT, "%-7s %-20s %s%n", c.status(), c.code(), c.message());
    }
    if (decision.accepted()) {
      out.println("ACCEPTED" + (decision.warnings().isEmpty() ? "" : " with "
          + decision.warnings().size() + " warning(s)") + ": "
          + decision.certificate().orElseThrow().getSubjectX500Principal().getName());
      out.flush();
      return 0;
    }
    out.println("REJECTED: " + decision.failures().stream().map(Check::code)
        .collect(Collectors.joining(", ")));
    out.flush();
    return 1;
  }

  private static byte[] read(Path file, String what) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException(what + ": " + file + " is not a readable file");
    }
    if (Files.size(file) > MAX_FILE_BYTES) {
      throw new IOException(what + ": " + file + " is larger than 16 MiB");
    }
    return Files.readAllBytes(file);
  }
}
