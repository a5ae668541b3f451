package io.hellgate.export.cli;

import io.hellgate.export.delivery.ArchiveStore;
import io.hellgate.export.delivery.DeliveryException;
import io.hellgate.export.delivery.DeliveryService;
import io.hellgate.export.crypto.CertificatePolicy;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The options every delivery command shares: where the database and the archive store are, and
 * the public base URL links are made with. Defaults: an H2 database and a store under
 * {@code ~/.export-tool/delivery/} (owner-only), so {@code serve} and {@code link} work on a fresh
 * machine; H2's AUTO_SERVER mode lets {@code link} commands run while {@code serve} holds the file.
 * A picocli mixin; one instance per invocation.
 */
final class DeliveryOptions {
  /** Environment variable with the database password (never an option: options show up in ps). */
  static final String DB_PASSWORD_VARIABLE = "EXPORT_DELIVERY_DB_PASSWORD";

  @Option(names = "--db", paramLabel = "JDBC_URL",
      description = "Database: jdbc:h2:file:PATH (default ~/.export-tool/delivery/db) or jdbc:postgresql://HOST/DB; "
          + "the password comes from $" + DB_PASSWORD_VARIABLE + ".")
  String db;

  @Option(names = "--db-user", paramLabel = "USER", description = "Database user.")
  String dbUser;

  @Option(names = "--store", paramLabel = "DIR",
      description = "Archive store directory, owner-only (default ~/.export-tool/delivery/archives).")
  Path store;

  @Option(names = "--base-url", paramLabel = "URL", defaultValue = "https://localhost:8443",
      description = "Public base URL of the server, used in the links (default ${DEFAULT-VALUE}).")
  URI baseUrl;

  /**
   * Flyway, HikariCP and Jetty report every step through java.util.logging (Jetty and HikariCP via
   * slf4j-jdk14) at INFO; the tool shows their warnings and errors only. Held here so the levels
   * are not lost when the loggers are collected.
   */
  private static final java.util.List<java.util.logging.Logger> LIBRARIES = java.util.List.of(
      java.util.logging.Logger.getLogger("org.flywaydb"),
      java.util.logging.Logger.getLogger("com.zaxxer.hikari"),
      java.util.logging.Logger.getLogger("org.eclipse.jetty"));

  static void quietMigrations() {
    LIBRARIES.forEach(l -> l.setLevel(java.util.logging.Level.WARNING));
  }

  static Path home() {
    return Path.of(System.getProperty("user.home"), ".export-tool", "delivery");
  }

  /** Opens the service (migrating the schema); {@code policy} may be null. */
  DeliveryService open(CertificatePolicy policy) throws IOException {
    quietMigrations();
    String url = db != null ? db
        : "jdbc:h2:file:" + home().resolve("db").toAbsolutePath() + ";AUTO_SERVER=TRUE";
    Path storeDir = store != null ? store : home().resolve("archives");
    DeliveryService.Options.Builder b = DeliveryService.options()
        .jdbcUrl(url)
        .archiveStore(ArchiveStore.filesystem(storeDir))
        .baseUrl(baseUrl)
        .poolSize(4);
    if (dbUser != null) {
      b.user(dbUser).password(System.getenv(DB_PASSWORD_VARIABLE));
    }
    if (policy != null) {
      b.policy(policy);
    }
    try {
      return DeliveryService.open(b.build());
    } catch (IllegalStateException e) {
      throw new ExportTool.UsageError(e.getMessage());
    }
  }

  /** A delivery refusal as a rejection (exit 1) with its stable code. */
  static ExportTool.Rejected rejected(DeliveryException e) {
    return new ExportTool.Rejected("[" + e.reason().code() + "] " + e.getMessage()
        + (e.failedChecks().isEmpty() ? "" : " (failed: " + String.join(", ", e.failedChecks()) + ")"));
  }

  /** {@code 72h}, {@code 30m}, {@code 7d}, {@code 90s} or ISO-8601 ({@code PT72H}). */
  static final class Durations implements CommandLine.ITypeConverter<Duration> {
    private static final Pattern SHORT = Pattern.compile("([1-9][0-9]{0,6})([smhd])");

    @Override
    public Duration convert(String value) {
      Matcher m = SHORT.matcher(value.toLowerCase(Locale.ROOT));
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        };
      }
      try {
        return Duration.parse(value);
      } catch (java.time.format.DateTimeParseException e) {
        throw new CommandLine.TypeConversionException(
            "'" + value + "' is not a duration such as 72h, 30m, 7d or PT72H");
      }
    }
  }
}
