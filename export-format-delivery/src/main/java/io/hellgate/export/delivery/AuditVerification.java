package io.hellgate.export.delivery;

import java.util.Optional;

/**
 * The result of walking the audit hash chain ({@link DeliveryService#verifyAudit()}): intact, or the
 * first row found changed, deleted or inserted.
 *
 * <p>What the chain proves: a row edited in place (without recomputing hashes), a row removed, or a
 * row added anywhere, including at the end, is found. What it cannot prove on its own: a writer who
 * rewrites every later row and the chain head in one go leaves a consistent chain; compare
 * {@link #headHash()} with a value recorded elsewhere (docs/delivery.md, threat model).
 * Immutable and thread-safe.
 *
 * <pre>{@code
 * AuditVerification v = service.verifyAudit();
 * if (!v.intact()) {
 *   alert("audit " + v.problem().orElseThrow() + " at row " + v.firstBadSeq().orElseThrow());
 * }
 * }</pre>
 */
public final class AuditVerification {
  /** What was found wrong. */
  public enum Problem {
    /** A row's content or hash no longer matches its hash. */
    CHANGED,
    /** A row is missing (a gap in the sequence, or a row gone from the end). */
    DELETED,
    /** A row that the chain never had is present. */
    INSERTED
  }

  private final long rows;
  private final Problem problem;
  private final long firstBadSeq;
  private final String headHash;
  private final String message;

  AuditVerification(long rows, Problem problem, long firstBadSeq, String headHash, String message) {
    this.rows = rows;
    this.problem = problem;
    this.firstBadSeq = firstBadSeq;
    this.headHash = headHash;
    this.message = message;
  }

  /** Whether every row verified and the chain ends at the recorded head. */
  public boolean intact() {
    return problem == null;
  }

  /** How many rows were read. */
  public long rows() {
    return rows;
  }

  /** The first problem, if any. */
  public Optional<Problem> problem() {
    return Optional.ofNullable(problem);
  }

  /** The sequence number of the first changed, deleted or inserted row, if any. */
  public Optional<Long> firstBadSeq() {
    return problem == null ? Optional.empty() : Optional.of(firstBadSeq);
  }

  /** The hash of the last row (the chain head), for recording outside the database. */
  public String headHash() {
    return headHash;
  }

  /** A one-line description for people. */
  public String message() {
    return message;
  }

  @Override
  public String toString() {
    return message;
  }
}
