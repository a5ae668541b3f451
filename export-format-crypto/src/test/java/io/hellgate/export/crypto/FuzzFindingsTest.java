package io.hellgate.export.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** One test per fuzzing finding, named for the behaviour (the inputs are replayed by the fuzz tests too). */
class FuzzFindingsTest {
  private static byte[] input(String name) throws Exception {
    try (InputStream in = FuzzFindingsTest.class.getResourceAsStream(
        "CertificateFuzzTestInputs/anyCertificateInputIsParsedOrRejectedTyped/" + name)) {
      return in.readAllBytes();
    }
  }

  /**
   * CertificateFuzzTest, 2026-12-07: a subject holding a string type BouncyCastle does not know
   * (tag 28), which the JDK's certificate parser accepts, made {@link CertificatePolicy#evaluate}
   * throw IllegalArgumentException instead of returning a decision.
   */
  @Test
  void aSubjectNameBouncyCastleCannotReadIsARejectionNotAnException() throws Exception {
    CertificatePolicy policy = CertificatePolicy.builder()
        .trustAnchorsPem(input("seed-golden-recipient-cert.pem"))
        .clock(Clock.fixed(Instant.parse("2026-01-15T10:43:00Z"), ZoneOffset.UTC))
        .build();
    PolicyDecision decision = policy.evaluate(input("crash-3ad2db9f913a242007a6d00cbe260d1f52d425ca"));
    assertThat(decision.accepted()).isFalse();
    assertThat(decision.failures()).anySatisfy(c -> {
      assertThat(c.code()).isEqualTo("subject.organization");
      assertThat(c.message()).contains("cannot be read");
    });
  }

  /**
   * CertificateFuzzTest, 2026-12-07 (second run, after the fix above): a subject O or C that is a
   * UTF8String holding invalid UTF-8, which the JDK accepts, made evaluate throw
   * IllegalArgumentException ("Invalid UTF-8 input") from SubjectRules.
   */
  @Test
  void aSubjectValueThatIsNotUtf8IsARejectionNotAnException() throws Exception {
    CertificatePolicy policy = CertificatePolicy.builder()
        .trustAnchorsPem(input("seed-golden-recipient-cert.pem"))
        .clock(Clock.fixed(Instant.parse("2026-01-15T10:43:00Z"), ZoneOffset.UTC))
        .build();
    PolicyDecision decision = policy.evaluate(input("crash-a4cd3835fe2f8ed6d1462a6a538c86b00d7e2469"));
    assertThat(decision.accepted()).isFalse();
    assertThat(decision.failures()).anySatisfy(c -> {
      assertThat(c.code()).isEqualTo("subject.organization");
      assertThat(c.message()).contains("cannot be read");
    });
  }
}
