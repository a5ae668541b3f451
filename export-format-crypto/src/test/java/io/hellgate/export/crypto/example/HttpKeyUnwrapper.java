package io.hellgate.export.crypto.example;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hellgate.export.KeyUnwrapper;
import io.hellgate.export.RecipientKey;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;

/**
 * Example of what an HSM vendor or cloud-KMS integration writes: a {@link KeyUnwrapper} that asks
 * a remote key service to perform RSA-OAEP-256 decryption, so the private key never reaches this
 * process. Exercised against {@link RemoteUnwrapService} in {@code RemoteUnwrapTest}.
 *
 * <p>Follows the {@link KeyUnwrapper} contract: it requests exactly RSAES-OAEP with SHA-256,
 * MGF1-SHA-256 and an empty label (the service's {@code RSAES_OAEP_SHA_256}); every failure becomes
 * one {@link GeneralSecurityException} that names the HTTP status but not the service's reason, and
 * the service itself answers all decryption failures alike. The bearer token stays out of
 * {@code toString} and exception messages. Thread-safe: {@link HttpClient} is.
 *
 * <pre>{@code
 * RecipientKey key = HttpKeyUnwrapper.recipientKey(URI.create("https://kms.internal"), "export-2026", token);
 * ExportReader.Options options = ExportReader.options().key(key).build();
 * }</pre>
 */
public final class HttpKeyUnwrapper implements KeyUnwrapper {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http;
  private final URI keyUri;
  private final String bearerToken;

  private HttpKeyUnwrapper(URI base, String keyId, String bearerToken) {
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    this.keyUri = base.resolve("/v1/keys/" + keyId + "/");
    this.bearerToken = bearerToken;
  }

  /**
   * Fetches the key's certificate from the service and returns a {@link RecipientKey} whose
   * unwrapping happens remotely.
   *
   * @throws IOException if the service is unreachable, rejects the token or has no such key
   */
  public static RecipientKey recipientKey(URI base, String keyId, String bearerToken) throws IOException {
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(bearerToken, "bearerToken");
    HttpKeyUnwrapper unwrapper = new HttpKeyUnwrapper(base, keyId, bearerToken);
    return RecipientKey.of(unwrapper, unwrapper.certificate(keyId));
  }

  private X509Certificate certificate(String keyId) throws IOException {
    HttpResponse<byte[]> r = send(HttpRequest.newBuilder(keyUri.resolve("certificate")).GET());
    if (r.statusCode() == 401) {
      throw new IOException("the key service at " + keyUri.resolve("/") + " rejected the credentials");
    }
    if (r.statusCode() == 404) {
      throw new IOException("the key service at " + keyUri.resolve("/") + " has no key \"" + keyId + "\"");
    }
    if (r.statusCode() != 200) {
      throw new IOException("the key service answered HTTP " + r.statusCode() + " for the certificate of \"" + keyId + "\"");
    }
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(r.body()));
    } catch (CertificateException e) {
      throw new IOException("the key service returned no valid certificate for \"" + keyId + "\"", e);
    }
  }

  @Override
  public byte[] unwrap(byte[] encryptedKey) throws GeneralSecurityException {
    try {
      byte[] body =
          JSON.writeValueAsBytes(
              Map.of("algorithm", RemoteUnwrapService.ALGORITHM, "ciphertext", Base64.getEncoder().encodeToString(encryptedKey)));
      HttpResponse<byte[]> r =
          send(HttpRequest.newBuilder(keyUri.resolve("decrypt")).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)));
      if (r.statusCode() != 200) {
        throw new GeneralSecurityException("remote unwrap failed (HTTP " + r.statusCode() + ")");
      }
      JsonNode answer = JSON.readTree(r.body());
      return Base64.getDecoder().decode(answer.path("plaintext").asText());
    } catch (IOException | IllegalArgumentException e) {
      throw new GeneralSecurityException("remote unwrap failed (service unreachable or malformed answer)");
    }
  }

  private HttpResponse<byte[]> send(HttpRequest.Builder request) throws IOException {
    try {
      return http.send(
          request.header("Authorization", "Bearer " + bearerToken).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while calling the key service", e);
    }
  }

  @Override
  public String toString() {
    return "HttpKeyUnwrapper{" + keyUri + "}";
  }
}
