package io.hellgate.export.delivery;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.hellgate.export.ExportFormatException;
import io.hellgate.export.ExportManifest;
import io.hellgate.export.ExportReader;
import io.hellgate.export.ExportRequest;
import io.hellgate.export.crypto.CertificateInput;
import io.hellgate.export.crypto.CertificatePolicy;
import io.hellgate.export.crypto.PolicyDecision;
import io.hellgate.export.delivery.internal.Hashes;
import io.hellgate.export.delivery.internal.Tokens;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Publishes export archives as time-limited, download-limited, audited download links, behind an
 * approval gate (seed steps 3 and 5). Storage is JDBC: H2 in file mode by default (nothing to
 * install), PostgreSQL for production and for several instances sharing one database; the schema
 * is migrated by Flyway on {@link #open(Options)}.
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li><b>Approval gate.</b> {@link #publish} refuses an archive unless its request was submitted,
 *       its certificate accepted by the {@link CertificatePolicy}, and an authorization review by
 *       someone other than the requester approved it; and unless the archive's recipient
 *       fingerprint is the approved certificate's.
 *   <li><b>Secret tokens.</b> A link token is 256 bits from {@link java.security.SecureRandom},
 *       base64url in the URL, returned once in {@link DeliveryLink#url()}; only its SHA-256 is
 *       stored, and no log line, exception or audit row contains it.
 *   <li><b>Download limit, atomically.</b> A download is granted only by one conditional {@code
 *       UPDATE ... WHERE downloads_used < max_downloads AND expires_at > now AND revoked_at IS
 *       NULL}; the limit holds under any concurrency, across instances sharing one database.
 *   <li><b>Time limit</b> on the injected {@link Clock}: a link grants nothing from {@code
 *       expiresAt} on (the end is exclusive).
 *   <li><b>Audit.</b> Every event is one appended row, hash-chained to the previous one; nothing in
 *       this module updates or deletes an audit row; {@link #verifyAudit()} finds the first row
 *       changed, deleted or inserted.
 * </ul>
 *
 * <p>Limits: expiry at most {@link Options.Builder#maxExpiry(Duration)}, downloads at most {@link
 * Options.Builder#maxDownloadsLimit(int)}; the audit chain proves order and integrity against
 * partial edits, not against someone rewriting the whole chain (record {@link
 * AuditVerification#headHash()} elsewhere). Thread-safe: one instance serves many threads; close it
 * to close the pool it opened.
 *
 * <pre>{@code
 * try (DeliveryService service = DeliveryService.open(DeliveryService.options()
 *     .jdbcUrl("jdbc:h2:file:/var/lib/export-delivery/db")
 *     .archiveStore(ArchiveStore.filesystem(Path.of("/var/lib/export-delivery/archives")))
 *     .baseUrl(URI.create("https://exports.example.com"))
 *     .policy(policy)
 *     .build())) {
 *   service.submitRequest(request, "bob@acme", intermediates); // check 1: the policy
 *   service.review(request.requestId(), "carol@hellgate", true, "SEC-12"); // check 2
 *   DeliveryLink link = service.publish(Path.of("export.tgz"), Terms.builder()
 *       .requestId(request.requestId()).expiresIn(Duration.ofHours(72)).maxDownloads(3).build());
 *   send(link.url().orElseThrow());                      // shown once
 * }
 * }</pre>
 */
public final class DeliveryService implements AutoCloseable {
  static final String GENESIS = "0".repeat(64);

  private final DataSource dataSource;
  private final HikariDataSource ownedPool;
  private final ArchiveStore store;
  private final Clock clock;
  private final URI baseUrl;
  private final CertificatePolicy policy;
  private final Duration maxExpiry;
  private final int maxDownloadsLimit;
  private final Duration resumeWindow;
  private final boolean unverifiedArchivesWithoutRequestId;
  /** Transfers under way in this instance, by link ID: revoke() cuts them at once. */
  private final Map<String, Set<AtomicBoolean>> transfers = new ConcurrentHashMap<>();
  /** Stored archives verified in this process: key -> size:mtime:sha256. */
  private final Map<String, String> verified = new ConcurrentHashMap<>();

  private DeliveryService(Options o, DataSource ds, HikariDataSource owned) {
    this.dataSource = ds;
    this.ownedPool = owned;
    this.store = o.store;
    this.clock = o.clock;
    this.baseUrl = o.baseUrl;
    this.policy = o.policy;
    this.maxExpiry = o.maxExpiry;
    this.maxDownloadsLimit = o.maxDownloadsLimit;
    this.resumeWindow = o.resumeWindow;
    this.unverifiedArchivesWithoutRequestId = o.unverifiedArchivesWithoutRequestId;
  }

  /** A new options builder. */
  public static Options.Builder options() {
    return new Options.Builder();
  }

  /**
   * Opens the service: connects (a HikariCP pool for {@code jdbcUrl}), and migrates the schema to
   * the current version with Flyway.
   *
   * @throws IOException if the database cannot be reached or migrated
   */
  public static DeliveryService open(Options options) throws IOException {
    Objects.requireNonNull(options, "options");
    HikariDataSource owned = null;
    DataSource ds = options.dataSource;
    try {
      if (ds == null) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(options.jdbcUrl);
        if (options.user != null) {
          c.setUsername(options.user);
          c.setPassword(options.password);
        }
        c.setMaximumPoolSize(options.poolSize);
        c.setPoolName("export-delivery");
        if (options.jdbcUrl.startsWith("jdbc:h2:")) {
          // writers of one row queue for it rather than fail after H2's default 1 s
          c.setConnectionInitSql("SET LOCK_TIMEOUT 30000");
        }
        owned = new HikariDataSource(c);
        ds = owned;
      }
      Flyway.configure()
          .dataSource(ds)
          .locations("classpath:db/delivery")
          .table("delivery_schema_history")
          .load()
          .migrate();
      return new DeliveryService(options, ds, owned);
    } catch (RuntimeException e) {
      if (owned != null) {
        owned.close();
      }
      throw new IOException("cannot open the delivery database: " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------- approval gate

  /**
   * Records an export request (seed step 1) and runs check 1 of the approval gate: the certificate
   * policy on the request's recipient certificate, with the intermediates the requester supplied.
   * The decision, with every check's status and code, is stored with the request; a rejected
   * certificate is recorded too (the request then can never be approved).
   *
   * @param request the request as the recipient submitted it
   * @param requester who submitted it (recorded; may not review it)
   * @param intermediates intermediate CA certificates for the chain, possibly empty
   * @throws IllegalStateException if a request with this ID was already submitted, or no policy is
   *     configured
   */
  public RequestApproval submitRequest(ExportRequest request, String requester,
      Collection<X509Certificate> intermediates) throws IOException {
    Objects.requireNonNull(request, "request");
    Checks.text(requester, "requester", 256);
    String requestId = Checks.requestId(request.requestId(), "requestId");
    String chainPem = intermediates.stream().map(DeliveryService::pem).collect(Collectors.joining());
    PolicyDecision decision = evaluate(request.recipientCertificatePem(), chainPem);
    String fingerprint = request.recipientFingerprint();
    String checks = decision.checks().stream()
        .map(c -> c.status() + " " + c.code()).collect(Collectors.joining("\n"));
    long now = clock.millis();
    try (Connection c = connection()) {
      c.setAutoCommit(false);
      if (findRequest(c, requestId) != null) {
        throw new IllegalStateException("request " + requestId + " was already submitted");
      }
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO export_request (request_id, request_json, requester, recipient_certificate, recipient_chain,"
              + " recipient_fingerprint, submitted_at, policy_accepted, policy_checks, policy_checked_at)"
              + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, requestId);
        ps.setString(2, new String(request.toJson(), StandardCharsets.UTF_8));
        ps.setString(3, requester);
        ps.setString(4, request.recipientCertificatePem());
        ps.setString(5, chainPem);
        ps.setString(6, fingerprint);
        ps.setLong(7, now);
        ps.setBoolean(8, decision.accepted());
        ps.setString(9, checks);
        ps.setLong(10, now);
        ps.executeUpdate();
      }
      AuditLog.append(c, now, AuditEvent.Type.REQUEST_SUBMITTED, requestId, null, requester, null,
          "policy " + (decision.accepted() ? "accepted" : "rejected: "
              + decision.failures().stream().map(PolicyDecision.Check::code).toList())
              + "; recipient " + fingerprint);
      c.commit();
      return findRequest(c, requestId);
    } catch (SQLException e) {
      throw database(e);
    }
  }

  private PolicyDecision evaluate(String leafPem, String chainPem) throws IOException {
    CertificateInput.Builder in = CertificateInput.builder(leafPem.getBytes(StandardCharsets.US_ASCII));
    if (!chainPem.isEmpty()) {
      in.intermediatesPem(chainPem.getBytes(StandardCharsets.US_ASCII));
    }
    return requirePolicy().evaluate(in.build());
  }

  private static String pem(X509Certificate cert) {
    try {
      return "-----BEGIN CERTIFICATE-----\n"
          + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(cert.getEncoded())
          + "\n-----END CERTIFICATE-----\n";
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalArgumentException("an intermediate certificate cannot be encoded", e);
    }
  }

  /**
   * Records check 2 of the approval gate: the authorization review of a submitted request.
   *
   * @param requestId the submitted request
   * @param reviewer who reviewed it; never the requester (compared after NFKC normalization,
   *     trimming and case folding)
   * @param approved the decision
   * @param note the reviewer's note, e.g. a ticket reference (at most 1024 characters)
   * @throws DeliveryException {@code unknown_request}; {@code review_refused} if the reviewer is the
   *     requester or the request was already reviewed
   */
  public RequestApproval review(String requestId, String reviewer, boolean approved, String note)
      throws IOException {
    Checks.text(reviewer, "reviewer", 256);
    if (note != null && note.length() > 1024) {
      throw new IllegalArgumentException("note must be at most 1024 characters");
    }
    long now = clock.millis();
    try (Connection c = connection()) {
      c.setAutoCommit(false);
      RequestApproval r = findRequest(c, requestId);
      if (r == null) {
        throw new DeliveryException(DeliveryException.Reason.UNKNOWN_REQUEST, "no request " + requestId + " was submitted");
      }
      if (sameIdentity(r.requester(), reviewer)) {
        throw new DeliveryException(DeliveryException.Reason.REVIEW_REFUSED,
            "the reviewer of request " + requestId + " must not be its requester (" + reviewer + ")");
      }
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE export_request SET reviewer = ?, review_approved = ?, review_note = ?, reviewed_at = ?"
              + " WHERE request_id = ? AND reviewer IS NULL")) {
        ps.setString(1, reviewer);
        ps.setBoolean(2, approved);
        ps.setString(3, note);
        ps.setLong(4, now);
        ps.setString(5, requestId);
        if (ps.executeUpdate() != 1) {
          c.rollback();
          throw new DeliveryException(DeliveryException.Reason.REVIEW_REFUSED,
              "request " + requestId + " was already reviewed");
        }
      }
      AuditLog.append(c, now, AuditEvent.Type.REQUEST_REVIEWED, requestId, null, reviewer, null,
          (approved ? "approved" : "declined") + (note == null ? "" : "; note: " + note));
      c.commit();
      return findRequest(c, requestId);
    } catch (SQLException e) {
      throw database(e);
    }
  }

  /** The stored request and its two checks, if it was submitted. */
  public java.util.Optional<RequestApproval> request(String requestId) throws IOException {
    try (Connection c = connection()) {
      return java.util.Optional.ofNullable(findRequest(c, requestId));
    } catch (SQLException e) {
      throw database(e);
    }
  }

  // ---------------------------------------------------------------- links

  /**
   * Publishes an archive: checks the approval gate, stores a copy in the archive store, and makes a
   * link with the given terms. The returned value carries the URL with the token, once.
   *
   * @throws DeliveryException {@code unknown_request}, {@code not_approved}, {@code
   *     request_mismatch}, {@code recipient_mismatch}, {@code archive_mismatch}, or {@code
   *     policy_rejected} with every failed check if the approved certificate no longer passes the
   *     policy now (it is re-validated at every publish)
   * @throws IllegalArgumentException if the terms exceed the service's maxima or already expired
   */
  public DeliveryLink publish(Path archive, Terms terms) throws IOException {
    Objects.requireNonNull(archive, "archive");
    Objects.requireNonNull(terms, "terms");
    ExportManifest manifest = readManifest(archive);
    String manifestRequestId = manifest.requestId().orElse(null);
    if (manifestRequestId == null && !unverifiedArchivesWithoutRequestId) {
      throw new DeliveryException(DeliveryException.Reason.REQUEST_MISMATCH,
          "the archive's manifest names no request ID (a format 1.0 export); write it with"
              + " ExportWriter.Options.Builder#request, or open the service with"
              + " unverifiedArchivesWithoutRequestId(true)");
    }
    if (manifestRequestId != null && !manifestRequestId.equals(terms.requestId())) {
      throw new DeliveryException(DeliveryException.Reason.REQUEST_MISMATCH,
          "the archive's manifest names request " + manifestRequestId + ", not " + terms.requestId());
    }
    RequestApproval approval = requireApproved(terms.requestId());
    if (!manifest.recipientFingerprint().equalsIgnoreCase(approval.recipientFingerprint())) {
      throw new DeliveryException(DeliveryException.Reason.RECIPIENT_MISMATCH,
          "the archive is encrypted to " + manifest.recipientFingerprint()
              + ", but request " + terms.requestId() + " approved " + approval.recipientFingerprint());
    }
    if (manifest.scope().isPresent() && !manifest.scope().get().equals(approval.request().scope())) {
      throw new DeliveryException(DeliveryException.Reason.REQUEST_MISMATCH,
          "the archive's manifest records another scope than approved request " + terms.requestId()
              + ": " + manifest.scope().get() + " instead of " + approval.request().scope());
    }
    revalidate(approval, terms.requestId()); // the certificate may have expired or been revoked since approval
    try (Connection c = connection()) {
      LinkRow earlier = LinkRow.latestForRequest(c, terms.requestId());
      if (earlier != null && !earlier.exportId().equals(manifest.exportId())) {
        throw new DeliveryException(DeliveryException.Reason.REQUEST_MISMATCH, "request " + terms.requestId()
            + " already delivers export " + earlier.exportId() + "; one request delivers one export");
      }
    } catch (SQLException e) {
      throw database(e);
    }
    String sha = Hashes.sha256Hex(archive);
    long size = Files.size(archive);
    String key = store.put(archive, manifest.exportId());
    Path stored = store.file(key);
    String storedSha = Hashes.sha256Hex(stored);
    if (!storedSha.equals(sha)) {
      throw new DeliveryException(DeliveryException.Reason.ARCHIVE_MISMATCH,
          "the stored copy of export " + manifest.exportId() + " differs from the archive given");
    }
    verified.put(key, stamp(stored, sha));
    return createLink(terms, manifest.exportId(), key, sha, size, manifest.recipientFingerprint(), null);
  }

  /**
   * Issues a new link for the archive of an earlier request (after its link expired, was used up or
   * revoked), after re-validating the recipient certificate against the policy. The new link's
   * request ID is {@code terms.requestId()} (the new request, which references the original); the
   * audit records both.
   *
   * @throws DeliveryException {@code unknown_request} or {@code unknown_link} if the original has no
   *     approved request or no link; {@code policy_rejected} with every failed check if the
   *     certificate no longer passes; {@code archive_mismatch} if the stored archive changed
   */
  public DeliveryLink reissue(String originalRequestId, Terms terms) throws IOException {
    Objects.requireNonNull(terms, "terms");
    RequestApproval approval = requireApproved(originalRequestId);
    LinkRow original;
    try (Connection c = connection()) {
      original = LinkRow.latestForRequest(c, originalRequestId);
    } catch (SQLException e) {
      throw database(e);
    }
    if (original == null) {
      throw new DeliveryException(DeliveryException.Reason.UNKNOWN_LINK,
          "request " + originalRequestId + " has no link to re-issue");
    }
    revalidate(approval, originalRequestId);
    verifyStored(original);
    return createLink(terms, original.exportId(), original.archiveKey(), original.sha256(),
        original.size(), original.recipientFingerprint(), originalRequestId);
  }

  /** Runs the policy again on the approved request's certificate; refuses with every failed check. */
  private void revalidate(RequestApproval approval, String requestId) throws IOException {
    PolicyDecision decision = evaluate(approval.recipientCertificatePem(), approval.recipientChainPem());
    if (!decision.accepted()) {
      List<String> failed = decision.failures().stream().map(PolicyDecision.Check::code).toList();
      throw new DeliveryException(DeliveryException.Reason.POLICY_REJECTED,
          "the recipient certificate of request " + requestId + " no longer passes the policy: "
              + decision.failures().stream().map(ch -> ch.code() + " (" + ch.message() + ")")
                  .collect(Collectors.joining("; ")), failed);
    }
  }

  private DeliveryLink createLink(Terms terms, UUID exportId, String key, String sha, long size,
      String fingerprint, String reissuedFrom) throws IOException {
    Instant now = Instant.ofEpochMilli(clock.millis()); // stored in milliseconds
    Instant expiresAt = Instant.ofEpochMilli(terms.expiresAt(now).toEpochMilli());
    if (!expiresAt.isAfter(now)) {
      throw new IllegalArgumentException("the link would expire at " + expiresAt + ", not after now (" + now + ")");
    }
    if (expiresAt.isAfter(now.plus(maxExpiry))) {
      throw new IllegalArgumentException("expiry " + expiresAt + " is beyond the maximum of " + maxExpiry + " from now");
    }
    if (terms.maxDownloads() > maxDownloadsLimit) {
      throw new IllegalArgumentException("maxDownloads " + terms.maxDownloads() + " exceeds the limit " + maxDownloadsLimit);
    }
    String token = Tokens.newToken();
    String linkId = Tokens.newId("lnk_");
    try (Connection c = connection()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO delivery_link (link_id, token_hash, request_id, reissued_from, export_id, archive_key,"
              + " archive_sha256, archive_size, recipient_fingerprint, contact, created_by, created_at,"
              + " expires_at, max_downloads) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, linkId);
        ps.setString(2, Tokens.hash(token));
        ps.setString(3, terms.requestId());
        ps.setString(4, reissuedFrom);
        ps.setString(5, exportId.toString());
        ps.setString(6, key);
        ps.setString(7, sha);
        ps.setLong(8, size);
        ps.setString(9, fingerprint);
        ps.setString(10, terms.contact().orElse(null));
        ps.setString(11, terms.createdBy());
        ps.setLong(12, now.toEpochMilli());
        ps.setLong(13, expiresAt.toEpochMilli());
        ps.setInt(14, terms.maxDownloads());
        ps.executeUpdate();
      }
      if (reissuedFrom != null) {
        AuditLog.append(c, now.toEpochMilli(), AuditEvent.Type.LINK_REISSUED, terms.requestId(), linkId,
            terms.createdBy(), null, "reissued for original request " + reissuedFrom
                + " after re-validation of " + fingerprint);
      }
      AuditLog.append(c, now.toEpochMilli(), AuditEvent.Type.LINK_CREATED, terms.requestId(), linkId,
          terms.createdBy(), null, "export_id " + exportId + ", sha256 " + sha + ", " + size + " bytes, expires_at "
              + expiresAt + ", max_downloads " + terms.maxDownloads()
              + terms.contact().map(x -> ", contact " + x).orElse(""));
      c.commit();
    } catch (SQLException e) {
      throw database(e);
    }
    return new DeliveryLink(linkId, baseUrl.resolve("/d/" + token), terms.requestId(), exportId, sha, size,
        Instant.ofEpochMilli(now.toEpochMilli()), Instant.ofEpochMilli(expiresAt.toEpochMilli()),
        terms.maxDownloads(), 0, null, reissuedFrom);
  }

  /**
   * Revokes a link: it grants nothing more, resumes are refused, and transfers under way in this
   * instance are cut at once (in other instances within about a second).
   *
   * @param actor who revokes, for the audit
   * @throws DeliveryException {@code unknown_link} or {@code already_revoked}
   */
  public void revoke(String linkId, String reason, String actor) throws IOException {
    Objects.requireNonNull(linkId, "linkId");
    Checks.text(reason, "reason", 1024);
    Checks.text(actor, "actor", 256);
    long now = clock.millis();
    try (Connection c = connection()) {
      c.setAutoCommit(false);
      LinkRow row = LinkRow.byId(c, linkId);
      if (row == null) {
        throw new DeliveryException(DeliveryException.Reason.UNKNOWN_LINK, "no link " + linkId);
      }
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE delivery_link SET revoked_at = ?, revoke_reason = ? WHERE link_id = ? AND revoked_at IS NULL")) {
        ps.setLong(1, now);
        ps.setString(2, reason);
        ps.setString(3, linkId);
        if (ps.executeUpdate() != 1) {
          c.rollback();
          throw new DeliveryException(DeliveryException.Reason.ALREADY_REVOKED, "link " + linkId + " was already revoked");
        }
      }
      AuditLog.append(c, now, AuditEvent.Type.LINK_REVOKED, row.requestId(), linkId, actor, null, "reason: " + reason);
      c.commit();
    } catch (SQLException e) {
      throw database(e);
    }
    Set<AtomicBoolean> running = transfers.get(linkId);
    if (running != null) {
      running.forEach(f -> f.set(true));
    }
  }

  /** Every link, newest first (at most {@code limit}), without tokens. */
  public List<DeliveryLink> links(int limit) throws IOException {
    try (Connection c = connection()) {
      List<DeliveryLink> out = new ArrayList<>();
      for (LinkRow r : LinkRow.all(c, limit)) {
        out.add(r.toLink());
      }
      return out;
    } catch (SQLException e) {
      throw database(e);
    }
  }

  /** The audit events that name this request ID, in chain order. */
  public List<AuditEvent> audit(String requestId) throws IOException {
    try (Connection c = connection()) {
      return AuditLog.forRequest(c, requestId);
    } catch (SQLException e) {
      throw database(e);
    }
  }

  /** Walks the whole audit hash chain; see {@link AuditVerification}. */
  public AuditVerification verifyAudit() throws IOException {
    try (Connection c = connection()) {
      return AuditLog.verify(c);
    } catch (SQLException e) {
      throw database(e);
    }
  }

  @Override
  public void close() {
    if (ownedPool != null) {
      ownedPool.close();
    }
  }

  // ---------------------------------------------------------------- for DeliveryServer

  Clock clock() {
    return clock;
  }

  Duration resumeWindow() {
    return resumeWindow;
  }

  Connection connection() throws SQLException {
    return dataSource.getConnection();
  }

  ArchiveStore store() {
    return store;
  }

  /** Registers a running transfer of a link; revoke() sets the flag. */
  AtomicBoolean transferStarted(String linkId) {
    AtomicBoolean f = new AtomicBoolean();
    transfers.computeIfAbsent(linkId, k -> ConcurrentHashMap.newKeySet()).add(f);
    return f;
  }

  /** Transfers running in this instance (for tests that wait for quiet). */
  int transfersRunning() {
    return transfers.values().stream().mapToInt(Set::size).sum();
  }

  void transferEnded(String linkId, AtomicBoolean flag) {
    transfers.computeIfPresent(linkId, (k, s) -> {
      s.remove(flag);
      return s.isEmpty() ? null : s;
    });
  }

  /**
   * Checks the stored file against the link's record: size and {@code export_id} every time,
   * SHA-256 once per process for an unchanged file (size and modification time).
   */
  Path verifyStored(LinkRow link) throws IOException {
    Path f = store.file(link.archiveKey());
    if (Files.size(f) != link.size()) {
      throw new DeliveryException(DeliveryException.Reason.ARCHIVE_MISMATCH,
          "the stored archive of link " + link.linkId() + " has changed size");
    }
    ExportManifest m = readManifest(f);
    if (!m.exportId().equals(link.exportId())) {
      throw new DeliveryException(DeliveryException.Reason.ARCHIVE_MISMATCH,
          "the stored archive of link " + link.linkId() + " has export_id " + m.exportId());
    }
    String known = verified.get(link.archiveKey());
    if (known == null || !known.equals(stamp(f, link.sha256()))) {
      if (!Hashes.sha256Hex(f).equals(link.sha256())) {
        throw new DeliveryException(DeliveryException.Reason.ARCHIVE_MISMATCH,
            "the stored archive of link " + link.linkId() + " no longer has the recorded SHA-256");
      }
      verified.put(link.archiveKey(), stamp(f, link.sha256()));
    }
    return f;
  }

  // ---------------------------------------------------------------- helpers

  private static String stamp(Path f, String sha) throws IOException {
    return Files.size(f) + ":" + Files.getLastModifiedTime(f).toMillis() + ":" + sha;
  }

  private RequestApproval requireApproved(String requestId) throws IOException {
    RequestApproval r = request(requestId).orElseThrow(() -> new DeliveryException(
        DeliveryException.Reason.UNKNOWN_REQUEST, "no export request " + requestId + " was submitted"));
    if (!r.approved()) {
      throw new DeliveryException(DeliveryException.Reason.NOT_APPROVED, "request " + requestId + " is not approved: "
          + r.whyNotApproved());
    }
    return r;
  }

  private CertificatePolicy requirePolicy() {
    if (policy == null) {
      throw new IllegalStateException("no certificate policy configured (DeliveryService.options().policy(...))");
    }
    return policy;
  }

  /**
   * Whether two actor names denote the same person for the four-eyes rule: compared after NFKC
   * normalization, trimming and case folding, so "Bob@Acme " and "bob@acme" are one identity.
   */
  static boolean sameIdentity(String a, String b) {
    return fold(a).equals(fold(b));
  }

  private static String fold(String s) {
    return java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFKC).strip()
        .toUpperCase(java.util.Locale.ROOT).toLowerCase(java.util.Locale.ROOT);
  }

  private static ExportManifest readManifest(Path archive) throws IOException {
    try {
      return ExportReader.readManifest(archive);
    } catch (ExportFormatException e) {
      throw new DeliveryException(DeliveryException.Reason.ARCHIVE_MISMATCH,
          archive + " is not a readable export archive: " + e.getMessage());
    }
  }

  private static RequestApproval findRequest(Connection c, String requestId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT * FROM export_request WHERE request_id = ?")) {
      ps.setString(1, requestId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? RequestApproval.from(rs) : null;
      }
    }
  }

  static IOException database(SQLException e) {
    return new IOException("delivery database error: " + e.getMessage(), e);
  }

  /**
   * Options for {@link DeliveryService#open}. Immutable; {@link Builder#build()} validates.
   *
   * <pre>{@code
   * DeliveryService.Options o = DeliveryService.options()
   *     .jdbcUrl("jdbc:postgresql://db.internal/exports").user("delivery").password(pw)
   *     .archiveStore(store).baseUrl(URI.create("https://exports.example.com"))
   *     .maxExpiry(Duration.ofDays(7)).resumeWindow(Duration.ofHours(24))
   *     .build();
   * }</pre>
   */
  public static final class Options {
    final String jdbcUrl;
    final String user;
    final String password;
    final DataSource dataSource;
    final int poolSize;
    final ArchiveStore store;
    final Clock clock;
    final URI baseUrl;
    final CertificatePolicy policy;
    final Duration maxExpiry;
    final int maxDownloadsLimit;
    final Duration resumeWindow;
    final boolean unverifiedArchivesWithoutRequestId;

    private Options(Builder b) {
      this.jdbcUrl = b.jdbcUrl;
      this.user = b.user;
      this.password = b.password;
      this.dataSource = b.dataSource;
      this.poolSize = b.poolSize;
      this.store = b.store;
      this.clock = b.clock;
      this.baseUrl = b.baseUrl;
      this.policy = b.policy;
      this.maxExpiry = b.maxExpiry;
      this.maxDownloadsLimit = b.maxDownloadsLimit;
      this.resumeWindow = b.resumeWindow;
      this.unverifiedArchivesWithoutRequestId = b.unverifiedArchivesWithoutRequestId;
    }

    /** Builds {@link Options}; not thread-safe. */
    public static final class Builder {
      private String jdbcUrl;
      private String user;
      private String password;
      private DataSource dataSource;
      private int poolSize = 16;
      private ArchiveStore store;
      private Clock clock = Clock.systemUTC();
      private URI baseUrl;
      private CertificatePolicy policy;
      private Duration maxExpiry = Duration.ofDays(30);
      private int maxDownloadsLimit = 100;
      private Duration resumeWindow = Duration.ofHours(24);
      private boolean unverifiedArchivesWithoutRequestId;

      private Builder() {}

      /**
       * Risky, off by default: publish format 1.0 archives, whose manifest names no request ID, on
       * the terms' request ID alone. The recipient fingerprint is still checked against the
       * approved request, but nothing in the archive ties it to that request.
       */
      public Builder unverifiedArchivesWithoutRequestId(boolean allow) {
        this.unverifiedArchivesWithoutRequestId = allow;
        return this;
      }

      /** A JDBC URL: {@code jdbc:h2:file:PATH} (embedded) or {@code jdbc:postgresql://...}; a pool is opened. */
      public Builder jdbcUrl(String url) {
        this.jdbcUrl = Objects.requireNonNull(url, "url");
        return this;
      }

      /** The database user (with {@link #jdbcUrl}). */
      public Builder user(String user) {
        this.user = user;
        return this;
      }

      /** The database password (with {@link #jdbcUrl}). */
      public Builder password(String password) {
        this.password = password;
        return this;
      }

      /** A data source the caller owns (instead of {@link #jdbcUrl}); not closed by the service. */
      public Builder dataSource(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        return this;
      }

      /** Connections in the pool opened for {@link #jdbcUrl}, 1 to 256; default 16. */
      public Builder poolSize(int size) {
        this.poolSize = size;
        return this;
      }

      /** Where archives are kept (required). */
      public Builder archiveStore(ArchiveStore store) {
        this.store = Objects.requireNonNull(store, "store");
        return this;
      }

      /** The clock for expiry and audit times; default the UTC system clock. */
      public Builder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
      }

      /** The public base URL links are made with, e.g. {@code https://exports.example.com} (required). */
      public Builder baseUrl(URI baseUrl) {
        this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
        return this;
      }

      /** The certificate policy for submitted requests and re-issues (required for those two). */
      public Builder policy(CertificatePolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
        return this;
      }

      /** The longest expiry a link may have, 1 minute to 365 days; default 30 days. */
      public Builder maxExpiry(Duration max) {
        this.maxExpiry = Objects.requireNonNull(max, "max");
        return this;
      }

      /** The largest maxDownloads a link may have, 1 to 10000; default 100. */
      public Builder maxDownloadsLimit(int max) {
        this.maxDownloadsLimit = max;
        return this;
      }

      /**
       * How long after a grant its transfer may be resumed with Range requests without consuming
       * another download, 1 minute to 7 days; default 24 hours.
       */
      public Builder resumeWindow(Duration window) {
        this.resumeWindow = Objects.requireNonNull(window, "window");
        return this;
      }

      /**
       * Validates and builds.
       *
       * @throws IllegalStateException naming the missing or out-of-range option
       */
      public Options build() {
        if ((jdbcUrl == null) == (dataSource == null)) {
          throw new IllegalStateException("exactly one of jdbcUrl and dataSource is required");
        }
        if (jdbcUrl != null && !jdbcUrl.startsWith("jdbc:")) {
          throw new IllegalStateException("jdbcUrl must start with jdbc:");
        }
        if (poolSize < 1 || poolSize > 256) {
          throw new IllegalStateException("poolSize must be 1 to 256, was " + poolSize);
        }
        if (store == null) {
          throw new IllegalStateException("archiveStore is required");
        }
        if (baseUrl == null || baseUrl.getScheme() == null || baseUrl.getHost() == null
            || !(baseUrl.getScheme().equals("https") || baseUrl.getScheme().equals("http"))) {
          throw new IllegalStateException("baseUrl must be an absolute http(s) URL");
        }
        if (maxExpiry.compareTo(Duration.ofMinutes(1)) < 0 || maxExpiry.compareTo(Duration.ofDays(365)) > 0) {
          throw new IllegalStateException("maxExpiry must be 1 minute to 365 days");
        }
        if (maxDownloadsLimit < 1 || maxDownloadsLimit > 10000) {
          throw new IllegalStateException("maxDownloadsLimit must be 1 to 10000");
        }
        if (resumeWindow.compareTo(Duration.ofMinutes(1)) < 0 || resumeWindow.compareTo(Duration.ofDays(7)) > 0) {
          throw new IllegalStateException("resumeWindow must be 1 minute to 7 days");
        }
        return new Options(this);
      }
    }
  }
}
