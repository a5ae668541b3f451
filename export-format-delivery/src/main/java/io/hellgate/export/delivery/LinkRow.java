package io.hellgate.export.delivery;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** One row of delivery_link. */
record LinkRow(String linkId, String requestId, String reissuedFrom, UUID exportId, String archiveKey,
    String sha256, long size, String recipientFingerprint, long createdAt, long expiresAt,
    int maxDownloads, int downloadsUsed, Long revokedAt, String revokeReason) {

  static LinkRow read(ResultSet rs) throws SQLException {
    long rv = rs.getLong("revoked_at");
    Long revoked = rs.wasNull() ? null : rv;
    return new LinkRow(rs.getString("link_id"), rs.getString("request_id"), rs.getString("reissued_from"),
        UUID.fromString(rs.getString("export_id").trim()), rs.getString("archive_key"),
        rs.getString("archive_sha256").trim(), rs.getLong("archive_size"), rs.getString("recipient_fingerprint"),
        rs.getLong("created_at"), rs.getLong("expires_at"), rs.getInt("max_downloads"),
        rs.getInt("downloads_used"), revoked, rs.getString("revoke_reason"));
  }

  static LinkRow byTokenHash(Connection c, String tokenHash) throws SQLException {
    return one(c, "SELECT * FROM delivery_link WHERE token_hash = ?", tokenHash);
  }

  static LinkRow byId(Connection c, String linkId) throws SQLException {
    return one(c, "SELECT * FROM delivery_link WHERE link_id = ?", linkId);
  }

  static LinkRow latestForRequest(Connection c, String requestId) throws SQLException {
    return one(c, "SELECT * FROM delivery_link WHERE request_id = ? ORDER BY created_at DESC, link_id", requestId);
  }

  static List<LinkRow> all(Connection c, int limit) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT * FROM delivery_link ORDER BY created_at DESC, link_id")) {
      ps.setMaxRows(Math.max(1, limit));
      try (ResultSet rs = ps.executeQuery()) {
        List<LinkRow> out = new ArrayList<>();
        while (rs.next()) {
          out.add(read(rs));
        }
        return out;
      }
    }
  }

  private static LinkRow one(Connection c, String sql, String arg) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, arg);
      ps.setMaxRows(1);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? read(rs) : null;
      }
    }
  }

  /** Why the link grants nothing at {@code now}, or null if it still may. */
  String refusal(long now) {
    if (revokedAt != null) {
      return "revoked";
    }
    if (now >= expiresAt) {
      return "expired";
    }
    if (downloadsUsed >= maxDownloads) {
      return "exhausted";
    }
    return null;
  }

  DeliveryLink toLink() {
    return new DeliveryLink(linkId, null, requestId, exportId, sha256, size, Instant.ofEpochMilli(createdAt),
        Instant.ofEpochMilli(expiresAt), maxDownloads, downloadsUsed,
        revokedAt == null ? null : Instant.ofEpochMilli(revokedAt), reissuedFrom);
  }
}
