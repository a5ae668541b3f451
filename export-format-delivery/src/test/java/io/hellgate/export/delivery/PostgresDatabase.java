package io.hellgate.export.delivery;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * The PostgreSQL server the tests use: {@code EXPORT_DELIVERY_PG_URL}, a JDBC URL with user and
 * password as parameters, set by {@code .ci/run} to a throwaway database on a loopback server.
 * Without it the PostgreSQL tests skip with a message (CI fails on any skip, and sets it).
 */
final class PostgresDatabase {
  static final String VARIABLE = "EXPORT_DELIVERY_PG_URL";

  private PostgresDatabase() {}

  /**
   * A fresh, empty schema on the server, as a JDBC URL whose connections use it by default.
   */
  static DeliveryContract.Database freshSchema() throws Exception {
    String url = System.getenv(VARIABLE);
    assumeTrue(url != null && !url.isBlank(), VARIABLE + " is not set: PostgreSQL tests skipped."
        + " .ci/run starts a throwaway server and sets it, e.g."
        + " jdbc:postgresql://127.0.0.1:55432/delivery?user=delivery&password=...");
    assumeTrue(url.startsWith("jdbc:postgresql:"), VARIABLE + " must be a jdbc:postgresql: URL");
    String schema = "t" + Long.toHexString(System.nanoTime()) + Long.toHexString(ProcessHandle.current().pid());
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    }
    String sep = URI.create(url.substring(5)).getQuery() == null ? "?" : "&";
    return new DeliveryContract.Database(url + sep + "currentSchema=" + schema, null, null);
  }
}
