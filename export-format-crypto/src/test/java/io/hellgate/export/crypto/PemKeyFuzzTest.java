package io.hellgate.export.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hellgate.export.RecipientKey;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Coverage-guided fuzzing (Jazzer) of the PEM private-key loader, {@link
 * RecipientKeys#fromPem(Path, char[])} (PKCS#8, encrypted PKCS#8, PKCS#1, legacy OpenSSL
 * encryption, a bundled certificate), with the password {@value #PASSWORD} and without one.
 *
 * <p><b>Property:</b> any file either yields a key or is rejected with a {@link
 * KeySourceException} (any reason) whose message does not contain the password. Any other
 * exception (BouncyCastle's runtime exceptions, a bare IOException), OOM or stack overflow is a
 * finding. Seeds: the testkit's golden recipient key, re-encoded by openssl (tools/fuzz-seeds.py).
 */
class PemKeyFuzzTest {
  /** The seeds' password (tools/fuzz-seeds.py). */
  static final String PASSWORD = "Sw0rdfish-9";

  private static final Path FILE = FuzzFiles.create("pem-key");

  @FuzzTest(maxDuration = "10s")
  void anyKeyFileIsLoadedOrRejectedTyped(byte[] input) throws IOException {
    FuzzFiles.write(FILE, input);
    for (char[] password : new char[][] {null, PASSWORD.toCharArray()}) {
      try {
        RecipientKey key = RecipientKeys.fromPem(FILE, password);
        assertThat(key).isNotNull();
      } catch (KeySourceException e) {
        assertThat(e.getMessage()).isNotBlank().doesNotContain(PASSWORD);
        assertThat(e.reason()).isNotNull();
      }
    }
  }

  /** The seeds reach the accepting path: each seed key loads (the encrypted ones with the password). */
  @org.junit.jupiter.api.Test
  void everySeedKeyLoads() throws Exception {
    Path dir = Path.of(PemKeyFuzzTest.class.getResource("PemKeyFuzzTestInputs/anyKeyFileIsLoadedOrRejectedTyped").toURI());
    try (var seeds = java.nio.file.Files.list(dir)) {
      for (Path seed : seeds.filter(p -> p.getFileName().toString().startsWith("seed-")).toList()) {
        assertThat(RecipientKeys.fromPem(seed, PASSWORD.toCharArray())).as(seed.getFileName().toString()).isNotNull();
      }
    }
    Path p12 = Path.of(PemKeyFuzzTest.class.getResource(
        "Pkcs12FuzzTestInputs/anyKeyStoreIsLoadedOrRejectedTyped/seed-golden-recipient.p12").toURI());
    assertThat(RecipientKeys.fromPkcs12(p12, null, PASSWORD.toCharArray()).fingerprint()).isPresent();
  }
}
