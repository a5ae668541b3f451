package io.hellgate.export.delivery;

import io.hellgate.export.testkit.TestPki;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** A real HTTP client (the JDK's), trusting only the test PKI's root, following no redirects. */
final class Http {
  final HttpClient client;

  Http(TestPki pki) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("root", pki.root());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    client = HttpClient.newBuilder()
        .sslContext(ssl)
        .followRedirects(HttpClient.Redirect.NEVER)
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }

  HttpResponse<String> get(URI uri, String... headers) throws IOException, InterruptedException {
    return client.send(request(uri, headers).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<byte[]> getBytes(URI uri, String... headers) throws IOException, InterruptedException {
    return client.send(request(uri, headers).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  HttpResponse<InputStream> getStream(URI uri, String... headers) throws IOException, InterruptedException {
    return client.send(request(uri, headers).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
  }

  HttpResponse<String> post(URI uri) throws IOException, InterruptedException {
    return client.send(request(uri).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** POST the button, then GET the grant: the file's bytes, or null if refused (410). */
  byte[] download(URI link) throws IOException, InterruptedException {
    HttpResponse<String> p = post(link);
    if (p.statusCode() == 410) {
      return null;
    }
    if (p.statusCode() != 303) {
      throw new IOException("POST answered " + p.statusCode());
    }
    HttpResponse<byte[]> f = getBytes(link.resolve(p.headers().firstValue("Location").orElseThrow()));
    if (f.statusCode() != 200) {
      throw new IOException("grant GET answered " + f.statusCode());
    }
    return f.body();
  }

  private static HttpRequest.Builder request(URI uri, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(120));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return b;
  }
}
