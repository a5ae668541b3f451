package io.hellgate.export.crypto;

import io.hellgate.export.crypto.internal.CertificateParser;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Decides whether a certificate may receive an export, following Hellgate's certificate acceptance
 * criteria. Build once, evaluate many certificates.
 *
 * <p>{@link #evaluate(CertificateInput)} runs these checks, always in this order, and reports each
 * one in the {@link PolicyDecision}:
 *
 * <ol>
 *   <li>{@code certificate.parse}: the input is an X.509 certificate (PEM or DER); a raw public key
 *       or a private key is refused, and a private key's bytes are never repeated anywhere;
 *   <li>{@code validation_level}: the {@code certificatePolicies} extension asserts OV, EV, S/MIME
 *       organization- or sponsor-validated, or a configured private-PKI OID; DV, IV, mailbox, none or
 *       unknown is rejected (fail closed);
 *   <li>{@code subject.organization}: the subject has non-empty O and C;
 *   <li>{@code chain.trusted}: a PKIX path to a configured trust anchor (self-signed leaves only in
 *       private-PKI mode, and only if the leaf itself is an anchor);
 *   <li>{@code validity}: every certificate in the chain is valid at the policy's clock;
 *   <li>{@code revocation}: no certificate in the chain is revoked, by verified and fresh OCSP
 *       responses or CRLs (supplied, or fetched from the URLs in the certificate); an unknown status
 *       fails unless {@link Builder#softFailRevocation(boolean)} makes it a warning. A revocation in
 *       any supplied response or CRL wins over a "good" in another. Only a complete CRL whose scope
 *       covers the certificate shows "not revoked": a delta CRL, a CRL with an unsupported critical
 *       extension or any critical entry extension (e.g. an indirect CRL's certificateIssuer), and a
 *       CRL whose issuingDistributionPoint excludes the certificate (another distribution point,
 *       only some reasons, only CA, end-entity or attribute certificates, indirect) leave the
 *       status unknown, with a message saying why; an entry for the certificate in any verified,
 *       fresh CRL of its issuer still means revoked;
 *   <li>{@code key.algorithm}: RSA of at least {@link Builder#minRsaBits(int)} bits (RSA-OAEP);
 *   <li>{@code key.usage}: keyEncipherment if keyUsage is present, not a CA (no keyCertSign, cRLSign,
 *       basicConstraints CA), no anyExtendedKeyUsage;
 *   <li>{@code signature.algorithm}: no MD2, MD4, MD5 or SHA-1 signature in the chain, RSASSA-PSS
 *       included (judged by the hash in its parameters; absent means SHA-1), anchors' own
 *       self-signatures excepted;
 *   <li>{@code dedicated}: a TLS server certificate (serverAuth) is a warning, or a failure with
 *       {@link Builder#requireDedicatedCertificate(boolean)}.
 * </ol>
 *
 * <p>Limits: the submitted certificate is at most {@link Builder#maxInputBytes(int)} bytes, chains
 * at most {@link Builder#maxChainLength(int)} certificates below the anchor, fetched CRLs and OCSP
 * responses at most {@link Builder#maxFetchBytes(int)} bytes, each fetch within its connect plus
 * read timeout ({@link Builder#networkTimeouts}) and all fetches of one evaluation within {@link
 * Builder#revocationDeadline(Duration)}. Only
 * HTTP(S) URLs named in the certificates are fetched, without following redirects. Not supported:
 * indirect CRLs, combining a delta CRL with its base CRL (a delta CRL alone never shows "not
 * revoked"), OCSP nonces.
 *
 * <p>Thread-safe and immutable: one instance may evaluate concurrently from many threads.
 *
 * <pre>{@code
 * CertificatePolicy policy = CertificatePolicy.builder()
 *     .trustAnchorsPem(Files.readAllBytes(Path.of("approved-roots.pem")))
 *     .build();
 * PolicyDecision decision = policy.evaluate(CertificateInput.of(Files.readAllBytes(certPem)));
 * if (decision.accepted()) {
 *   ExportWriter.Options options = ExportWriter.options()
 *       .recipient(decision.acceptedRecipient()).guardianInstance("c1.on-hellgate.cloud").build();
 * }
 * }</pre>
 */
public final class CertificatePolicy {
  private static final Pattern OID = Pattern.compile("[0-2](\\.(0|[1-9][0-9]*))+");

  final List<X509Certificate> anchors;
  final Set<String> privatePkiOids;
  final boolean privatePkiSelfSignedLeaves;
  final Set<ValidationLevel> acceptedLevels;
  final boolean softFailRevocation;
  final boolean onlineRevocation;
  final boolean requireDedicated;
  final Clock clock;
  final int minRsaBits;
  final int maxChainLength;
  final int maxInputBytes;
  final int maxFetchBytes;
  final Duration connectTimeout;
  final Duration readTimeout;
  final Duration revocationDeadline;
  final String name;

  private CertificatePolicy(Builder b) {
    this.anchors = List.copyOf(b.anchors);
    this.privatePkiOids = Set.copyOf(b.privatePkiOids);
    this.privatePkiSelfSignedLeaves = b.privatePkiSelfSignedLeaves;
    this.acceptedLevels = Set.copyOf(b.acceptedLevels);
    this.softFailRevocation = b.softFailRevocation;
    this.onlineRevocation = b.onlineRevocation;
    this.requireDedicated = b.requireDedicated;
    this.clock = b.clock;
    this.minRsaBits = b.minRsaBits;
    this.maxChainLength = b.maxChainLength;
    this.maxInputBytes = b.maxInputBytes;
    this.maxFetchBytes = b.maxFetchBytes;
    this.connectTimeout = b.connectTimeout;
    this.readTimeout = b.readTimeout;
    this.revocationDeadline = b.revocationDeadline;
    this.name = b.name;
  }

  /** A new builder with safe defaults (hard-fail revocation, RSA ≥ 2048, OV and higher). */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Evaluates a certificate given as PEM or DER bytes (leaf first, optionally followed by its
   * chain).
   */
  public PolicyDecision evaluate(byte[] pemOrDer) {
    return evaluate(CertificateInput.of(pemOrDer));
  }

  /** Evaluates a certificate with supplied intermediates, CRLs and OCSP responses. */
  public PolicyDecision evaluate(CertificateInput input) {
    Objects.requireNonNull(input, "input");
    return new Evaluation(this, input).run();
  }

  @Override
  public String toString() {
    return "CertificatePolicy{" + name + ", " + anchors.size() + " anchors, levels="
        + acceptedLevels + ", revocation=" + (softFailRevocation ? "soft-fail" : "hard-fail")
        + (onlineRevocation ? " online" : " offline")
        + (requireDedicated ? ", dedicated" : "") + "}";
  }

  /**
   * Builds a {@link CertificatePolicy}; {@link #build()} validates. Not thread-safe.
   *
   * <pre>{@code
   * CertificatePolicy privatePki = CertificatePolicy.builder()
   *     .trustAnchors(List.of(agreedRoot))
   *     .privatePkiPolicyOids("1.3.6.1.4.1.99999.1.1")
   *     .requireDedicatedCertificate(true)
   *     .build();
   * }</pre>
   */
  public static final class Builder {
    private final List<X509Certificate> anchors = new ArrayList<>();
    private final Set<String> privatePkiOids = new LinkedHashSet<>();
    private boolean privatePkiSelfSignedLeaves;
    private Set<ValidationLevel> acceptedLevels = EnumSet.allOf(ValidationLevel.class);
    private boolean softFailRevocation;
    private boolean onlineRevocation = true;
    private boolean requireDedicated;
    private Clock clock = Clock.systemUTC();
    private int minRsaBits = 2048;
    private int maxChainLength = 5;
    private int maxInputBytes = 256 * 1024;
    private int maxFetchBytes = 16 * 1024 * 1024;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration readTimeout = Duration.ofSeconds(10);
    private Duration revocationDeadline = Duration.ofSeconds(30);
    private String name = "CertificatePolicy";

    private Builder() {}

    /** Adds trust anchors: an approved public CA bundle, or the agreed private PKI's roots. */
    public Builder trustAnchors(Collection<X509Certificate> certificates) {
      certificates.forEach(c -> anchors.add(Objects.requireNonNull(c, "anchor")));
      return this;
    }

    /**
     * Adds trust anchors from PEM or DER bytes.
     *
     * @throws CertificateInputException if the bytes are not certificates
     */
    public Builder trustAnchorsPem(byte[] pemOrDer) throws CertificateInputException {
      try {
        anchors.addAll(CertificateParser.bundle(pemOrDer, "the trust anchors"));
      } catch (IllegalArgumentException e) {
        throw new CertificateInputException(e.getMessage());
      }
      return this;
    }

    /**
     * Certificate policy OIDs of an agreed private PKI that count as {@link
     * ValidationLevel#PRIVATE_PKI} (organization validated by agreement).
     */
    public Builder privatePkiPolicyOids(String... oids) {
      for (String oid : oids) {
        if (oid == null || !OID.matcher(oid).matches()) {
          throw new IllegalArgumentException("not an OID: " + oid);
        }
        privatePkiOids.add(oid);
      }
      return this;
    }

    /**
     * Accepts a self-signed leaf if it is itself one of the trust anchors (a private PKI that
     * agreed to pin one certificate). Off by default; requires {@link #privatePkiPolicyOids}.
     */
    public Builder privatePkiSelfSignedLeaves(boolean allow) {
      this.privatePkiSelfSignedLeaves = allow;
      return this;
    }

    /** The accepted validation levels; by default all of {@link ValidationLevel}. */
    public Builder acceptedLevels(Set<ValidationLevel> levels) {
      this.acceptedLevels = EnumSet.copyOf(Objects.requireNonNull(levels, "levels"));
      return this;
    }

    /**
     * Soft-fail revocation: an unknown or unreachable status becomes a warning instead of a
     * rejection. A certificate known to be revoked is always rejected. Off by default.
     */
    public Builder softFailRevocation(boolean softFail) {
      this.softFailRevocation = softFail;
      return this;
    }

    /**
     * Whether to fetch OCSP responses and CRLs from the URLs in the certificates (default true).
     * Without it only supplied CRLs and OCSP responses count.
     */
    public Builder onlineRevocation(boolean online) {
      this.onlineRevocation = online;
      return this;
    }

    /** Rejects TLS server certificates (serverAuth) instead of warning; default false. */
    public Builder requireDedicatedCertificate(boolean dedicated) {
      this.requireDedicated = dedicated;
      return this;
    }

    /** The clock for validity and revocation freshness; default UTC system time. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Minimum RSA modulus size, 2048 to 16384; default 2048. */
    public Builder minRsaBits(int bits) {
      this.minRsaBits = bits;
      return this;
    }

    /** Maximum certificates below the anchor (leaf included), 1 to 10; default 5. */
    public Builder maxChainLength(int length) {
      this.maxChainLength = length;
      return this;
    }

    /** Maximum size of the submitted certificate bytes, 1 KiB to 16 MiB; default 256 KiB. */
    public Builder maxInputBytes(int bytes) {
      this.maxInputBytes = bytes;
      return this;
    }

    /** Maximum size of a fetched CRL or OCSP response, 1 KiB to 256 MiB; default 16 MiB. */
    public Builder maxFetchBytes(int bytes) {
      this.maxFetchBytes = bytes;
      return this;
    }

    /**
     * Connect and read timeouts for revocation fetches; default 5 s and 10 s. The read timeout
     * bounds each read; one whole fetch (connect, request, response) ends after {@code connect +
     * read} of wall-clock time, even if the server keeps sending slowly. A fetch that does not end
     * in time counts as unreachable (status unknown).
     */
    public Builder networkTimeouts(Duration connect, Duration read) {
      this.connectTimeout = Objects.requireNonNull(connect, "connect");
      this.readTimeout = Objects.requireNonNull(read, "read");
      return this;
    }

    /**
     * Wall-clock limit on all revocation fetches of one evaluation (every URL of every certificate
     * in the chain together), 1 ms to 10 minutes; default 30 s. Once it has passed, no further URL
     * is fetched and a fetch under way is abandoned; the status of the certificates not yet
     * established is unknown, which fails, or warns with {@link #softFailRevocation(boolean)}.
     */
    public Builder revocationDeadline(Duration total) {
      this.revocationDeadline = Objects.requireNonNull(total, "total");
      return this;
    }

    /** A short name recorded in accepted recipients ("checked by …"); default "CertificatePolicy". */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalStateException if no anchor is configured, a limit is out of range, or an
     *     option needs another one
     */
    public CertificatePolicy build() {
      if (anchors.isEmpty()) {
        throw new IllegalStateException(
            "at least one trust anchor is required (an approved public CA bundle or the agreed private PKI)");
      }
      if (acceptedLevels.isEmpty()) {
        throw new IllegalStateException("acceptedLevels must not be empty");
      }
      if (minRsaBits < 2048 || minRsaBits > 16384) {
        throw new IllegalStateException("minRsaBits must be 2048 to 16384, was " + minRsaBits);
      }
      if (maxChainLength < 1 || maxChainLength > 10) {
        throw new IllegalStateException("maxChainLength must be 1 to 10, was " + maxChainLength);
      }
      if (maxInputBytes < 1024 || maxInputBytes > (16 << 20)) {
        throw new IllegalStateException("maxInputBytes must be 1 KiB to 16 MiB");
      }
      if (maxFetchBytes < 1024 || maxFetchBytes > (256 << 20)) {
        throw new IllegalStateException("maxFetchBytes must be 1 KiB to 256 MiB");
      }
      if (connectTimeout.isNegative() || connectTimeout.isZero()
          || readTimeout.isNegative() || readTimeout.isZero()) {
        throw new IllegalStateException("network timeouts must be positive");
      }
      if (revocationDeadline.isNegative() || revocationDeadline.isZero()
          || revocationDeadline.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalStateException("revocationDeadline must be positive and at most 10 minutes");
      }
      if (privatePkiSelfSignedLeaves && privatePkiOids.isEmpty()) {
        throw new IllegalStateException(
            "privatePkiSelfSignedLeaves needs privatePkiPolicyOids (the agreed validation policy)");
      }
      if (name.isBlank()) {
        throw new IllegalStateException("name must not be blank");
      }
      return new CertificatePolicy(this);
    }
  }
}
