package io.hellgate.export.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Headless Debian Chromium driven through the system {@code /usr/bin/chromedriver} with the W3C
 * WebDriver wire protocol (JSON over loopback HTTP), using only the JDK's HTTP client and Jackson.
 *
 * <p>Why not Selenium: the test needs seven WebDriver commands; selenium-java brings a few dozen
 * jars (OpenTelemetry among them) into the build and its Selenium Manager tries to download a
 * driver or browser, which this machine cannot. Why not the DevTools protocol: it needs a WebSocket
 * client and is Chromium-specific, while WebDriver is a W3C standard that chromedriver speaks.
 * Nothing is downloaded: the driver and browser are Debian's.
 */
final class WebDriver implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

  private final Process driver;
  private final HttpClient http = HttpClient.newHttpClient();
  private final URI base;
  private final String session;

  static boolean available() {
    return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
  }

  /** Starts chromedriver and a headless Chromium session that downloads into {@code downloads}. */
  WebDriver(Path profile, Path downloads, Path log) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    driver = new ProcessBuilder(CHROMEDRIVER.toString(), "--port=" + port, "--allowed-ips=127.0.0.1",
        "--log-path=" + log)
        .redirectErrorStream(true).redirectOutput(log.resolveSibling("chromedriver.out").toFile()).start();
    base = URI.create("http://127.0.0.1:" + port);
    try {
      awaitReady();
      ObjectNode options = JSON.createObjectNode();
      options.put("binary", CHROMIUM.toString());
      options.set("args", JSON.valueToTree(List.of("--headless", "--no-sandbox", "--disable-gpu",
          "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
          "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile)));
      ObjectNode prefs = options.putObject("prefs");
      prefs.put("download.default_directory", downloads.toString());
      prefs.put("download.prompt_for_download", false);
      prefs.put("safebrowsing.enabled", false);
      ObjectNode always = JSON.createObjectNode();
      always.put("browserName", "chrome");
      always.put("acceptInsecureCerts", true); // the test PKI's root is not in Chromium's store
      always.set("goog:chromeOptions", options);
      ObjectNode caps = JSON.createObjectNode();
      caps.putObject("capabilities").set("alwaysMatch", always);
      session = call("POST", "/session", caps).path("value").path("sessionId").asText();
      if (session.isEmpty()) {
        throw new IOException("chromedriver gave no session");
      }
      ObjectNode cmd = JSON.createObjectNode();
      cmd.put("cmd", "Browser.setDownloadBehavior");
      cmd.putObject("params").put("behavior", "allow").put("downloadPath", downloads.toString());
      call("POST", "/session/" + session + "/goog/cdp/execute", cmd);
    } catch (Exception e) {
      driver.destroy();
      throw e;
    }
  }

  void open(URI url) throws Exception {
    call("POST", "/session/" + session + "/url", JSON.createObjectNode().put("url", url.toString()));
  }

  String title() throws Exception {
    return call("GET", "/session/" + session + "/title", null).path("value").asText();
  }

  /** The visible text of the element matching a CSS selector. */
  String text(String css) throws Exception {
    return call("GET", "/session/" + session + "/element/" + find(css) + "/text", null).path("value").asText();
  }

  void click(String css) throws Exception {
    call("POST", "/session/" + session + "/element/" + find(css) + "/click", JSON.createObjectNode());
  }

  private String find(String css) throws Exception {
    JsonNode v = call("POST", "/session/" + session + "/element",
        JSON.createObjectNode().put("using", "css selector").put("value", css)).path("value");
    String id = v.path(ELEMENT).asText();
    if (id.isEmpty()) {
      throw new IOException("no element " + css + ": " + v);
    }
    return id;
  }

  private void awaitReady() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (call("GET", "/status", null).path("value").path("ready").asBoolean()) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IOException("chromedriver did not become ready");
  }

  private JsonNode call(String method, String path, JsonNode body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json");
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode n = JSON.readTree(r.body());
    if (r.statusCode() != 200) {
      throw new IOException("WebDriver " + method + " " + path + " answered " + r.statusCode() + ": " + n.path("value"));
    }
    return n;
  }

  @Override
  public void close() throws Exception {
    try {
      if (session != null) {
        call("DELETE", "/session/" + session, null);
      }
    } finally {
      driver.destroy();
      if (!driver.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        driver.destroyForcibly();
      }
    }
  }
}
