package io.hellgate.export.delivery;

import io.hellgate.export.delivery.internal.Hashes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The hash-chained audit table. Appends take the chain head's row lock (SELECT ... FOR UPDATE), so
 * rows are numbered without gaps and each names its predecessor's hash; callers append inside the
 * transaction of the change they record, so the change and its audit row commit together.
 *
 * <p>Row hash = SHA-256(prev_hash || "\n" || content), content = every column but the hashes,
 * each written as {@code length:value} (or {@code -} for NULL) and joined with {@code |}.
 */
final class AuditLog {
  private static final int MAX_UA = 512;
  private static final int MAX_DETAIL = 4000;

  private AuditLog() {}

  static void append(Connection c, long at, AuditEvent.Type type, String requestId, String linkId,
      String client, String userAgent, String detail) throws SQLException {
    String ua = cut(userAgent, MAX_UA);
    String d = cut(detail, MAX_DETAIL);
    String cl = cut(client, 64);
    long seq;
    String prev;
    try (PreparedStatement ps = c.prepareStatement("SELECT seq, row_hash FROM audit_head WHERE id = 1 FOR UPDATE");
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        throw new SQLException("the audit chain head row is missing");
      }
      seq = rs.getLong(1) + 1;
      prev = rs.getString(2).trim();
    }
    String hash = hash(prev, seq, at, type.code(), requestId, linkId, cl, ua, d);
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO audit_event (seq, at_millis, event, request_id, link_id, client, user_agent, detail,"
            + " prev_hash, row_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setLong(1, seq);
      ps.setLong(2, at);
      ps.setString(3, type.code());
      ps.setString(4, requestId);
      ps.setString(5, linkId);
      ps.setString(6, cl);
      ps.setString(7, ua);
      ps.setString(8, d);
      ps.setString(9, prev);
      ps.setString(10, hash);
      ps.executeUpdate();
    }
    try (PreparedStatement ps = c.prepareStatement("UPDATE audit_head SET seq = ?, row_hash = ? WHERE id = 1")) {
      ps.setLong(1, seq);
      ps.setString(2, hash);
      ps.executeUpdate();
    }
  }

  /** Appends in a transaction of its own. */
  static void appendAlone(DeliveryService service, long at, AuditEvent.Type type, String requestId,
      String linkId, String client, String userAgent, String detail) throws SQLException {
    try (Connection c = service.connection()) {
      c.setAutoCommit(false);
      try {
        append(c, at, type, requestId, linkId, client, userAgent, detail);
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  static String hash(String prev, long seq, long at, String type, String requestId, String linkId,
      String client, String userAgent, String detail) {
    StringBuilder sb = new StringBuilder(prev).append('\n');
    field(sb, Long.toString(seq));
    field(sb, Long.toString(at));
    field(sb, type);
    field(sb, requestId);
    field(sb, linkId);
    field(sb, client);
    field(sb, userAgent);
    field(sb, detail);
    return Hashes.sha256Hex(sb.toString());
  }

  private static void field(StringBuilder sb, String v) {
    if (v == null) {
      sb.append("-|");
    } else {
      sb.append(v.length()).append(':').append(v).append('|');
    }
  }

  private static String cut(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max);
  }

  static List<AuditEvent> forRequest(Connection c, String requestId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT * FROM audit_event WHERE request_id = ? ORDER BY seq")) {
      ps.setString(1, requestId);
      try (ResultSet rs = ps.executeQuery()) {
        List<AuditEvent> out = new ArrayList<>();
        while (rs.next()) {
          out.add(read(rs));
        }
        return out;
      }
    }
  }

  private static AuditEvent read(ResultSet rs) throws SQLException {
    return new AuditEvent(rs.getLong("seq"), Instant.ofEpochMilli(rs.getLong("at_millis")),
        AuditEvent.Type.of(rs.getString("event")), rs.getString("request_id"), rs.getString("link_id"),
        rs.getString("client"), rs.getString("user_agent"), rs.getString("detail"),
        rs.getString("prev_hash").trim(), rs.getString("row_hash").trim());
  }

  /**
   * Walks the chain in seq order. For each row: its own hash must match its content (else CHANGED);
   * its seq must follow the previous one (else DELETED at the first missing seq); its prev_hash
   * must be the previous row's hash (else: INSERTED if it is the hash of the row before that, so
   * the previous row is extra; CHANGED if the previous row was rewritten with a fresh hash). At the
   * end the last row must be the recorded head (fewer rows: DELETED; more: INSERTED).
   */
  static AuditVerification verify(Connection c) throws SQLException {
    long headSeq;
    String headHash;
    try (PreparedStatement ps = c.prepareStatement("SELECT seq, row_hash FROM audit_head WHERE id = 1");
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        return new AuditVerification(0, AuditVerification.Problem.DELETED, 1, "", "the audit chain head row is missing");
      }
      headSeq = rs.getLong(1);
      headHash = rs.getString(2).trim();
    }
    String expectedPrev = DeliveryService.GENESIS;
    String beforePrev = null;
    long expectedSeq = 1;
    long rows = 0;
    String rawType;
    try (PreparedStatement ps = c.prepareStatement("SELECT * FROM audit_event ORDER BY seq");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        rows++;
        long seq = rs.getLong("seq");
        rawType = rs.getString("event");
        String prev = rs.getString("prev_hash").trim();
        String own = rs.getString("row_hash").trim();
        String recomputed = hash(prev, seq, rs.getLong("at_millis"), rawType, rs.getString("request_id"),
            rs.getString("link_id"), rs.getString("client"), rs.getString("user_agent"), rs.getString("detail"));
        if (seq > headSeq) {
          return bad(rows, AuditVerification.Problem.INSERTED, seq, headHash,
              "row " + seq + " is beyond the chain head (" + headSeq + "): inserted");
        }
        if (seq != expectedSeq) {
          return bad(rows, AuditVerification.Problem.DELETED, expectedSeq, headHash,
              "row " + expectedSeq + (seq - expectedSeq > 1 ? " to " + (seq - 1) : "") + " is missing: deleted");
        }
        if (!prev.equals(expectedPrev)) {
          if (prev.equals(beforePrev)) {
            return bad(rows, AuditVerification.Problem.INSERTED, seq - 1, headHash,
                "row " + (seq - 1) + " is not part of the chain (row " + seq + " follows row " + (seq - 2) + "): inserted");
          }
          return bad(rows, AuditVerification.Problem.CHANGED, seq - 1, headHash,
              "row " + (seq - 1) + " was changed (its hash was recomputed; row " + seq + " still names the original)");
        }
        if (!recomputed.equals(own)) {
          return bad(rows, AuditVerification.Problem.CHANGED, seq, headHash,
              "row " + seq + " was changed: its content does not match its hash");
        }
        beforePrev = expectedPrev;
        expectedPrev = own;
        expectedSeq = seq + 1;
      }
    }
    if (expectedSeq - 1 < headSeq) {
      return bad(rows, AuditVerification.Problem.DELETED, expectedSeq, headHash,
          "rows " + expectedSeq + " to " + headSeq + " are missing from the end: deleted");
    }
    if (!expectedPrev.equals(headHash)) {
      return bad(rows, AuditVerification.Problem.CHANGED, headSeq, headHash,
          "row " + headSeq + " was changed: it is not the recorded chain head");
    }
    return new AuditVerification(rows, null, 0, headHash,
        "audit chain intact: " + rows + " rows, head " + headHash);
  }

  private static AuditVerification bad(long rows, AuditVerification.Problem p, long seq, String head, String msg) {
    return new AuditVerification(rows, p, seq, head, "audit chain broken: " + msg);
  }
}
