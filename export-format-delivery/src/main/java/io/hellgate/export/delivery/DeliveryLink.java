package io.hellgate.export.delivery;

import java.net.URI;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One download link: its ID, the request and archive it delivers, its terms and how much of them
 * is used. The {@link #url()} with the secret token is present only on the value returned by
 * {@link DeliveryService#publish} and {@link DeliveryService#reissue}: the service stores only the
 * token's SHA-256, so it can never show the URL again. {@link #toString()} never contains the token.
 *
 * <p>Immutable and thread-safe.
 *
 * <pre>{@code
 * DeliveryLink link = service.publish(archive, terms);
 * mailer.send(contact, link.url().orElseThrow());  // shown once
 * log.info("published {}", link);                  // no token in here
 * }</pre>
 */
public final class DeliveryLink {
  private final String linkId;
  private final URI url;
  private final String requestId;
  private final UUID exportId;
  private final String archiveSha256;
  private final long archiveSize;
  private final Instant createdAt;
  private final Instant expiresAt;
  private final int maxDownloads;
  private final int downloadsUsed;
  private final Instant revokedAt;
  private final String reissuedFrom;

  DeliveryLink(String linkId, URI url, String requestId, UUID exportId, String archiveSha256,
      long archiveSize, Instant createdAt, Instant expiresAt, int maxDownloads, int downloadsUsed,
      Instant revokedAt, String reissuedFrom) {
    this.linkId = Objects.requireNonNull(linkId);
    this.url = url;
    this.requestId = Objects.requireNonNull(requestId);
    this.exportId = Objects.requireNonNull(exportId);
    this.archiveSha256 = Objects.requireNonNull(archiveSha256);
    this.archiveSize = archiveSize;
    this.createdAt = Objects.requireNonNull(createdAt);
    this.expiresAt = Objects.requireNonNull(expiresAt);
    this.maxDownloads = maxDownloads;
    this.downloadsUsed = downloadsUsed;
    this.revokedAt = revokedAt;
    this.reissuedFrom = reissuedFrom;
  }

  /** The link ID: not secret; names the link in logs, audit rows and {@code revoke}. */
  public String linkId() {
    return linkId;
  }

  /** The URL with the secret token: present only right after publish or re-issue. */
  public Optional<URI> url() {
    return Optional.ofNullable(url);
  }

  /** The request ID the link delivers. */
  public String requestId() {
    return requestId;
  }

  /** The archive's {@code export_id}. */
  public UUID exportId() {
    return exportId;
  }

  /** The archive's SHA-256, 64 lowercase hex digits (also the download's strong ETag). */
  public String archiveSha256() {
    return archiveSha256;
  }

  /** The archive's size in bytes. */
  public long archiveSize() {
    return archiveSize;
  }

  /** When the link was made. */
  public Instant createdAt() {
    return createdAt;
  }

  /** The first instant at which the link no longer grants downloads (exclusive end). */
  public Instant expiresAt() {
    return expiresAt;
  }

  /** How many full downloads the link allows. */
  public int maxDownloads() {
    return maxDownloads;
  }

  /** How many were granted so far (as of when this value was read). */
  public int downloadsUsed() {
    return downloadsUsed;
  }

  /** When the link was revoked, if it was. */
  public Optional<Instant> revokedAt() {
    return Optional.ofNullable(revokedAt);
  }

  /** The original request ID, if this link was re-issued. */
  public Optional<String> reissuedFrom() {
    return Optional.ofNullable(reissuedFrom);
  }

  @Override
  public String toString() {
    return "DeliveryLink{" + linkId + ", request_id=" + requestId + ", export_id=" + exportId
        + ", expires_at=" + expiresAt + ", downloads=" + downloadsUsed + "/" + maxDownloads
        + (revokedAt != null ? ", revoked_at=" + revokedAt : "") + "}";
  }
}
