package io.hellgate.export.crypto.example;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.hellgate.export.internal.RsaOaep;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;

/**
 * A simulated cloud KMS, for the {@link HttpKeyUnwrapper} example: it keeps its RSA keys in its
 * own PKCS#12 key store (key ID = alias), never hands them out, and offers over HTTP on the loopback
 * interface what AWS KMS or Google Cloud KMS offer for asymmetric decryption keys:
 *
 * <ul>
 *   <li>{@code GET /v1/keys/{id}/certificate}: the key's certificate in PEM;
 *   <li>{@code POST /v1/keys/{id}/decrypt} with {@code {"algorithm":"RSAES_OAEP_SHA_256",
 *       "ciphertext":"<base64>"}}: {@code {"plaintext":"<base64>"}}.
 * </ul>
 *
 * <p>Every request needs {@code Authorization: Bearer <token>}. Every decryption failure (length,
 * padding, ciphertext out of range) gets the same {@code 400 {"error":"decryption failed"}}, so the
 * service is no padding oracle.
 */
public final class RemoteUnwrapService implements AutoCloseable {
  static final String ALGORITHM = "RSAES_OAEP_SHA_256";
  private static final Pattern PATH = Pattern.compile("/v1/keys/([A-Za-z0-9._-]+)/(certificate|decrypt)");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final KeyStore keys;
  private final char[] storePassword;
  private final byte[] tokenHash;
  private final AtomicInteger decryptions = new AtomicInteger();

  private RemoteUnwrapService(KeyStore keys, char[] storePassword, String bearerToken) throws IOException {
    this.keys = keys;
    this.storePassword = storePassword.clone();
    this.tokenHash = sha256(bearerToken);
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v1/keys/", this::handle);
    server.start();
  }

  /** Starts the service on a free loopback port with the keys of a PKCS#12 file. */
  public static RemoteUnwrapService start(Path pkcs12, char[] password, String bearerToken)
      throws IOException, GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(pkcs12)) {
      ks.load(in, password);
    }
    return new RemoteUnwrapService(ks, password, bearerToken);
  }

  /** The base address, {@code http://127.0.0.1:port}. */
  public URI uri() {
    return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort());
  }

  /** How many decrypt requests succeeded. */
  public int decryptions() {
    return decryptions.get();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      if (auth == null || !auth.startsWith("Bearer ") || !MessageDigest.isEqual(tokenHash, sha256(auth.substring(7)))) {
        send(ex, 401, Map.of("error", "unauthorized"));
        return;
      }
      Matcher m = PATH.matcher(ex.getRequestURI().getPath());
      if (!m.matches() || !keys.isKeyEntry(m.group(1))) {
        send(ex, 404, Map.of("error", "no such key"));
        return;
      }
      String id = m.group(1);
      if (m.group(2).equals("certificate") && ex.getRequestMethod().equals("GET")) {
        X509Certificate cert = (X509Certificate) keys.getCertificate(id);
        String pem = "-----BEGIN CERTIFICATE-----\n"
            + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(cert.getEncoded())
            + "\n-----END CERTIFICATE-----\n";
        sendRaw(ex, 200, "application/pem-certificate-chain", pem.getBytes(StandardCharsets.US_ASCII));
      } else if (m.group(2).equals("decrypt") && ex.getRequestMethod().equals("POST")) {
        decrypt(ex, id);
      } else {
        send(ex, 405, Map.of("error", "method not allowed"));
      }
    } catch (GeneralSecurityException | RuntimeException e) {
      send(ex, 500, Map.of("error", "internal error"));
    }
  }

  private void decrypt(HttpExchange ex, String id) throws IOException, GeneralSecurityException {
    JsonNode request;
    try (InputStream in = ex.getRequestBody()) {
      request = JSON.readTree(in.readNBytes(64 * 1024));
    } catch (IOException e) {
      send(ex, 400, Map.of("error", "malformed request"));
      return;
    }
    if (request == null || !ALGORITHM.equals(request.path("algorithm").asText())) {
      send(ex, 400, Map.of("error", "unsupported algorithm; this key supports " + ALGORITHM));
      return;
    }
    Key key = keys.getKey(id, storePassword);
    byte[] plaintext;
    try {
      byte[] ciphertext = Base64.getDecoder().decode(request.path("ciphertext").asText());
      Cipher c = Cipher.getInstance("RSA/ECB/OAEPPadding");
      c.init(Cipher.DECRYPT_MODE, (PrivateKey) key, RsaOaep.SHA256_MGF1_SHA256);
      plaintext = c.doFinal(ciphertext);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      send(ex, 400, Map.of("error", "decryption failed"));
      return;
    }
    try {
      decryptions.incrementAndGet();
      send(ex, 200, Map.of("plaintext", Base64.getEncoder().encodeToString(plaintext)));
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
  }

  private static void send(HttpExchange ex, int status, Map<String, String> body) throws IOException {
    sendRaw(ex, status, "application/json", JSON.writeValueAsBytes(body));
  }

  private static void sendRaw(HttpExchange ex, int status, String type, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    Arrays.fill(storePassword, '\0');
  }
}
