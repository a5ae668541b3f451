package io.hellgate.export.delivery;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One row of the append-only, hash-chained audit: what happened, when (the service's clock), to
 * which request and link, from which client. {@link #rowHash()} is SHA-256 over {@link #prevHash()}
 * and this row's content; {@link DeliveryService#verifyAudit()} recomputes the chain.
 *
 * <p>Never contains a token. Immutable and thread-safe.
 *
 * <pre>{@code
 * for (AuditEvent e : service.audit("REQ-2026-0042")) {
 *   System.out.println(e.at() + " " + e.type().code() + " " + e.detail());
 * }
 * }</pre>
 */
public final class AuditEvent {
  /** Event types, with stable codes. */
  public enum Type {
    /** An export request was submitted and its certificate checked by the policy. */
    REQUEST_SUBMITTED("request_submitted"),
    /** The authorization review of a request was recorded. */
    REQUEST_REVIEWED("request_reviewed"),
    /** A link was made (by whom, terms). */
    LINK_CREATED("link_created"),
    /** The landing page was shown (nothing consumed). */
    PAGE_VIEWED("page_viewed"),
    /** A download was granted (one of the link's downloads consumed). */
    DOWNLOAD_GRANTED("download_granted"),
    /** A transfer sent the archive's last byte (bytes, duration). */
    DOWNLOAD_COMPLETED("download_completed"),
    /** A transfer stopped before its end (client gone, link revoked). */
    DOWNLOAD_INTERRUPTED("download_interrupted"),
    /** A granted download was resumed with a Range request (nothing consumed). */
    DOWNLOAD_RESUMED("download_resumed"),
    /** A request was refused: expired, exhausted, revoked, unknown token, resume window closed. */
    DOWNLOAD_REFUSED("download_refused"),
    /** A link was revoked. */
    LINK_REVOKED("link_revoked"),
    /** A new link was issued for an earlier request (referencing the original request ID). */
    LINK_REISSUED("link_reissued");

    private final String code;

    Type(String code) {
      this.code = code;
    }

    /** The stable code, for example {@code download_granted}. */
    public String code() {
      return code;
    }

    static Type of(String code) {
      for (Type t : values()) {
        if (t.code.equals(code)) {
          return t;
        }
      }
      throw new IllegalArgumentException("unknown audit event type in the database: " + code);
    }
  }

  private final long seq;
  private final Instant at;
  private final Type type;
  private final String requestId;
  private final String linkId;
  private final String client;
  private final String userAgent;
  private final String detail;
  private final String prevHash;
  private final String rowHash;

  AuditEvent(long seq, Instant at, Type type, String requestId, String linkId, String client,
      String userAgent, String detail, String prevHash, String rowHash) {
    this.seq = seq;
    this.at = Objects.requireNonNull(at);
    this.type = Objects.requireNonNull(type);
    this.requestId = requestId;
    this.linkId = linkId;
    this.client = client;
    this.userAgent = userAgent;
    this.detail = detail == null ? "" : detail;
    this.prevHash = Objects.requireNonNull(prevHash);
    this.rowHash = Objects.requireNonNull(rowHash);
  }

  /** The position in the chain, from 1, without gaps. */
  public long seq() {
    return seq;
  }

  /** When it happened, by the service's clock (millisecond precision). */
  public Instant at() {
    return at;
  }

  /** What happened. */
  public Type type() {
    return type;
  }

  /** The request ID, if the event concerns a request. */
  public Optional<String> requestId() {
    return Optional.ofNullable(requestId);
  }

  /** The link ID, if the event concerns a link. */
  public Optional<String> linkId() {
    return Optional.ofNullable(linkId);
  }

  /** The client address (HTTP events) or the operator name (API events), if known. */
  public Optional<String> client() {
    return Optional.ofNullable(client);
  }

  /** The HTTP User-Agent, if any (at most 512 characters). */
  public Optional<String> userAgent() {
    return Optional.ofNullable(userAgent);
  }

  /** Event details, e.g. terms, bytes and duration, or a refusal reason; never a token. */
  public String detail() {
    return detail;
  }

  /** The previous row's hash (64 zero digits for the first row). */
  public String prevHash() {
    return prevHash;
  }

  /** SHA-256 over the previous hash and this row's content, lowercase hex. */
  public String rowHash() {
    return rowHash;
  }

  @Override
  public String toString() {
    return "#" + seq + " " + at + " " + type.code()
        + (requestId != null ? " request=" + requestId : "")
        + (linkId != null ? " link=" + linkId : "")
        + (client != null ? " client=" + client : "")
        + (detail.isEmpty() ? "" : " " + detail);
  }
}
