package io.hellgate.export.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Coverage-guided fuzzing (Jazzer) of the certificate loaders, PEM and DER: {@link
 * RecipientKeys#readCertificate(Path)}, {@link CertificateInput.Builder#intermediatesPem(byte[])},
 * {@link CertificateInput.Builder#crl(byte[])} and {@link CertificatePolicy#evaluate(byte[])}, all
 * on the same input.
 *
 * <p><b>Property:</b> {@code readCertificate} yields a certificate or throws {@link
 * KeySourceException}; {@code intermediatesPem} and {@code crl} accept or throw {@link
 * CertificateInputException}; {@code evaluate} never throws and returns a decision that is either
 * accepted or lists at least one failed check, each with a code. Any other exception, OOM or stack
 * overflow is a finding. The policy is offline (no revocation fetches), at a fixed time. Seeds:
 * the testkit's golden recipient certificate as PEM, DER, a bundle and its public key.
 */
class CertificateFuzzTest {
  private static final Path FILE = FuzzFiles.create("certificate");
  private static final CertificatePolicy POLICY = policy();

  private static CertificatePolicy policy() {
    try (var in = CertificateFuzzTest.class.getResourceAsStream(
        "CertificateFuzzTestInputs/anyCertificateInputIsParsedOrRejectedTyped/seed-golden-recipient-cert.pem")) {
      return CertificatePolicy.builder()
          .trustAnchorsPem(in.readAllBytes())
          .onlineRevocation(false)
          .clock(Clock.fixed(Instant.parse("2026-01-15T10:43:00Z"), ZoneOffset.UTC))
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest(maxDuration = "10s")
  void anyCertificateInputIsParsedOrRejectedTyped(byte[] input) {
    FuzzFiles.write(FILE, input);
    try {
      assertThat(RecipientKeys.readCertificate(FILE)).isNotNull();
    } catch (KeySourceException e) {
      assertThat(e.getMessage()).isNotBlank();
    } catch (IOException e) {
      throw new AssertionError("readCertificate threw an untyped " + e, e);
    }
    try {
      CertificateInput.builder(input).intermediatesPem(input).crl(input).build();
    } catch (CertificateInputException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
    PolicyDecision decision = POLICY.evaluate(input);
    if (!decision.accepted()) {
      assertThat(decision.failures()).isNotEmpty().allSatisfy(c -> assertThat(c.code()).isNotBlank());
    }
    assertThat(Files.exists(FILE)).isTrue();
  }
}
