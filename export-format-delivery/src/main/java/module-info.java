/**
 * Delivery of export archives (seed step 5): time-limited, download-limited, audited download links
 * behind an approval gate (seed step 3). {@link io.hellgate.export.delivery.DeliveryService} is the
 * API; {@link io.hellgate.export.delivery.DeliveryServer} serves the links over HTTPS with Jetty;
 * storage is JDBC (H2 in file mode by default, PostgreSQL for production) with the schema under
 * Flyway, pooled by HikariCP. Only the API package is exported.
 */
module io.hellgate.export.delivery {
  requires transitive io.hellgate.export.crypto;
  requires transitive java.sql;
  requires com.zaxxer.hikari;
  requires flyway.core;
  requires org.eclipse.jetty.server;
  requires org.eclipse.jetty.http;
  requires org.eclipse.jetty.io;
  requires org.eclipse.jetty.util;

  exports io.hellgate.export.delivery;
}
