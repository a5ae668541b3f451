package io.hellgate.export.crypto;

import io.hellgate.export.Recipient;
import io.hellgate.export.internal.InternalAccess;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of {@link CertificatePolicy#evaluate}: every check with its status, stable code and
 * message, and the verdict. Accepted only if no check failed or was skipped; warnings do not block.
 *
 * <p>Guarantees: the list always holds the same checks in the same order (see
 * {@link CertificatePolicy}); messages name what is wrong and how to fix it and never contain input
 * bytes (in particular, never a pasted private key). Immutable and thread-safe.
 *
 * <pre>{@code
 * PolicyDecision d = policy.evaluate(CertificateInput.of(pemBytes));
 * d.checks().forEach(c -> System.out.println(c.status() + " " + c.code() + " " + c.message()));
 * if (d.accepted()) {
 *   Recipient r = d.acceptedRecipient();
 * }
 * }</pre>
 */
public final class PolicyDecision {
  /** The status of one check. */
  public enum Status {
    /** The check passed. */
    PASS,
    /** The check passed with a caveat the operator should read (does not block). */
    WARN,
    /** The check failed; the certificate is rejected. */
    FAIL,
    /** The check could not run because an earlier one failed; the certificate is rejected. */
    SKIPPED
  }

  /**
   * One check: a stable code such as {@code validation_level}, a status and a human message.
   * Immutable.
   *
   * <pre>{@code
   * Check c = decision.check("revocation").orElseThrow();
   * }</pre>
   */
  public static final class Check {
    private final String code;
    private final Status status;
    private final String message;

    Check(String code, Status status, String message) {
      this.code = Objects.requireNonNull(code);
      this.status = Objects.requireNonNull(status);
      this.message = Objects.requireNonNull(message);
    }

    /** The stable code, for example {@code chain.trusted}. */
    public String code() {
      return code;
    }

    /** The status. */
    public Status status() {
      return status;
    }

    /** What was found, and for failures what to do about it. */
    public String message() {
      return message;
    }

    @Override
    public String toString() {
      return status + " " + code + ": " + message;
    }
  }

  private final List<Check> checks;
  private final X509Certificate certificate;
  private final String checkedBy;
  private final boolean accepted;

  PolicyDecision(List<Check> checks, X509Certificate certificate, String checkedBy) {
    this.checks = List.copyOf(checks);
    this.certificate = certificate;
    this.checkedBy = checkedBy;
    this.accepted =
        certificate != null
            && this.checks.stream()
                .allMatch(c -> c.status() == Status.PASS || c.status() == Status.WARN);
  }

  /** Whether the certificate is accepted: no check failed or was skipped. */
  public boolean accepted() {
    return accepted;
  }

  /** Every check, in evaluation order. */
  public List<Check> checks() {
    return checks;
  }

  /** The check with this code, if it is part of this decision. */
  public Optional<Check> check(String code) {
    return checks.stream().filter(c -> c.code().equals(code)).findFirst();
  }

  /** The checks that failed or were skipped. */
  public List<Check> failures() {
    return checks.stream()
        .filter(c -> c.status() == Status.FAIL || c.status() == Status.SKIPPED)
        .toList();
  }

  /** The checks that passed with a warning. */
  public List<Check> warnings() {
    return checks.stream().filter(c -> c.status() == Status.WARN).toList();
  }

  /** The evaluated leaf certificate, if the input was one. */
  public Optional<X509Certificate> certificate() {
    return Optional.ofNullable(certificate);
  }

  /**
   * The certificate as a policy-checked {@link Recipient}, for {@code ExportWriter.Options}.
   *
   * @throws IllegalStateException if the decision is a rejection
   */
  public Recipient acceptedRecipient() {
    if (!accepted) {
      throw new IllegalStateException(
          "certificate was rejected: "
              + failures().stream().map(Check::code).toList()
              + "; only an accepted decision yields a recipient");
    }
    return InternalAccess.checkedRecipient(certificate, checkedBy);
  }

  @Override
  public String toString() {
    return "PolicyDecision{"
        + (accepted ? "accepted" : "rejected")
        + (certificate == null ? "" : ", " + certificate.getSubjectX500Principal().getName())
        + ", failures=" + failures().stream().map(Check::code).toList()
        + ", warnings=" + warnings().stream().map(Check::code).toList()
        + "}";
  }
}
