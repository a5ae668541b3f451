package io.hellgate.export.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * An OCSP responder and CRL server on 127.0.0.1 (ephemeral port) for a {@link TestPki}. OCSP
 * requests are POSTed to {@code /ocsp}; CRLs are served at {@code /crl/<ca>.crl}, freshly signed
 * per request. {@code cas} may grow after start (it must be a concurrent list). Thread-safe.
 */
final class LoopbackRevocationServer implements AutoCloseable {
  private final HttpServer server;
  private final AtomicInteger ocspRequests = new AtomicInteger();
  private final AtomicInteger crlRequests = new AtomicInteger();

  LoopbackRevocationServer(List<TestCa> cas, Supplier<Instant> clock) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/ocsp",
        exchange -> {
          ocspRequests.incrementAndGet();
          try (InputStream in = exchange.getRequestBody()) {
            byte[] request = in.readNBytes(64 * 1024);
            respond(exchange, "application/ocsp-response", OcspResponder.respond(request, cas, clock.get()));
          } catch (RuntimeException e) {
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
          }
        });
    server.createContext(
        "/crl/",
        exchange -> {
          crlRequests.incrementAndGet();
          String path = exchange.getRequestURI().getPath();
          Instant now = clock.get();
          for (TestCa ca : cas) {
            if (path.equals("/crl/" + ca.name + ".crl")) {
              respond(exchange, "application/pkix-crl", ca.crl(now.minusSeconds(60), now.plusSeconds(86400)));
              return;
            }
          }
          exchange.sendResponseHeaders(404, -1);
          exchange.close();
        });
    server.start();
  }

  private static void respond(HttpExchange exchange, String type, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  int ocspRequests() {
    return ocspRequests.get();
  }

  int crlRequests() {
    return crlRequests.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
