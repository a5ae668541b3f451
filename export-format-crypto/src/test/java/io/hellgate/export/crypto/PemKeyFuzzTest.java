package io.hellgate.export.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hellgate.export.RecipientKey;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Coverage-guided fuzzing (Jazzer) of the PEM private-key loader, {@link
 * RecipientKeys#fromPem(Path, char[])} (PKCS#8, encrypted PKCS#8, PKCS#1, legacy OpenSSL
 * encryption, a bundled certificate), with the password {@code fuzz} and without one.
 *
 * <p><b>Property:</b> any file either yields a key or is rejected with a {@link
 * KeySourceException} (any reason) whose message does not contain the password. Any other
 * exception (BouncyCastle's runtime exceptions, a bare IOException), OOM or stack overflow is a
 * finding. Seeds: the testkit's golden recipient key, re-encoded by openssl (tools/fuzz-seeds.py).
 */
class PemKeyFuzzTest {
  private static final Path FILE = FuzzFiles.create("pem-key");

  @FuzzTest(maxDuration = "10s")
  void anyKeyFileIsLoadedOrRejectedTyped(byte[] input) throws IOException {
    FuzzFiles.write(FILE, input);
    for (char[] password : new char[][] {null, "fuzz".toCharArray()}) {
      try {
        RecipientKey key = RecipientKeys.fromPem(FILE, password);
        assertThat(key).isNotNull();
      } catch (KeySourceException e) {
        assertThat(e.getMessage()).isNotBlank().doesNotContain("fuzz-pem-key-fuzz");
        assertThat(e.reason()).isNotNull();
      }
    }
  }
}
