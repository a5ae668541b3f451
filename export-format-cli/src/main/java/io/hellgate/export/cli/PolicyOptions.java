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
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The certificate-policy options shared by {@code check-cert} and {@code encrypt}: trust anchors,
 * chain, CRLs, online revocation, time, private PKI and dedicated mode. A picocli mixin; one
 * instance per invocation.
 */
final class PolicyOptions {
  static final long MAX_FILE_BYTES = 16L << 20;

  @Option(names = "--trust", paramLabel = "ROOTS.pem",
      description = "Trust anchors: the approved public CA bundle or the agreed private PKI's roots. "
          + "Required (for encrypt: unless --insecure-skip-certificate-check).")
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

  boolean hasTrust() {
    return trust != null;
  }

  /** Usage checks: {@code --trust} given, private-PKI options consistent (IllegalArgumentException). */
  void requireTrust() {
    if (trust == null) {
      throw new IllegalArgumentException("Missing required option: --trust ROOTS.pem");
    }
    if (!policyOids.isEmpty() && !privatePki) {
      throw new IllegalArgumentException("--policy-oid needs --private-pki");
    }
    if (privatePki && policyOids.isEmpty()) {
      throw new IllegalArgumentException("--private-pki needs at least one --policy-oid (the agreed validation policy)");
    }
  }

  /** Builds the policy and judges {@code certificate} (PEM or DER, optionally with its chain). */
  PolicyDecision evaluate(Path certificate) throws IOException {
    CertificatePolicy policy = policy();
    CertificateInput.Builder in = CertificateInput.builder(readOrStdin(certificate, "CERT"));
    if (chain != null) {
      in.intermediatesPem(read(chain, "--chain"));
    }
    for (Path crl : crls) {
      in.crl(read(crl, "--crl " + crl.getFileName()));
    }
    return policy.evaluate(in.build());
  }

  /** One line per check, then the verdict. */
  static void print(PrintWriter out, PolicyDecision decision) {
    for (Check c : decision.checks()) {
      out.printf(Locale.ROOT, "%-7s %-20s %s%n", c.status(), c.code(), Printable.escape(c.message()));
    }
    if (decision.accepted()) {
      out.println("ACCEPTED" + (decision.warnings().isEmpty() ? "" : " with "
          + decision.warnings().size() + " warning(s)") + ": "
          + Printable.escape(decision.certificate().orElseThrow().getSubjectX500Principal().getName()));
    } else {
      out.println("REJECTED: " + decision.failures().stream().map(Check::code).collect(Collectors.joining(", ")));
    }
    out.flush();
  }

  /**
   * The policy alone (also for {@code link submit}, {@code create} and {@code reissue}, where the
   * certificate comes from a request); {@link #evaluate(Path)} judges a certificate file with it.
   */
  CertificatePolicy policy() throws IOException {
    requireTrust();
    CertificatePolicy.Builder b = CertificatePolicy.builder()
        .trustAnchorsPem(read(trust, "--trust"))
        .onlineRevocation(online)
        .softFailRevocation(softFailRevocation)
        .requireDedicatedCertificate(dedicated)
        .clock(at == null ? Clock.systemUTC() : Clock.fixed(at, ZoneOffset.UTC));
    if (privatePki) {
      b.privatePkiPolicyOids(policyOids.toArray(String[]::new)).privatePkiSelfSignedLeaves(true);
    }
    return b.build();
  }

  /** The {@code --chain} intermediates (empty without it). */
  List<java.security.cert.X509Certificate> intermediates() throws IOException {
    if (chain == null) {
      return List.of();
    }
    try {
      List<java.security.cert.X509Certificate> out = new ArrayList<>();
      for (java.security.cert.Certificate c : java.security.cert.CertificateFactory.getInstance("X.509")
          .generateCertificates(new java.io.ByteArrayInputStream(read(chain, "--chain")))) {
        out.add((java.security.cert.X509Certificate) c);
      }
      return out;
    } catch (java.security.cert.CertificateException e) {
      throw new IOException("--chain: " + chain + " is not a PEM certificate bundle");
    }
  }

  static byte[] read(Path file, String what) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException(what + ": " + file + " is not a readable file");
    }
    if (Files.size(file) > MAX_FILE_BYTES) {
      throw new IOException(what + ": " + file + " is larger than 16 MiB");
    }
    return Files.readAllBytes(file);
  }

  @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE)
  private picocli.CommandLine.Model.CommandSpec mixee;

  /** The file's bytes; {@code -} is standard input (for the certificate, one file at most). */
  private byte[] readOrStdin(Path file, String what) throws IOException {
    return Stdio.isDash(file) ? Stdio.readAll(mixee, MAX_FILE_BYTES, what) : read(file, what);
  }
}
