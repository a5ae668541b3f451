package io.hellgate.export.delivery;

import io.hellgate.export.delivery.internal.AddressThrottle;
import io.hellgate.export.delivery.internal.Html;
import io.hellgate.export.delivery.internal.Tokens;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;

/**
 * The HTTP side of delivery (see {@link DeliveryServer} for the routes and the resume rule).
 * Database work runs on the request thread and is short; file transfers are asynchronous writes of
 * one bounded buffer each, so a slow client holds a connection and a buffer, never a thread.
 */
final class DownloadHandler extends Handler.Abstract {
  private static final String LINK = "/d/";
  private static final String GRANT = "/g/";
  private static final long REVOCATION_POLL_MILLIS = 1000;
  /** A grant's free bytes: the archive once, plus this much overlap for resumes (at most the size). */
  static final long RESUME_SLACK = 64L << 20;

  private final DeliveryService service;
  private final AddressThrottle throttle;
  private final int bufferSize;

  DownloadHandler(DeliveryService service, AddressThrottle throttle, int bufferSize) {
    this.service = service;
    this.throttle = throttle;
    this.bufferSize = bufferSize;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String path = Request.getPathInContext(request);
    String client = Request.getRemoteAddr(request);
    String ua = request.getHeaders().get(HttpHeader.USER_AGENT);
    String method = request.getMethod();
    common(response);
    boolean link = path.startsWith(LINK);
    boolean grant = path.startsWith(GRANT);
    if (!link && !grant) {
      notFound(response, callback, null, 0);
      return true;
    }
    long now = service.clock().millis();
    long wait = throttle.refusedFor(client, now);
    if (wait > 0) {
      response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString((wait + 999) / 1000));
      page(response, callback, 429, "Too many requests",
          "<p>Too many unknown links were tried from your address. Try again later.</p>");
      return true;
    }
    String token = path.substring(link ? LINK.length() : GRANT.length());
    if (!Tokens.wellFormed(token)) {
      notFound(response, callback, client, now);
      return true;
    }
    try {
      if (link && method.equals("GET")) {
        landing(token, client, ua, now, response, callback);
      } else if (link && method.equals("POST")) {
        grant(token, client, ua, now, response, callback);
      } else if (grant && method.equals("GET")) {
        transfer(request, token, client, ua, now, response, callback);
      } else {
        response.getHeaders().put(HttpHeader.ALLOW, link ? "GET, POST" : "GET");
        page(response, callback, 405, "Method not allowed", "<p>Method not allowed.</p>");
      }
    } catch (SQLException e) {
      throw DeliveryService.database(e);
    }
    return true;
  }

  // GET /d/TOKEN: the landing page; consumes nothing.
  private void landing(String token, String client, String ua, long now, Response response, Callback callback)
      throws SQLException {
    LinkRow l;
    try (Connection c = service.connection()) {
      l = LinkRow.byTokenHash(c, Tokens.hash(token));
    }
    if (l == null) {
      unknown(client, ua, now, response, callback);
      return;
    }
    String refusal = l.refusal(now);
    AuditLog.appendAlone(service, now, AuditEvent.Type.PAGE_VIEWED, l.requestId(), l.linkId(), client, ua,
        refusal == null ? "downloads left " + (l.maxDownloads() - l.downloadsUsed()) : "shown as " + refusal);
    if (refusal != null) {
      gone(l, refusal, response, callback);
      return;
    }
    String body = "<p>An encrypted export is ready for you. Check these values against what you expect, then download it."
        + " Only the button below counts as a download; opening this page does not.</p>\n<dl>"
        + dd("Request ID", l.requestId())
        + dd("File", fileName(l))
        + dd("Size", l.size() + " bytes")
        + dd("export_id", l.exportId())
        + dd("SHA-256", l.sha256())
        + dd("Expires", Instant.ofEpochMilli(l.expiresAt()) + " (UTC)")
        + dd("Downloads left", (l.maxDownloads() - l.downloadsUsed()) + " of " + l.maxDownloads())
        + "</dl>\n<form method=\"post\" action=\"" + LINK + token + "\">"
        + "<button type=\"submit\" id=\"download\">Download</button></form>";
    page(response, callback, 200, "Export download", body);
  }

  // POST /d/TOKEN: one conditional UPDATE grants a download, then 303 to the grant's URL.
  private void grant(String token, String client, String ua, long now, Response response, Callback callback)
      throws SQLException, IOException {
    LinkRow l;
    try (Connection c = service.connection()) {
      l = LinkRow.byTokenHash(c, Tokens.hash(token));
    }
    if (l == null) {
      unknown(client, ua, now, response, callback);
      return;
    }
    try {
      service.verifyStored(l);
    } catch (DeliveryException e) {
      AuditLog.appendAlone(service, now, AuditEvent.Type.DOWNLOAD_REFUSED, l.requestId(), l.linkId(), client, ua,
          "archive_mismatch: " + e.getMessage());
      page(response, callback, 503, "Not available", "<p>This export cannot be served right now. The sender has been told.</p>");
      return;
    }
    String secret = Tokens.newToken();
    if (!consume(l, secret, client, ua, now, "button")) {
      refused(l, client, ua, now, response, callback);
      return;
    }
    response.setStatus(303);
    response.getHeaders().put(HttpHeader.LOCATION, GRANT + secret);
    response.write(true, ByteBuffer.allocate(0), callback);
  }

  /**
   * The grant itself: one conditional UPDATE of the link, a grant row and its audit row in one
   * transaction. False if the UPDATE matched no row (expired, exhausted or revoked).
   */
  private boolean consume(LinkRow l, String secret, String client, String ua, long now, String how)
      throws SQLException {
    try (Connection c = service.connection()) {
      c.setAutoCommit(false);
      try {
        int updated;
        try (PreparedStatement ps = c.prepareStatement(
            "UPDATE delivery_link SET downloads_used = downloads_used + 1 WHERE link_id = ?"
                + " AND downloads_used < max_downloads AND expires_at > ? AND revoked_at IS NULL")) {
          ps.setString(1, l.linkId());
          ps.setLong(2, now);
          updated = ps.executeUpdate();
        }
        if (updated != 1) {
          c.rollback();
          return false;
        }
        String grantId = Tokens.newId("grt_");
        try (PreparedStatement ps = c.prepareStatement(
            "INSERT INTO download_grant (grant_id, grant_hash, link_id, granted_at, resume_until, full_served)"
                + " VALUES (?, ?, ?, ?, ?, ?)")) {
          ps.setString(1, grantId);
          ps.setString(2, Tokens.hash(secret));
          ps.setString(3, l.linkId());
          ps.setLong(4, now);
          ps.setLong(5, now + service.resumeWindow().toMillis());
          ps.setBoolean(6, !how.equals("button"));
          ps.executeUpdate();
        }
        AuditLog.append(c, now, AuditEvent.Type.DOWNLOAD_GRANTED, l.requestId(), l.linkId(), client, ua,
            "grant " + grantId + " (" + how + ")");
        c.commit();
        return true;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  // GET /g/SECRET: the transfer (200 full, or 206 resume).
  private void transfer(Request request, String secret, String client, String ua, long now, Response response,
      Callback callback) throws SQLException, IOException {
    String grantId;
    long resumeUntil;
    boolean fullServed;
    LinkRow l;
    try (Connection c = service.connection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT grant_id, link_id, resume_until, full_served FROM download_grant WHERE grant_hash = ?")) {
      ps.setString(1, Tokens.hash(secret));
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          l = null;
          grantId = null;
          resumeUntil = 0;
          fullServed = false;
        } else {
          grantId = rs.getString(1);
          resumeUntil = rs.getLong(3);
          fullServed = rs.getBoolean(4);
          l = LinkRow.byId(c, rs.getString(2));
        }
      }
    }
    if (l == null) {
      unknown(client, ua, now, response, callback);
      return;
    }
    Path file;
    try {
      file = service.verifyStored(l);
    } catch (DeliveryException e) {
      AuditLog.appendAlone(service, now, AuditEvent.Type.DOWNLOAD_REFUSED, l.requestId(), l.linkId(), client, ua,
          "archive_mismatch: " + e.getMessage());
      page(response, callback, 503, "Not available", "<p>This export cannot be served right now.</p>");
      return;
    }
    String etag = "\"" + l.sha256() + "\"";
    String range = request.getHeaders().get(HttpHeader.RANGE);
    String ifRange = request.getHeaders().get(HttpHeader.IF_RANGE);
    boolean ranged = range != null && (ifRange == null || ifRange.trim().equals(etag));
    long start = 0;
    long end = l.size(); // exclusive
    boolean reserved = false;
    if (ranged) {
      long[] r = parseRange(range, l.size());
      if (r == null) {
        response.getHeaders().put(HttpHeader.CONTENT_RANGE, "bytes */" + l.size());
        page(response, callback, 416, "Range not satisfiable",
            "<p>Only one byte range within the file can be requested.</p>");
        return;
      }
      if (l.revokedAt() != null || now >= resumeUntil) {
        String why = l.revokedAt() != null ? "revoked" : "resume_window_closed";
        AuditLog.appendAlone(service, now, AuditEvent.Type.DOWNLOAD_REFUSED, l.requestId(), l.linkId(), client, ua,
            why + " (resume of grant " + grantId + ")");
        if (l.revokedAt() != null) {
          gone(l, "revoked", response, callback);
        } else {
          page(response, callback, 410, "Resume window closed", "<p>This download can no longer be resumed."
              + " Open the link again to start a new download, if any are left.</p>");
        }
        return;
      }
      start = r[0];
      end = r[1];
      if (!reserve(grantId, end - start, budget(l))) {
        AuditLog.appendAlone(service, now, AuditEvent.Type.DOWNLOAD_REFUSED, l.requestId(), l.linkId(), client, ua,
            "grant_budget_spent (resume of grant " + grantId + " for bytes " + start + "-" + (end - 1) + ")");
        page(response, callback, 410, "Already delivered", "<p>This download has already delivered the file."
            + " Open the link again to start a new download, if any are left.</p>");
        return;
      }
      reserved = true;
      AuditLog.appendAlone(service, now, AuditEvent.Type.DOWNLOAD_RESUMED, l.requestId(), l.linkId(), client, ua,
          "grant " + grantId + " bytes " + start + "-" + (end - 1) + "/" + l.size());
    } else {
      boolean first = false;
      if (!fullServed && l.revokedAt() == null && now < resumeUntil) {
        try (Connection c = service.connection();
            PreparedStatement ps = c.prepareStatement(
                "UPDATE download_grant SET full_served = TRUE, bytes_reserved = bytes_reserved + ?"
                    + " WHERE grant_id = ? AND full_served = FALSE AND bytes_reserved + ? <= ?")) {
          ps.setLong(1, l.size());
          ps.setString(2, grantId);
          ps.setLong(3, l.size());
          ps.setLong(4, budget(l));
          first = ps.executeUpdate() == 1;
        }
      }
      reserved = first;
      if (!first && !consume(l, Tokens.newToken(), client, ua, now, "full GET on grant " + grantId)) {
        refused(l, client, ua, now, response, callback);
        return;
      }
    }
    response.setStatus(ranged ? 206 : 200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/gzip");
    response.getHeaders().put(HttpHeader.CONTENT_DISPOSITION, "attachment; filename=\"" + fileName(l) + "\"");
    response.getHeaders().put(HttpHeader.ETAG, etag);
    response.getHeaders().put(HttpHeader.ACCEPT_RANGES, "bytes");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, Long.toString(end - start));
    if (ranged) {
      response.getHeaders().put(HttpHeader.CONTENT_RANGE, "bytes " + start + "-" + (end - 1) + "/" + l.size());
    }
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
    new Transfer(l, grantId, reserved, ch, start, end, client, ua, response, callback).iterate();
  }

  /**
   * The free bytes of one grant: the archive once, plus an overlap for resumes of at most 64 MiB
   * and less than {@code size / maxDownloads}, so that all grants of a link together never yield
   * one more whole copy than {@code maxDownloads}, however the ranges are combined.
   */
  static long budget(LinkRow l) {
    return l.size() + Math.min(RESUME_SLACK, (l.size() - 1) / l.maxDownloads());
  }

  /** Reserves {@code bytes} of the grant's budget by one conditional UPDATE; false if they do not fit. */
  private boolean reserve(String grantId, long bytes, long budget) throws SQLException {
    try (Connection c = service.connection();
        PreparedStatement ps = c.prepareStatement("UPDATE download_grant SET bytes_reserved = bytes_reserved + ?"
            + " WHERE grant_id = ? AND bytes_reserved + ? <= ?")) {
      ps.setLong(1, bytes);
      ps.setString(2, grantId);
      ps.setLong(3, bytes);
      ps.setLong(4, budget);
      return ps.executeUpdate() == 1;
    }
  }

  /** One file transfer: a bounded buffer, refilled after each asynchronous write completes. */
  private final class Transfer extends IteratingCallback {
    private final LinkRow link;
    private final String grantId;
    private final boolean reserved;
    private final FileChannel channel;
    private final long start;
    private final long end;
    private final String client;
    private final String ua;
    private final Response response;
    private final Callback callback;
    private final ByteBuffer buffer;
    private final AtomicBoolean cut;
    private final long startedNanos = System.nanoTime();
    private long position;
    private long acked;
    private long lastPoll = System.nanoTime();

    Transfer(LinkRow link, String grantId, boolean reserved, FileChannel channel, long start, long end, String client,
        String ua, Response response, Callback callback) {
      this.link = link;
      this.grantId = grantId;
      this.reserved = reserved;
      this.channel = channel;
      this.start = start;
      this.end = end;
      this.client = client;
      this.ua = ua;
      this.response = response;
      this.callback = callback;
      this.buffer = ByteBuffer.allocateDirect((int) Math.min(bufferSize, Math.max(1, end - start)));
      this.position = start;
      this.acked = start;
      this.cut = service.transferStarted(link.linkId());
    }

    @Override
    protected Action process() throws Throwable {
      acked = position; // process() runs first, and then only after the previous write succeeded
      if (position >= end) {
        return Action.SUCCEEDED;
      }
      if (cut.get() || polledRevoked()) {
        throw new IOException("link revoked during the transfer");
      }
      buffer.clear();
      buffer.limit((int) Math.min(buffer.capacity(), end - position));
      while (buffer.hasRemaining()) {
        if (channel.read(buffer, position + buffer.position()) < 0) {
          throw new IOException("the stored archive ended early");
        }
      }
      buffer.flip();
      int n = buffer.remaining();
      position += n;
      response.write(position >= end, buffer, this);
      return Action.SCHEDULED;
    }

    private boolean polledRevoked() throws SQLException {
      long t = System.nanoTime();
      if (t - lastPoll < REVOCATION_POLL_MILLIS * 1_000_000L) {
        return false;
      }
      lastPoll = t;
      try (Connection c = service.connection();
          PreparedStatement ps = c.prepareStatement("SELECT revoked_at FROM delivery_link WHERE link_id = ?")) {
        ps.setString(1, link.linkId());
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          rs.getLong(1);
          return !rs.wasNull();
        }
      }
    }

    @Override
    protected void onCompleteSuccess() {
      finish(null);
      callback.succeeded();
    }

    @Override
    protected void onCompleteFailure(Throwable cause) {
      finish(cause);
      callback.failed(cause);
    }

    private void finish(Throwable cause) {
      try {
        record(cause);
      } finally {
        service.transferEnded(link.linkId(), cut); // after its audit rows: quiet means recorded
      }
    }

    private void record(Throwable cause) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // read-only channel
      }
      long now = service.clock().millis();
      long ms = (System.nanoTime() - startedNanos) / 1_000_000;
      long sent = (cause == null ? end : acked) - start; // bytes whose write completed

      try {
        // what was never handed to a write goes back to the grant's budget, so the client can resume
        // it; a write that failed may still have delivered part of its buffer, so it stays spent
        long handedOver = (cause == null ? end : position) - start;
        if (reserved && handedOver < end - start) {
          try (Connection c = service.connection();
              PreparedStatement ps = c.prepareStatement(
                  "UPDATE download_grant SET bytes_reserved = bytes_reserved - ? WHERE grant_id = ?")) {
            ps.setLong(1, end - start - handedOver);
            ps.setString(2, grantId);
            ps.executeUpdate();
          }
        }
        if (cause == null) {
          if (end == link.size()) {
            try (Connection c = service.connection();
                PreparedStatement ps = c.prepareStatement(
                    "UPDATE download_grant SET completed_at = ? WHERE grant_id = ? AND completed_at IS NULL")) {
              ps.setLong(1, now);
              ps.setString(2, grantId);
              ps.executeUpdate();
            }
            AuditLog.appendAlone(service, now, AuditEvent.Type.DOWNLOAD_COMPLETED, link.requestId(), link.linkId(),
                client, ua, "grant " + grantId + ", " + sent + " bytes (" + start + "-" + (end - 1) + ") in " + ms + " ms");
          }
        } else {
          String why = cut.get() || String.valueOf(cause.getMessage()).contains("revoked")
              ? "link revoked: transfer cut" : "connection lost: " + cause.getClass().getSimpleName();
          AuditLog.appendAlone(service, now, AuditEvent.Type.DOWNLOAD_INTERRUPTED, link.requestId(), link.linkId(),
              client, ua, "grant " + grantId + ", " + why + " after " + sent + " of " + (end - start)
                  + " bytes from offset " + start + " in " + ms + " ms");
        }
      } catch (SQLException e) {
        // the transfer's outcome stands; the audit row could not be written
        System.getLogger(DeliveryServer.class.getName()).log(System.Logger.Level.ERROR,
            "audit write failed for link " + link.linkId() + ": " + e.getMessage());
      }
    }
  }

  /** Parses one {@code bytes=a-b}, {@code bytes=a-} or {@code bytes=-n} range: {start, endExclusive}. */
  static long[] parseRange(String header, long size) {
    String h = header.trim();
    if (!h.startsWith("bytes=") || h.indexOf(',') >= 0) {
      return null;
    }
    String spec = h.substring(6).trim();
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return null;
    }
    try {
      String a = spec.substring(0, dash).trim();
      String b = spec.substring(dash + 1).trim();
      if (a.isEmpty()) {
        long n = Long.parseLong(b);
        if (n <= 0) {
          return null;
        }
        return new long[] {Math.max(0, size - n), size};
      }
      long s = Long.parseLong(a);
      long e = b.isEmpty() ? size - 1 : Math.min(Long.parseLong(b), size - 1);
      if (s < 0 || s >= size || e < s) {
        return null;
      }
      return new long[] {s, e + 1};
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private void refused(LinkRow l, String client, String ua, long now, Response response, Callback callback)
      throws SQLException {
    LinkRow fresh;
    try (Connection c = service.connection()) {
      fresh = LinkRow.byId(c, l.linkId());
    }
    String why = fresh.refusal(now);
    if (why == null) {
      why = "exhausted"; // a concurrent request took the last download between read and update
    }
    AuditLog.appendAlone(service, now, AuditEvent.Type.DOWNLOAD_REFUSED, l.requestId(), l.linkId(), client, ua, why);
    gone(fresh, why, response, callback);
  }

  private void unknown(String client, String ua, long now, Response response, Callback callback) throws SQLException {
    AuditLog.appendAlone(service, now, AuditEvent.Type.DOWNLOAD_REFUSED, null, null, client, ua, "unknown_token");
    notFound(response, callback, client, now);
  }

  private void notFound(Response response, Callback callback, String client, long now) {
    if (client != null) {
      throttle.failure(client, now);
    }
    page(response, callback, 404, "Not found", "<p>There is nothing at this address.</p>");
  }

  private void gone(LinkRow l, String why, Response response, Callback callback) {
    String text = switch (why) {
      case "expired" -> "This download link expired at " + Html.escape(Instant.ofEpochMilli(l.expiresAt()))
          + " (UTC, server time).";
      case "revoked" -> "This download link was revoked at "
          + Html.escape(Instant.ofEpochMilli(l.revokedAt() == null ? 0 : l.revokedAt())) + " (UTC).";
      default -> "All " + l.maxDownloads() + " downloads of this link were used.";
    };
    page(response, callback, 410, "Link no longer valid", "<p id=\"reason\" data-reason=\"" + why + "\">" + text + "</p>"
        + "<p>To receive this export, submit a new request that references request ID <b id=\"request-id\">"
        + Html.escape(l.requestId()) + "</b>; a new link can be issued after re-validation.</p>");
  }

  private static String dd(String term, Object value) {
    return "<dt>" + Html.escape(term) + "</dt><dd id=\"" + Html.escape(term.toLowerCase().replace(' ', '-'))
        + "\">" + Html.escape(value) + "</dd>";
  }

  static String fileName(LinkRow l) {
    return "export-" + l.exportId() + ".tgz";
  }

  /**
   * The server's error handler. Jetty's default error page shows the request URI (with its token)
   * and the exception's message (database host, user, pool state, file paths); this one answers
   * the status and a fixed sentence, and the cause goes to the server's log only.
   */
  static boolean error(Request request, Response response, Callback callback) {
    Object s = request.getAttribute(ErrorHandler.ERROR_STATUS);
    int status = s instanceof Integer i && i >= 400 && i <= 599 ? i : 500;
    if (request.getAttribute(ErrorHandler.ERROR_EXCEPTION) instanceof Throwable t) {
      System.getLogger(DeliveryServer.class.getName()).log(System.Logger.Level.ERROR, "request failed: " + t);
    }
    response.reset();
    common(response);
    page(response, callback, status, "Error " + status, "<p>The request could not be served. Try again later.</p>");
    return true;
  }

  private static void common(Response response) {
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put("Referrer-Policy", "no-referrer");
    response.getHeaders().put("X-Content-Type-Options", "nosniff");
    response.getHeaders().put("X-Frame-Options", "DENY");
    response.getHeaders().put("Content-Security-Policy",
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  }

  private static void page(Response response, Callback callback, int status, String title, String body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html; charset=utf-8");
    Content.Sink.write(response, true, Html.page(title, body), callback);
  }
}
