package io.hellgate.export.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Coverage-guided fuzzing (Jazzer) of the PKCS#12 key-store loader, {@link
 * RecipientKeys#fromPkcs12(Path, String, char[])}, with the seeds' password.
 *
 * <p><b>Property:</b> any file either yields a key whose certificate matches it or is rejected
 * with a {@link KeySourceException} (any reason) whose message does not contain the password. Any other exception (the JDK's PKCS12KeyStore
 * runtime exceptions, a bare IOException), OOM or stack overflow is a finding. Seed: the testkit's
 * golden recipient key and certificate as a PKCS#12 file made by openssl with low iteration
 * counts (tools/fuzz-seeds.py).
 */
class Pkcs12FuzzTest {
  private static final Path FILE = FuzzFiles.create("pkcs12");

  @FuzzTest(maxDuration = "10s")
  void anyKeyStoreIsLoadedOrRejectedTyped(byte[] input) throws IOException {
    FuzzFiles.write(FILE, input);
    try {
      assertThat(RecipientKeys.fromPkcs12(FILE, null, PemKeyFuzzTest.PASSWORD.toCharArray()).fingerprint()).isPresent();
    } catch (KeySourceException e) {
      assertThat(e.getMessage()).isNotBlank().doesNotContain(PemKeyFuzzTest.PASSWORD);
    }
  }
}
