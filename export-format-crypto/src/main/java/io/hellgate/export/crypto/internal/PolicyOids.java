package io.hellgate.export.crypto.internal;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.CertificatePolicies;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.PolicyInformation;

/** Reads and classifies certificatePolicies OIDs. */
public final class PolicyOids {
  public static final String EV = "2.23.140.1.1";
  public static final String TLS_DV = "2.23.140.1.2.1";
  public static final String TLS_OV = "2.23.140.1.2.2";
  public static final String TLS_IV = "2.23.140.1.2.3";
  public static final String SMIME_MAILBOX = "2.23.140.1.5.1";
  public static final String SMIME_ORGANIZATION = "2.23.140.1.5.2";
  public static final String SMIME_SPONSOR = "2.23.140.1.5.3";
  public static final String SMIME_INDIVIDUAL = "2.23.140.1.5.4";

  private PolicyOids() {}

  /**
   * The policy OIDs of a certificate, in order.
   *
   * @throws IllegalArgumentException if the extension is present but malformed
   */
  public static List<String> of(X509Certificate cert) {
    byte[] ext = cert.getExtensionValue(Extension.certificatePolicies.getId());
    List<String> out = new ArrayList<>();
    if (ext == null) {
      return out;
    }
    try {
      CertificatePolicies policies =
          CertificatePolicies.getInstance(ASN1OctetString.getInstance(ext).getOctets());
      for (PolicyInformation pi : policies.getPolicyInformation()) {
        out.add(pi.getPolicyIdentifier().getId());
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("the certificatePolicies extension is malformed");
    }
    return out;
  }

  /** Whether {@code oid} equals {@code arc} or lies under it. */
  public static boolean under(String oid, String arc) {
    return oid.equals(arc) || oid.startsWith(arc + ".");
  }

  /** A short name for a CA/Browser Forum level that is too weak, or null if the OID is not one. */
  public static String weakLevel(String oid) {
    if (oid.equals(TLS_DV)) {
      return "Domain Validated (DV)";
    }
    if (oid.equals(TLS_IV) || under(oid, SMIME_INDIVIDUAL)) {
      return "Individual Validated (IV)";
    }
    if (under(oid, SMIME_MAILBOX)) {
      return "S/MIME mailbox-validated";
    }
    return null;
  }
}
