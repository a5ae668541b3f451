package io.hellgate.export.cli;

import io.hellgate.export.delivery.DeliveryServer;
import io.hellgate.export.delivery.DeliveryService;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code export-tool serve}: the download server for delivery links, HTTPS from a PKCS#12
 * keystore, or plain HTTP only with {@code --insecure-http}. Runs until interrupted (Ctrl-C,
 * SIGTERM), then stops the server and closes the database.
 */
@Command(name = "serve", description = {
    "Serve delivery links over HTTPS (see docs/delivery.md).",
    "The keystore password is read from --tls-password-file or $EXPORT_DELIVERY_TLS_PASSWORD."})
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DeliveryOptions delivery;

  @Option(names = "--port", paramLabel = "N", defaultValue = "8443", description = "Port (default ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
      description = "Address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 for all).")
  String host;

  @Option(names = "--tls-keystore", paramLabel = "P12", description = "PKCS#12 keystore with the server's key and certificate chain.")
  Path keystore;

  @Option(names = "--tls-password-file", paramLabel = "FILE", description = "File whose first line is the keystore password.")
  Path passwordFile;

  @Option(names = "--insecure-http", description = "Serve plain HTTP (no --tls-keystore): for local use only.")
  boolean insecureHttp;

  @Override
  public Integer call() throws Exception {
    if (keystore == null && !insecureHttp) {
      throw new ExportTool.UsageError("serve needs --tls-keystore P12 (HTTPS), or --insecure-http for local plain HTTP");
    }
    if (keystore != null && insecureHttp) {
      throw new ExportTool.UsageError("--insecure-http and --tls-keystore exclude each other");
    }
    DeliveryServer.Options.Builder o = DeliveryServer.options().host(host).port(port).insecureHttp(insecureHttp);
    if (keystore != null) {
      ExportTool.requireNotDirectory(keystore);
      o.tlsKeystore(keystore, password());
    }
    DeliveryServer.Options options;
    try {
      options = o.build();
    } catch (IllegalStateException e) {
      throw new ExportTool.UsageError(e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    DeliveryService service = delivery.open(null);
    DeliveryServer server;
    try {
      server = DeliveryServer.start(service, options);
    } catch (java.io.IOException e) {
      service.close();
      throw e;
    }
    Thread hook = new Thread(() -> {
      server.close();
      service.close();
    }, "export-tool-serve-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    out.println("export-tool serve: listening on " + server.uri() + (insecureHttp ? " (INSECURE plain HTTP)" : "")
        + "; links use " + delivery.baseUrl + "; Ctrl-C stops");
    out.flush();
    server.join();
    return ExportTool.OK;
  }

  private char[] password() throws java.io.IOException {
    if (passwordFile != null) {
      ExportTool.requireNotDirectory(passwordFile);
      String first = Files.readString(passwordFile, StandardCharsets.UTF_8).lines().findFirst().orElse("");
      return first.toCharArray();
    }
    String env = System.getenv("EXPORT_DELIVERY_TLS_PASSWORD");
    if (env == null) {
      throw new ExportTool.UsageError("the keystore password is needed: --tls-password-file FILE or $EXPORT_DELIVERY_TLS_PASSWORD");
    }
    return env.toCharArray();
  }
}
