package io.hellgate.export.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The terms of one download link: the request it answers, who may be contacted, when it expires and
 * how many downloads it allows. The service bounds the expiry and the count by its own maxima
 * ({@link DeliveryService.Options.Builder#maxExpiry(Duration)},
 * {@link DeliveryService.Options.Builder#maxDownloadsLimit(int)}) when the link is made.
 *
 * <p>Immutable and thread-safe; {@link Builder#build()} validates.
 *
 * <pre>{@code
 * Terms terms = Terms.builder()
 *     .requestId("REQ-2026-0042")
 *     .contact("secops@acme.example")
 *     .expiresIn(Duration.ofHours(72))
 *     .maxDownloads(3)
 *     .createdBy("alice@hellgate")
 *     .build();
 * }</pre>
 */
public final class Terms {
  private final String requestId;
  private final String contact;
  private final Duration expiresIn;
  private final Instant expiresAt;
  private final int maxDownloads;
  private final String createdBy;

  private Terms(Builder b) {
    this.requestId = b.requestId;
    this.contact = b.contact;
    this.expiresIn = b.expiresIn;
    this.expiresAt = b.expiresAt;
    this.maxDownloads = b.maxDownloads;
    this.createdBy = b.createdBy;
  }

  /** A new builder; request ID and an expiry are required, maxDownloads defaults to 1. */
  public static Builder builder() {
    return new Builder();
  }

  /** The request ID this link delivers (seed step 1). */
  public String requestId() {
    return requestId;
  }

  /** The recipient contact the link is sent to, if given. */
  public Optional<String> contact() {
    return Optional.ofNullable(contact);
  }

  /** The expiry as an absolute instant, given the link's creation time. */
  public Instant expiresAt(Instant createdAt) {
    return expiresAt != null ? expiresAt : createdAt.plus(expiresIn);
  }

  /** How many full downloads the link allows (at least 1). */
  public int maxDownloads() {
    return maxDownloads;
  }

  /** Who made the link (an operator or service name), recorded in the audit. */
  public String createdBy() {
    return createdBy;
  }

  @Override
  public String toString() {
    return "Terms{request_id=" + requestId + ", expires="
        + (expiresAt != null ? expiresAt : "in " + expiresIn) + ", max_downloads=" + maxDownloads
        + ", created_by=" + createdBy + "}";
  }

  /** Builds {@link Terms}; not thread-safe. */
  public static final class Builder {
    private String requestId;
    private String contact;
    private Duration expiresIn;
    private Instant expiresAt;
    private int maxDownloads = 1;
    private String createdBy = "unknown";

    private Builder() {}

    /** The request ID (required): 1 to 128 printable ASCII characters, no spaces. */
    public Builder requestId(String requestId) {
      this.requestId = requestId;
      return this;
    }

    /** The recipient contact (optional), at most 320 characters. */
    public Builder contact(String contact) {
      this.contact = contact;
      return this;
    }

    /** Expires this long after creation (replaces {@link #expiresAt}). */
    public Builder expiresIn(Duration duration) {
      this.expiresIn = Objects.requireNonNull(duration, "duration");
      this.expiresAt = null;
      return this;
    }

    /** Expires at this instant (replaces {@link #expiresIn}). */
    public Builder expiresAt(Instant instant) {
      this.expiresAt = Objects.requireNonNull(instant, "instant");
      this.expiresIn = null;
      return this;
    }

    /** Maximum full downloads, at least 1; default 1. */
    public Builder maxDownloads(int maxDownloads) {
      this.maxDownloads = maxDownloads;
      return this;
    }

    /** Who makes the link, for the audit; default "unknown". */
    public Builder createdBy(String createdBy) {
      this.createdBy = Objects.requireNonNull(createdBy, "createdBy");
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalStateException naming the field that is missing or out of range
     */
    public Terms build() {
      Checks.requestId(requestId, "requestId");
      if (contact != null && (contact.isBlank() || contact.length() > 320)) {
        throw new IllegalStateException("contact must be 1 to 320 characters");
      }
      if (expiresIn == null && expiresAt == null) {
        throw new IllegalStateException("an expiry is required: expiresIn(duration) or expiresAt(instant)");
      }
      if (expiresIn != null && (expiresIn.isNegative() || expiresIn.isZero())) {
        throw new IllegalStateException("expiresIn must be positive, was " + expiresIn);
      }
      if (maxDownloads < 1) {
        throw new IllegalStateException("maxDownloads must be at least 1, was " + maxDownloads);
      }
      if (createdBy.isBlank() || createdBy.length() > 256) {
        throw new IllegalStateException("createdBy must be 1 to 256 characters");
      }
      return new Terms(this);
    }
  }
}
