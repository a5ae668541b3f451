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

  @Test
  void rejectsCountryCodesIsoDoesNotAssign() {
    assertThat(SubjectRules.organizationProblems(name("Acme Payments GmbH", "XX"))).singleElement().asString().contains("XX");
    assertThat(SubjectRules.organizationProblems(name("Acme Payments GmbH", "de"))).singleElement().asString().contains("de");
    assertThat(SubjectRules.organizationProblems(name("Acme Payments GmbH", "CH"))).isEmpty();
  }

  /** Regression: the first attribute of a multi-valued RDN was read, whatever its type. */
  @Test
  void readsOnlyTheRightAttributeOfAMultiValuedRdn() {
    String blank = "\u2003".repeat(10); // EM SPACEs: strip() empties them
    X500Name hiddenBlankO = new X500Name(new RDN[] {
      new RDN(BCStyle.C, new DERPrintableString("DE", false)),
      new RDN(new org.bouncycastle.asn1.x500.AttributeTypeAndValue[] {
        new org.bouncycastle.asn1.x500.AttributeTypeAndValue(BCStyle.CN, new DERUTF8String("Evil Corp")),
        new org.bouncycastle.asn1.x500.AttributeTypeAndValue(BCStyle.O, new DERUTF8String(blank))
      })
    });
    assertThat(SubjectRules.organizationProblems(hiddenBlankO)).containsExactly("O (Organization)");
    assertThat(CertificateRequests.check("CN=Evil Corp+O=" + blank + ", C=DE", 3072)).isNotEmpty();
    assertThat(CertificateRequests.check("CN=DE+C=XYZ, O=Acme Payments GmbH", 3072)).isNotEmpty();
    X500Name bothInOneRdn = new X500Name(new RDN[] {
      new RDN(new org.bouncycastle.asn1.x500.AttributeTypeAndValue[] {
        new org.bouncycastle.asn1.x500.AttributeTypeAndValue(BCStyle.O, new DERUTF8String("Acme Payments GmbH")),
        new org.bouncycastle.asn1.x500.AttributeTypeAndValue(BCStyle.C, new DERPrintableString("DE", false))
      })
    });
    assertThat(SubjectRules.organizationProblems(bothInOneRdn)).isEmpty();
    assertThat(SubjectRules.value(bothInOneRdn, BCStyle.C)).isEqualTo("DE");
  }

  /** A non-string value renders as #hex, which must not count as an organization. */
  @Test
  void ignoresNonStringValues() {
    X500Name octets = new X500Name(new RDN[] {
      new RDN(BCStyle.C, new DERPrintableString("DE", false)),
      new RDN(BCStyle.O, new org.bouncycastle.asn1.DEROctetString(new byte[] {1, 2}))
    });
    assertThat(SubjectRules.organizationProblems(octets)).containsExactly("O (Organization)");
  }

  /** Regression: RFC 4514 escaping of spaces made a blank O look non-empty after trim(). */
  @Test
  void rejectsBlankOrganizationAndCountry() {
    assertThat(SubjectRules.organizationProblems(name("  ", " "))).containsExactly("O (Organization)", "C (Country)");
  }
}
