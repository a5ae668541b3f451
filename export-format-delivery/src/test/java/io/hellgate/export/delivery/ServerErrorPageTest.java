package io.hellgate.export.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.hellgate.export.delivery.internal.Tokens;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerErrorPageTest {
  /**
   * Regression: a database failure reached Jetty's default error page, which showed the request
   * URI with its token and the exception's message (the JDBC pool's name and state, or the database's own error text with
   * host and user names) to whoever sent the request.
   */
  @Test
  void databaseFailureAnswers500WithoutItsMessage(@TempDir Path dir) throws Exception {
    Fixture fx = new Fixture();
    DeliveryService service = fx.service("jdbc:h2:file:" + dir.resolve("db"), null, null, dir,
        URI.create("http://127.0.0.1"));
    try (DeliveryServer server = DeliveryServer.start(service, DeliveryServer.options().port(0).insecureHttp(true)
        .build())) {
      service.close(); // every database call now fails
      String token = Tokens.newToken();
      HttpResponse<String> r = new Http(fx.pki).get(server.uri().resolve("/d/" + token));
      assertThat(r.statusCode()).isEqualTo(500);
      assertThat(r.body()).doesNotContainIgnoringCase("database").doesNotContainIgnoringCase("hikari")
          .doesNotContain("Exception").doesNotContain(token);
      assertThat(r.headers().firstValue("cache-control")).hasValue("no-store");
    }
  }
}
