package io.hellgate.export.delivery;

import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * A delivery operation was refused: the approval gate, the terms, the archive or the link state did
 * not allow it. Every instance carries a stable {@link Reason}; a policy refusal also lists every
 * failed check's code ({@link #failedChecks()}).
 *
 * <p>Messages name the request ID, link ID or field at fault; they never contain a link token.
 *
 * <pre>{@code
 * try {
 *   service.publish(archive, terms);
 * } catch (DeliveryException e) {
 *   log.warn("not published: {} ({})", e.getMessage(), e.reason().code());
 * }
 * }</pre>
 */
public class DeliveryException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Stable refusal codes. */
  public enum Reason {
    /** No export request with this ID was submitted. */
    UNKNOWN_REQUEST("unknown_request"),
    /** The request exists but is not approved (policy rejected, not reviewed, or review declined). */
    NOT_APPROVED("not_approved"),
    /** The archive's manifest names another request ID than the terms. */
    REQUEST_MISMATCH("request_mismatch"),
    /** The archive's recipient fingerprint differs from the approved request's certificate. */
    RECIPIENT_MISMATCH("recipient_mismatch"),
    /** Re-validation of the recipient certificate against the policy failed. */
    POLICY_REJECTED("policy_rejected"),
    /** The reviewer is the requester, or the request was already reviewed. */
    REVIEW_REFUSED("review_refused"),
    /** The archive is not a readable export, or the stored copy no longer matches what was recorded. */
    ARCHIVE_MISMATCH("archive_mismatch"),
    /** No link with this ID, or no link for this request ID. */
    UNKNOWN_LINK("unknown_link"),
    /** The link was already revoked. */
    ALREADY_REVOKED("already_revoked");

    private final String code;

    Reason(String code) {
      this.code = code;
    }

    /** The stable, lowercase code, for example {@code "not_approved"}. */
    public String code() {
      return code;
    }
  }

  private final Reason reason;
  private final List<String> failedChecks;

  /**
   * Creates a refusal.
   *
   * @param reason the stable code
   * @param message what was refused and why; must not contain a token
   */
  public DeliveryException(Reason reason, String message) {
    this(reason, message, List.of());
  }

  /**
   * Creates a refusal listing failed policy checks.
   *
   * @param reason the stable code
   * @param message what was refused and why; must not contain a token
   * @param failedChecks the stable codes of the failed checks
   */
  public DeliveryException(Reason reason, String message, List<String> failedChecks) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
    this.failedChecks = List.copyOf(failedChecks);
  }

  /** The stable refusal code. */
  public Reason reason() {
    return reason;
  }

  /** The failed policy checks' codes, in evaluation order; empty unless {@link Reason#POLICY_REJECTED}. */
  public List<String> failedChecks() {
    return failedChecks;
  }
}
