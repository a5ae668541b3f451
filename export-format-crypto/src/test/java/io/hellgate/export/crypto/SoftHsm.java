package io.hellgate.export.crypto;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Fresh SoftHSM2 tokens for tests. SoftHSM2 reads {@code SOFTHSM2_CONF} once, when the JVM first
 * loads the library, so every token a test JVM needs is created up front, in a fresh temporary
 * token directory named by the configuration file that surefire points {@code SOFTHSM2_CONF} to.
 */
final class SoftHsm {
  static final String PIN = "4711-user-pin";
  static final String SO_PIN = "0815-so-pin";
  private static final List<String> LIBRARIES =
      List.of(
          "/usr/lib/softhsm/libsofthsm2.so",
          "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
          "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
          "/usr/local/lib/softhsm/libsofthsm2.so",
          "/opt/homebrew/lib/softhsm/libsofthsm2.so");
  private static SoftHsm instance;

  /** SunPKCS11 configuration of the token "recipient" (empty until a test puts a key in it). */
  final Path recipientConfig;
  /** SunPKCS11 configuration of the token "empty" (never gets a key). */
  final Path emptyConfig;
  /** SunPKCS11 configuration of the token "signer" (manifest signing keys, format 1.1). */
  final Path signerConfig;

  private SoftHsm(Path recipientConfig, Path emptyConfig, Path signerConfig) {
    this.recipientConfig = recipientConfig;
    this.emptyConfig = emptyConfig;
    this.signerConfig = signerConfig;
  }

  /** The tokens, or a skipped test with the reason. */
  static synchronized SoftHsm get() throws Exception {
    if (instance == null) {
      String library = LIBRARIES.stream().filter(l -> Files.isRegularFile(Path.of(l))).findFirst().orElse(null);
      assumeTrue(library != null, "SoftHSM2 is not installed (no libsofthsm2.so in " + LIBRARIES + "); skipping PKCS#11 tests. Install: apt-get install softhsm2 opensc");
      assumeTrue(run(List.of("softhsm2-util", "--version")) != null, "softhsm2-util is not on the PATH; skipping PKCS#11 tests");
      String conf = System.getenv("SOFTHSM2_CONF");
      assumeTrue(conf != null, "SOFTHSM2_CONF is not set (surefire sets it; see pom.xml); skipping PKCS#11 tests");
      Path confFile = Path.of(conf);
      Path tokens = freshTokenDirectory();
      Files.createDirectories(confFile.getParent());
      Files.writeString(confFile, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n");
      instance = new SoftHsm(token(library, "recipient"), token(library, "empty"), token(library, "signer"));
    }
    return instance;
  }

  /** A new temporary token directory, deleted when the JVM exits. */
  static Path freshTokenDirectory() throws IOException {
    Path tokens = Files.createTempDirectory("softhsm2-tokens-");
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try (Stream<Path> s = Files.walk(tokens)) {
                    for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                      Files.deleteIfExists(p);
                    }
                  } catch (IOException e) {
                    // best effort: it is a temporary directory
                  }
                }));
    return tokens;
  }

  private static Path token(String library, String label) throws Exception {
    String out =
        run(List.of("softhsm2-util", "--init-token", "--free", "--label", label, "--pin", PIN, "--so-pin", SO_PIN));
    assumeTrue(out != null, "softhsm2-util --init-token failed; skipping PKCS#11 tests");
    Matcher m = Pattern.compile("reassigned to slot (\\d+)").matcher(out);
    if (!m.find()) {
      throw new IllegalStateException("unexpected softhsm2-util output: " + out);
    }
    Path config = Path.of(System.getenv("SOFTHSM2_CONF")).resolveSibling(label + ".cfg");
    Files.writeString(config, "name = SoftHSM-" + label + "\nlibrary = " + library + "\nslot = " + m.group(1) + "\n");
    return config;
  }

  /** Runs a command with SOFTHSM2_CONF inherited; its output, or null if it failed. */
  static String run(List<String> command) throws InterruptedException {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return null;
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return null;
    }
  }
}
