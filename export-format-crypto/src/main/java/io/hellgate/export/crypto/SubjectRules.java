package io.hellgate.export.crypto;

import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * The subject rule of the seed ("Subject includes at least O and C"), shared by
 * {@link CertificatePolicy} (check {@code subject.organization}) and {@link CertificateRequests}
 * (keygen's early check), so a request that passes keygen passes the policy's subject check.
 * O must be non-empty; C must be a two-letter ISO 3166 code (RFC 5280 makes it exactly two letters).
 */
final class SubjectRules {
  private SubjectRules() {}

  /**
   * The first non-blank value of {@code type}, trimmed, or null. Compares the decoded string, not
   * its RFC 4514 rendering, which escapes leading and trailing spaces (a blank value would survive
   * {@code trim()} as {@code "\\ "}).
   */
  static String value(X500Name name, ASN1ObjectIdentifier type) {
    for (RDN rdn : name.getRDNs(type)) {
      ASN1Encodable raw = rdn.getFirst().getValue();
      String v = raw instanceof ASN1String ? ((ASN1String) raw).getString() : IETFUtils.valueToString(raw);
      v = v.strip();
      if (!v.isEmpty()) {
        return v;
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
    } else if (!c.matches("[A-Za-z]{2}")) {
      problems.add("C (Country) as a two-letter ISO 3166 code (found '" + c + "')");
    }
    return problems;
  }
}
