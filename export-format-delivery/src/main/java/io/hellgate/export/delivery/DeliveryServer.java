package io.hellgate.export.delivery;

import io.hellgate.export.delivery.internal.AddressThrottle;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Serves a {@link DeliveryService}'s links over HTTPS (HTTP only with {@link
 * Options.Builder#insecureHttp(boolean)}, for local use).
 *
 * <p><b>Routes.</b> {@code GET /d/TOKEN}: a small HTML page (request ID, file name and size,
 * expiry, downloads left, the archive's SHA-256 and {@code export_id}) with a Download button;
 * it consumes nothing, so mail scanners that fetch every URL burn no download. {@code POST
 * /d/TOKEN} (the button): grants one download by the service's conditional UPDATE and answers
 * {@code 303 See Other} to {@code /g/GRANT}, a second 256-bit secret for this one grant. {@code GET
 * /g/GRANT}: the file, {@code 200} or {@code 206}. Unknown and malformed tokens get the same
 * {@code 404} with no hint whether a link exists; an address that sends too many of them within a
 * minute gets {@code 429} until its window ends (bounded memory). An expired, revoked or used-up
 * link gets {@code 410} with a page that says when it expired and which request ID to reference in
 * a new request.
 *
 * <p><b>Resume rule.</b> Every full ({@code 200}) transfer costs one download; a {@code 206}
 * never does. The button's grant pays for its first full transfer; a later full GET of the same
 * grant URL (no {@code Range}, or an {@code If-Range} that is not the current strong ETag) costs a
 * new download by the same conditional UPDATE, and is refused when none is left. A {@code GET} of
 * the grant URL with one byte range ({@code bytes=a-b}, {@code a-}, {@code -n}) and either no
 * {@code If-Range} or {@code If-Range} equal to the ETag ({@code "<archive SHA-256 hex>"}) is
 * served as {@code 206} for free while the grant's resume window ({@link
 * DeliveryService.Options.Builder#resumeWindow}) lasts, the link is not revoked (even after the
 * link expired: the download was granted in time) and the range fits the grant's byte budget.
 * The budget is the archive's size plus an overlap of {@code min(64 MiB, (size - 1) / maxDownloads)}
 * bytes (so all grants of a link together never yield more than {@code maxDownloads} whole copies,
 * however ranges are combined): every transfer on the
 * grant reserves its length from it by one conditional UPDATE and gets back, when it ends, what it
 * never handed to a write (a failed write stays spent), so resumes after interruptions fit, but ranges cannot fetch the archive again and
 * again for free ({@code 410} once spent). Several ranges or a range outside the file get {@code
 * 416}, never a full transfer.
 *
 * <p><b>Headers.</b> Every response carries {@code Cache-Control: no-store}, {@code
 * Referrer-Policy: no-referrer}, {@code X-Content-Type-Options: nosniff}, a strict
 * Content-Security-Policy and {@code X-Frame-Options: DENY}; files also {@code Content-Disposition:
 * attachment; filename="export-<export_id>.tgz"}, {@code ETag} and {@code Accept-Ranges}.
 *
 * <p><b>Why Jetty 12.</b> It runs on Java 17 (12.0 and 12.1 target 17), is embeddable without
 * the Servlet API (the core {@code Handler} API used here), writes asynchronously so that a slow
 * client holds one connection and one bounded buffer (128 KiB by default) rather than a thread, is
 * maintained with regular security releases, and speaks TLS from a PKCS#12 keystore through
 * {@code SslContextFactory}. The JDK's {@code com.sun.net.httpserver} blocks one thread per
 * transfer and lacks a production TLS story; Netty or Undertow would do, at the cost of more code
 * of our own for HTTP semantics.
 *
 * <p><b>Revocation mid-transfer.</b> A transfer checks its link between buffers: at once for a
 * revoke in this instance, and from the database at most a second later for one made elsewhere;
 * a revoked transfer is cut (the connection aborted) and the audit says so. Client addresses are
 * the TCP peer's; forwarded-for headers are not trusted.
 *
 * <p>Thread-safe; close it to stop the server (the service stays open).
 *
 * <pre>{@code
 * try (DeliveryServer server = DeliveryServer.start(service, DeliveryServer.options()
 *     .port(8443).tlsKeystore(Path.of("server.p12"), password).build())) {
 *   server.join();
 * }
 * }</pre>
 */
public final class DeliveryServer implements AutoCloseable {
  private final Server server;
  private final ServerConnector connector;
  private final boolean tls;

  private DeliveryServer(Server server, ServerConnector connector, boolean tls) {
    this.server = server;
    this.connector = connector;
    this.tls = tls;
  }

  /** A new options builder. */
  public static Options.Builder options() {
    return new Options.Builder();
  }

  /**
   * Starts serving.
   *
   * @throws java.io.IOException if the port cannot be bound or the keystore not loaded
   */
  public static DeliveryServer start(DeliveryService service, Options options) throws java.io.IOException {
    Objects.requireNonNull(service, "service");
    QueuedThreadPool pool = new QueuedThreadPool(options.maxThreads, 4);
    pool.setName("export-delivery");
    Server server = new Server(pool);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendDateHeader(true);
    ServerConnector connector;
    if (options.keystore != null) {
      SslContextFactory.Server ssl = new SslContextFactory.Server();
      ssl.setKeyStorePath(options.keystore.toString());
      ssl.setKeyStoreType("PKCS12");
      ssl.setKeyStorePassword(new String(options.keystorePassword));
      ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
      SecureRequestCustomizer src = new SecureRequestCustomizer();
      src.setSniHostCheck(false); // one certificate; the Host header is not used for routing
      src.setStsMaxAge(31536000);
      http.addCustomizer(src);
      connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(http));
    } else {
      connector = new ServerConnector(server, new HttpConnectionFactory(http));
    }
    connector.setHost(options.host);
    connector.setPort(options.port);
    connector.setIdleTimeout(options.idleTimeoutMillis);
    server.addConnector(connector);
    server.setHandler(new DownloadHandler(service,
        new AddressThrottle(options.maxBadTokens, 60_000, 10_000), options.bufferSize));
    server.setErrorHandler(DownloadHandler::error); // no URI (token) or exception message in error pages
    server.setStopTimeout(2000);
    try {
      server.start();
    } catch (Exception e) {
      try {
        server.stop();
      } catch (Exception ignored) {
        // best effort
      }
      throw new java.io.IOException("cannot start the delivery server on " + options.host + ":" + options.port
          + ": " + e.getMessage(), e);
    }
    return new DeliveryServer(server, connector, options.keystore != null);
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return connector.getLocalPort();
  }

  /** The URL this server answers at, e.g. {@code https://127.0.0.1:8443}. */
  public URI uri() {
    String host = connector.getHost() == null ? "127.0.0.1" : connector.getHost();
    return URI.create((tls ? "https://" : "http://") + (host.contains(":") ? "[" + host + "]" : host) + ":" + port());
  }

  /** Blocks until the server stops. */
  public void join() throws InterruptedException {
    server.join();
  }

  /** Stops the server, aborting transfers still running. */
  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("stopping the delivery server failed: " + e.getMessage(), e);
    }
  }

  /**
   * Options for {@link DeliveryServer#start}; immutable, {@link Builder#build()} validates. HTTPS
   * needs {@link Builder#tlsKeystore}; plain HTTP needs {@link Builder#insecureHttp(boolean)}.
   *
   * <pre>{@code
   * DeliveryServer.Options o = DeliveryServer.options().host("0.0.0.0").port(8443)
   *     .tlsKeystore(Path.of("/etc/export-delivery/server.p12"), password).build();
   * }</pre>
   */
  public static final class Options {
    final String host;
    final int port;
    final Path keystore;
    final char[] keystorePassword;
    final int maxThreads;
    final int bufferSize;
    final int maxBadTokens;
    final long idleTimeoutMillis;

    private Options(Builder b) {
      this.host = b.host;
      this.port = b.port;
      this.keystore = b.keystore;
      this.keystorePassword = b.keystorePassword == null ? null : b.keystorePassword.clone();
      this.maxThreads = b.maxThreads;
      this.bufferSize = b.bufferSize;
      this.maxBadTokens = b.maxBadTokens;
      this.idleTimeoutMillis = b.idleTimeoutMillis;
    }

    /** Builds {@link Options}; not thread-safe. */
    public static final class Builder {
      private String host = "127.0.0.1";
      private int port = 8443;
      private Path keystore;
      private char[] keystorePassword;
      private boolean insecureHttp;
      private int maxThreads = 64;
      private int bufferSize = 128 * 1024;
      private int maxBadTokens = 20;
      private long idleTimeoutMillis = 30_000;

      private Builder() {}

      /** The address to bind; default {@code 127.0.0.1}. */
      public Builder host(String host) {
        this.host = Objects.requireNonNull(host, "host");
        return this;
      }

      /** The port, 0 (any free port) to 65535; default 8443. */
      public Builder port(int port) {
        this.port = port;
        return this;
      }

      /** Serve HTTPS with this PKCS#12 keystore (the server's key and certificate chain). */
      public Builder tlsKeystore(Path p12, char[] password) {
        this.keystore = Objects.requireNonNull(p12, "p12");
        this.keystorePassword = Objects.requireNonNull(password, "password").clone();
        return this;
      }

      /** Allow plain HTTP when no keystore is given; for local use only. Default false. */
      public Builder insecureHttp(boolean insecure) {
        this.insecureHttp = insecure;
        return this;
      }

      /** Request threads, 8 to 1024; default 64 (transfers do not hold one). */
      public Builder maxThreads(int threads) {
        this.maxThreads = threads;
        return this;
      }

      /** The per-transfer buffer, 4 KiB to 4 MiB; default 128 KiB. */
      public Builder bufferSize(int bytes) {
        this.bufferSize = bytes;
        return this;
      }

      /** Unknown or malformed tokens one address may send per minute before 429, 1 to 10000; default 20. */
      public Builder maxBadTokensPerMinute(int max) {
        this.maxBadTokens = max;
        return this;
      }

      /** How long an idle connection (a stalled client) is kept, 1 s to 10 min; default 30 s. */
      public Builder idleTimeout(java.time.Duration timeout) {
        this.idleTimeoutMillis = timeout.toMillis();
        return this;
      }

      /**
       * Validates and builds.
       *
       * @throws IllegalStateException if neither a keystore nor insecureHttp is set, the keystore
       *     is not a readable file, or a limit is out of range
       */
      public Options build() {
        if (keystore == null && !insecureHttp) {
          throw new IllegalStateException(
              "HTTPS needs a PKCS#12 keystore (tlsKeystore); plain HTTP must be asked for with insecureHttp(true)");
        }
        if (keystore != null && !Files.isReadable(keystore)) {
          throw new IllegalStateException("the TLS keystore " + keystore + " is not a readable file");
        }
        if (port < 0 || port > 65535) {
          throw new IllegalStateException("port must be 0 to 65535, was " + port);
        }
        if (maxThreads < 8 || maxThreads > 1024) {
          throw new IllegalStateException("maxThreads must be 8 to 1024");
        }
        if (bufferSize < 4096 || bufferSize > (4 << 20)) {
          throw new IllegalStateException("bufferSize must be 4 KiB to 4 MiB");
        }
        if (maxBadTokens < 1 || maxBadTokens > 10000) {
          throw new IllegalStateException("maxBadTokensPerMinute must be 1 to 10000");
        }
        if (idleTimeoutMillis < 1000 || idleTimeoutMillis > 600_000) {
          throw new IllegalStateException("idleTimeout must be 1 s to 10 min");
        }
        Options o = new Options(this);
        if (keystorePassword != null) {
          Arrays.fill(keystorePassword, '\0');
        }
        return o;
      }
    }
  }
}
