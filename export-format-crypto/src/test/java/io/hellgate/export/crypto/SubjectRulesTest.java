package io.hellgate.export.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.junit.jupiter.api.Test;

/** The one subject rule behind both the policy check and keygen's request check. */
class SubjectRulesTest {
  private static X500Name name(String o, String c) {
    return new X500Name(new RDN[] {
      new RDN(BCStyle.C, new DERPrintableString(c, false)),
      new RDN(BCStyle.O, new DERUTF8String(o)),
      new RDN(BCStyle.CN, new DERUTF8String("export.acme.example"))
    });
  }

  @Test
  void acceptsNonEmptyOrganizationAndTwoLetterCountry() {
    assertThat(SubjectRules.organizationProblems(name("Acme Payments GmbH", "DE"))).isEmpty();
  }

  @Test
  void rejectsCountryThatIsNotATwoLetterCode() {
    // BouncyCastle's and OpenSSL's name builders refuse this; other encoders do not.
    assertThat(SubjectRules.organizationProblems(name("Acme Payments GmbH", "DEU")))
        .singleElement().asString().contains("two-letter ISO 3166 code").contains("DEU");
  }

  /** Regression: RFC 4514 escaping of spaces made a blank O look non-empty after trim(). */
  @Test
  void rejectsBlankOrganizationAndCountry() {
    assertThat(SubjectRules.organizationProblems(name("  ", " "))).containsExactly("O (Organization)", "C (Country)");
  }
}
