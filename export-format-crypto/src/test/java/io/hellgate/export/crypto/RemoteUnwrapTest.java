package io.hellgate.export.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hellgate.export.RecipientKey;
import io.hellgate.export.WrongKeyException;
import io.hellgate.export.crypto.example.HttpKeyUnwrapper;
import io.hellgate.export.crypto.example.RemoteUnwrapService;
import io.hellgate.export.internal.Fingerprints;
import io.hellgate.export.internal.RsaOaep;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The KeyUnwrapper example: a remote key service (simulated KMS) on a loopback HTTP endpoint. */
class RemoteUnwrapTest {
  private static final String TOKEN = "kms-bearer-token-7f3a";
  private static KeyPair current;
  private static X509Certificate currentCert;
  private static X509Certificate previousCert;
  private static RemoteUnwrapService kms;

  @TempDir static Path dir;

  @BeforeAll
  static void startKms() throws Exception {
    current = TestPki.rsa(2048);
    currentCert = TestPki.selfSigned(current, "CN=kms-2026, O=Acme Payments GmbH, C=DE");
    KeyPair previous = TestPki.rsa(2048);
    previousCert = TestPki.selfSigned(previous, "CN=kms-2025, O=Acme Payments GmbH, C=DE");
    Path store =
        TestPki.pkcs12(
            dir.resolve("kms.p12"),
            "kms-store-password",
            new TestPki.Entry("export-2026", current, currentCert),
            new TestPki.Entry("export-2025", previous, previousCert));
    kms = RemoteUnwrapService.start(store, "kms-store-password".toCharArray(), TOKEN);
  }

  @AfterAll
  static void stopKms() {
    kms.close();
  }

  @Test
  void rotationWithTwoRemoteKeysUsesOnlyTheMatchingOne() throws Exception {
    RecipientKey k2026 = HttpKeyUnwrapper.recipientKey(kms.uri(), "export-2026", TOKEN);
    RecipientKey k2025 = HttpKeyUnwrapper.recipientKey(kms.uri(), "export-2025", TOKEN);
    assertThat(k2026.fingerprint()).contains(Fingerprints.sha256(currentCert));
    assertThat(k2026.toString()).doesNotContain(TOKEN);

    int before = kms.decryptions();
    assertThat(TestPki.readAll(TestPki.archive(dir, previousCert, 4), k2026, k2025)).hasSize(4);
    assertThat(TestPki.readAll(TestPki.archive(dir, currentCert, 2), k2025, k2026)).hasSize(2);
    assertThat(kms.decryptions() - before).as("one remote decryption per export, no trial and error").isEqualTo(2);
  }

  @Test
  void unknownKeyAndBadCredentialsAreClear() {
    assertThatThrownBy(() -> HttpKeyUnwrapper.recipientKey(kms.uri(), "export-1999", TOKEN))
        .hasMessageContaining("has no key \"export-1999\"");
    assertThatThrownBy(() -> HttpKeyUnwrapper.recipientKey(kms.uri(), "export-2026", "guess"))
        .hasMessageContaining("rejected the credentials")
        .hasMessageNotContaining("guess");
  }

  @Test
  void exportForACertificateTheKmsDoesNotHold() throws Exception {
    KeyPair stranger = TestPki.rsa(2048);
    X509Certificate strangerCert = TestPki.selfSigned(stranger, "CN=stranger, O=Other GmbH, C=DE");
    RecipientKey key = HttpKeyUnwrapper.recipientKey(kms.uri(), "export-2026", TOKEN);
    assertThatThrownBy(() -> TestPki.readAll(TestPki.archive(dir, strangerCert, 1), key))
        .isInstanceOf(WrongKeyException.class)
        .hasMessageContaining(Fingerprints.sha256(strangerCert));
  }

  @Test
  void theServiceIsNoPaddingOracle() throws Exception {
    byte[] good = RsaOaep.wrap(currentCert.getPublicKey(), new byte[32], new SecureRandom());
    byte[] badPadding = good.clone();
    badPadding[100] ^= 1;
    byte[] badLength = new byte[17];
    byte[] outOfRange = new byte[256];
    java.util.Arrays.fill(outOfRange, (byte) 0xff);
    String[] answers = new String[3];
    int i = 0;
    for (byte[] ct : new byte[][] {badPadding, badLength, outOfRange}) {
      HttpResponse<String> r = post(ct);
      answers[i++] = r.statusCode() + " " + r.body();
    }
    assertThat(answers).containsOnly("400 {\"error\":\"decryption failed\"}");
    assertThat(post(good).statusCode()).isEqualTo(200);
  }

  private static HttpResponse<String> post(byte[] ciphertext) throws Exception {
    String body = "{\"algorithm\":\"RSAES_OAEP_SHA_256\",\"ciphertext\":\"" + Base64.getEncoder().encodeToString(ciphertext) + "\"}";
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(kms.uri() + "/v1/keys/export-2026/decrypt"))
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
