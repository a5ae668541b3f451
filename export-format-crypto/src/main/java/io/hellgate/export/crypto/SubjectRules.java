package io.hellgate.export.crypto;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

/**
 * The subject rule of the seed ("Subject includes at least O and C"), shared by
 * {@link CertificatePolicy} (check {@code subject.organization}) and {@link CertificateRequests}
 * (keygen's early check), so a request that passes keygen passes the policy's subject check.
 * O must be a non-blank string; C must be an ISO 3166-1 alpha-2 code in upper case, as the JDK's
 * {@link Locale#getISOCountries()} lists them (so not {@code XX} or {@code de}). In a multi-valued
 * RDN ({@code CN=x+O=y}) only the attributes of the type asked for count.
 */
final class SubjectRules {
  /** ISO 3166-1 alpha-2 country codes, upper case, as the JDK lists them. */
  private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());

  private SubjectRules() {}

  /**
   * The first non-blank value of {@code type}, trimmed, or null. Compares the decoded string, not
   * its RFC 4514 rendering, which escapes leading and trailing spaces (a blank value would survive
   * {@code trim()} as {@code "\\ "}).
   */
  static String value(X500Name name, ASN1ObjectIdentifier type) {
    for (RDN rdn : name.getRDNs(type)) {
      // A multi-valued RDN (CN=x+O=y) holds several attributes: read only those of this type.
      for (AttributeTypeAndValue tv : rdn.getTypesAndValues()) {
        if (!tv.getType().equals(type)) {
          continue;
        }
        ASN1Encodable raw = tv.getValue();
        if (!(raw instanceof ASN1String)) {
          continue; // not a string (rendered as #hex, never a name)
        }
        String v = ((ASN1String) raw).getString().strip();
        if (!v.isEmpty()) {
          return v;
        }
      }
    }
    return null;
  }

  /** What the subject lacks, as short phrases ({@code "O (Organization)"}); empty if nothing. */
  static List<String> organizationProblems(X500Name subject) {
    List<String> problems = new ArrayList<>();
    if (value(subject, BCStyle.O) == null) {
      problems.add("O (Organization)");
    }
    String c = value(subject, BCStyle.C);
    if (c == null) {
      problems.add("C (Country)");
    } else if (!COUNTRIES.contains(c)) {
      problems.add("C (Country) as a two-letter ISO 3166 code such as DE (found '" + c + "')");
    }
    return problems;
  }
}
