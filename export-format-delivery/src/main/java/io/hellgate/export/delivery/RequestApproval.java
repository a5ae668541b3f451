package io.hellgate.export.delivery;

import io.hellgate.export.ExportFormatException;
import io.hellgate.export.ExportRequest;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A submitted export request and the two independent checks of the approval gate (seed step 3):
 * the certificate policy decision, with every check's status and code, and the authorization review
 * (reviewer, decision, time; the reviewer is never the requester). {@link #approved()} only when
 * both passed.
 *
 * <p>Immutable and thread-safe.
 *
 * <pre>{@code
 * RequestApproval a = service.request("REQ-2026-0042").orElseThrow();
 * if (!a.approved()) System.out.println(a.whyNotApproved());
 * }</pre>
 */
public final class RequestApproval {
  private final String requestId;
  private final String requester;
  private final String requestJson;
  private final String certificatePem;
  private final String chainPem;
  private final ExportRequest request;
  private final String fingerprint;
  private final Instant submittedAt;
  private final boolean policyAccepted;
  private final List<String> policyChecks;
  private final String reviewer;
  private final Boolean reviewApproved;
  private final String reviewNote;
  private final Instant reviewedAt;

  private RequestApproval(ResultSet rs) throws SQLException {
    this.requestId = rs.getString("request_id");
    this.requester = rs.getString("requester");
    this.requestJson = rs.getString("request_json");
    this.certificatePem = rs.getString("recipient_certificate");
    this.chainPem = rs.getString("recipient_chain");
    try {
      this.request = ExportRequest.fromJson(requestJson.getBytes(StandardCharsets.UTF_8));
    } catch (ExportFormatException e) {
      throw new SQLException("the stored request " + requestId + " is not a valid ExportRequest: " + e.getMessage(), e);
    }
    this.fingerprint = rs.getString("recipient_fingerprint");
    this.submittedAt = Instant.ofEpochMilli(rs.getLong("submitted_at"));
    this.policyAccepted = rs.getBoolean("policy_accepted");
    this.policyChecks = List.copyOf(Arrays.asList(rs.getString("policy_checks").split("\n")));
    this.reviewer = rs.getString("reviewer");
    boolean ra = rs.getBoolean("review_approved");
    this.reviewApproved = rs.wasNull() ? null : ra;
    this.reviewNote = rs.getString("review_note");
    long at = rs.getLong("reviewed_at");
    this.reviewedAt = rs.wasNull() ? null : Instant.ofEpochMilli(at);
  }

  static RequestApproval from(ResultSet rs) throws SQLException {
    return new RequestApproval(rs);
  }

  /** The request ID. */
  public String requestId() {
    return requestId;
  }

  /** Who submitted the request. */
  public String requester() {
    return requester;
  }

  /** The request as submitted. */
  public ExportRequest request() {
    return request;
  }

  /** The intermediates supplied with the request (PEM, possibly empty). */
  public String recipientChainPem() {
    return chainPem;
  }

  /** The request as submitted, as JSON. */
  public String requestJson() {
    return requestJson;
  }

  /** The recipient certificate (PEM) the request names. */
  public String recipientCertificatePem() {
    return certificatePem;
  }

  /** {@code sha256:...} fingerprint of the recipient certificate, as in a manifest. */
  public String recipientFingerprint() {
    return fingerprint;
  }

  /** When the request was submitted (and its certificate checked). */
  public Instant submittedAt() {
    return submittedAt;
  }

  /** Check 1: whether the certificate policy accepted the recipient certificate. */
  public boolean policyAccepted() {
    return policyAccepted;
  }

  /** Check 1 in full: one {@code "STATUS code"} per policy check, in evaluation order. */
  public List<String> policyChecks() {
    return policyChecks;
  }

  /** Check 2: the reviewer, once reviewed. */
  public Optional<String> reviewer() {
    return Optional.ofNullable(reviewer);
  }

  /** Check 2: the review decision, once reviewed. */
  public Optional<Boolean> reviewApproved() {
    return Optional.ofNullable(reviewApproved);
  }

  /** Check 2: the reviewer's note, if any. */
  public Optional<String> reviewNote() {
    return Optional.ofNullable(reviewNote);
  }

  /** Check 2: when it was reviewed. */
  public Optional<Instant> reviewedAt() {
    return Optional.ofNullable(reviewedAt);
  }

  /** Whether both checks passed: policy accepted and review approved. */
  public boolean approved() {
    return policyAccepted && Boolean.TRUE.equals(reviewApproved);
  }

  /** Why the request is not approved, for people ("" when it is). */
  public String whyNotApproved() {
    StringBuilder sb = new StringBuilder();
    if (!policyAccepted) {
      sb.append("the certificate policy rejected the recipient certificate (")
          .append(String.join(", ", policyChecks.stream().filter(c -> c.startsWith("FAIL") || c.startsWith("SKIPPED")).toList()))
          .append(")");
    }
    if (reviewApproved == null) {
      sb.append(sb.length() == 0 ? "" : "; ").append("no authorization review yet");
    } else if (!reviewApproved) {
      sb.append(sb.length() == 0 ? "" : "; ").append("the authorization review by ").append(reviewer).append(" declined it");
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return "RequestApproval{" + requestId + ", policy=" + (policyAccepted ? "accepted" : "rejected")
        + ", review=" + (reviewApproved == null ? "pending" : reviewApproved ? "approved by " + reviewer : "declined by " + reviewer)
        + "}";
  }
}
