package io.hellgate.export.crypto;

import io.hellgate.export.crypto.PolicyDecision.Check;
import io.hellgate.export.crypto.PolicyDecision.Status;
import io.hellgate.export.crypto.internal.CertificateParser;
import io.hellgate.export.crypto.internal.PolicyOids;
import io.hellgate.export.crypto.internal.Revocation;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSASSAPSSparams;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.NameConstraintValidatorException;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.asn1.x509.PKIXNameConstraintValidator;

/** One run of a {@link CertificatePolicy} over one {@link CertificateInput}; not thread-safe. */
final class Evaluation {
  static final String RAW_KEY =
      "A raw public key without a CA-issued certificate cannot be accepted. Please provide an OV"
          + " (or higher) X.509 certificate containing the public key.";
  static final String DV =
      "DV certificates do not provide organizational identity validation and are therefore not"
          + " sufficient. Please use an OV or EV certificate.";
  static final String PRIVATE_KEY =
      "The input contains a private key; it was not read further and is not repeated here. Never"
          + " send private keys, passphrases, or HSM access details. Submit only the X.509"
          + " certificate, and treat the exposed key as compromised: create a new key pair.";

  static final List<String> CODES =
      List.of(
          "certificate.parse",
          "validation_level",
          "subject.organization",
          "chain.trusted",
          "validity",
          "revocation",
          "key.algorithm",
          "key.usage",
          "signature.algorithm",
          "dedicated");

  /**
   * Signature algorithms with a broken digest, by OID (PKCS#1, ANSI X9, and the older OIW arc that
   * the JDK still verifies). {@link #weakSignature} also judges the JDK's algorithm name, so an OID
   * missing here but mapped by the JDK to an MD or SHA-1 algorithm fails too.
   */
  private static final Map<String, String> WEAK_SIGNATURES =
      Map.ofEntries(
          Map.entry("1.2.840.113549.1.1.2", "MD2withRSA"),
          Map.entry("1.2.840.113549.1.1.3", "MD4withRSA"),
          Map.entry("1.2.840.113549.1.1.4", "MD5withRSA"),
          Map.entry("1.2.840.113549.1.1.5", "SHA1withRSA"),
          Map.entry("1.3.14.3.2.2", "MD4withRSA"),
          Map.entry("1.3.14.3.2.3", "MD5withRSA"),
          Map.entry("1.3.14.3.2.4", "MD4withRSA"),
          Map.entry("1.3.14.3.2.13", "SHA1withDSA"),
          Map.entry("1.3.14.3.2.27", "SHA1withDSA"),
          Map.entry("1.3.14.3.2.29", "SHA1withRSA"),
          Map.entry("1.2.840.10045.4.1", "SHA1withECDSA"),
          Map.entry("1.2.840.10040.4.3", "SHA1withDSA"));

  /** Extensions a pinned self-signed leaf may mark critical: those this policy itself judges. */
  private static final Set<String> PINNED_CRITICAL_OK =
      Set.of(
          "2.5.29.15", // keyUsage
          "2.5.29.19", // basicConstraints
          "2.5.29.37", // extendedKeyUsage
          "2.5.29.32", // certificatePolicies
          "2.5.29.17"); // subjectAltName

  private static final String RSASSA_PSS = "1.2.840.113549.1.1.10";

  /** Message digests too weak for signatures, by OID, as used in RSASSA-PSS parameters. */
  private static final Map<String, String> WEAK_DIGESTS =
      Map.of(
          "1.3.14.3.2.26", "SHA-1",
          "1.2.840.113549.2.5", "MD5",
          "1.2.840.113549.2.4", "MD4",
          "1.2.840.113549.2.2", "MD2");

  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String ANY_EKU = "2.5.29.37.0";

  private final CertificatePolicy policy;
  private final CertificateInput input;
  private final Instant now;
  private final List<Check> checks = new ArrayList<>();

  private X509Certificate leaf;
  private final List<X509Certificate> intermediates = new ArrayList<>();
  /** Leaf first, then intermediates, excluding the anchor; null if no trusted path. */
  private List<X509Certificate> path;
  private X509Certificate anchor;

  Evaluation(CertificatePolicy policy, CertificateInput input) {
    this.policy = policy;
    this.input = input;
    this.now = policy.clock.instant();
  }

  PolicyDecision run() {
    if (!parse()) {
      for (String code : CODES.subList(1, CODES.size())) {
        add(code, Status.SKIPPED, "not checked: no certificate to check");
      }
      return new PolicyDecision(checks, null, null);
    }
    validationLevel();
    organization();
    chain();
    validity();
    revocation();
    keyAlgorithm();
    keyUsage();
    signatureAlgorithms();
    dedicated();
    return new PolicyDecision(checks, leaf, policy.name + " at " + now);
  }

  private void add(String code, Status status, String message) {
    checks.add(new Check(code, status, message));
  }

  private boolean parse() {
    String code = "certificate.parse";
    if (input.certificateLength() > policy.maxInputBytes) {
      add(code, Status.FAIL, "The input is " + input.certificateLength() + " bytes; at most "
          + policy.maxInputBytes + " are accepted for a certificate.");
      return false;
    }
    CertificateParser.Result r = CertificateParser.parse(input.certificateBytes());
    switch (r.kind()) {
      case PRIVATE_KEY:
        add(code, Status.FAIL, PRIVATE_KEY);
        return false;
      case PUBLIC_KEY:
        add(code, Status.FAIL, RAW_KEY);
        return false;
      case UNREADABLE:
        add(code, Status.FAIL, "Not an X.509 certificate: " + r.problem()
            + ". Please provide an OV (or higher) X.509 certificate in PEM format.");
        return false;
      default:
        break;
    }
    leaf = r.certificates().get(0);
    intermediates.addAll(r.certificates().subList(1, r.certificates().size()));
    intermediates.addAll(input.intermediates());
    add(code, Status.PASS, "X.509 certificate " + describe(leaf) + ", issued by "
        + leaf.getIssuerX500Principal().getName());
    return true;
  }

  private static String describe(X509Certificate c) {
    return "'" + c.getSubjectX500Principal().getName() + "' (serial "
        + c.getSerialNumber().toString(16) + ")";
  }

  private void validationLevel() {
    String code = "validation_level";
    List<String> oids;
    try {
      oids = PolicyOids.of(leaf);
    } catch (IllegalArgumentException e) {
      add(code, Status.FAIL, "The certificatePolicies extension is malformed. " + DV);
      return;
    }
    if (oids.isEmpty()) {
      add(code, Status.FAIL, "The certificate names no certificate policy, so it shows no"
          + " organization validation. " + DV);
      return;
    }
    for (String oid : oids) {
      String weak = PolicyOids.weakLevel(oid);
      if (weak != null) {
        add(code, Status.FAIL, "The certificate is " + weak + " (policy " + oid + "). " + DV);
        return;
      }
    }
    ValidationLevel best = null;
    String bestOid = null;
    for (String oid : oids) {
      ValidationLevel level = level(oid);
      if (level != null && (best == null || rank(level) > rank(best))) {
        best = level;
        bestOid = oid;
      }
    }
    if (best == null) {
      add(code, Status.FAIL, "None of the certificate's policies " + oids
          + " is an accepted organization-validation policy. " + DV);
    } else if (!policy.acceptedLevels.contains(best)) {
      add(code, Status.FAIL, "The certificate is " + best + " (policy " + bestOid
          + "), but this policy accepts only " + policy.acceptedLevels + ".");
    } else {
      add(code, Status.PASS, "Validation level " + best + " (policy " + bestOid + ")");
    }
  }

  private ValidationLevel level(String oid) {
    if (oid.equals(PolicyOids.EV)) {
      return ValidationLevel.EV;
    }
    if (oid.equals(PolicyOids.TLS_OV)) {
      return ValidationLevel.OV;
    }
    if (PolicyOids.under(oid, PolicyOids.SMIME_ORGANIZATION)) {
      return ValidationLevel.SMIME_ORGANIZATION;
    }
    if (PolicyOids.under(oid, PolicyOids.SMIME_SPONSOR)) {
      return ValidationLevel.SMIME_SPONSOR;
    }
    if (policy.privatePkiOids.contains(oid)) {
      return ValidationLevel.PRIVATE_PKI;
    }
    return null;
  }

  private static int rank(ValidationLevel l) {
    return l == ValidationLevel.EV ? 2 : 1;
  }

  private void organization() {
    String code = "subject.organization";
    List<String> missing;
    String summary = null;
    try {
      X500Name subject = X500Name.getInstance(leaf.getSubjectX500Principal().getEncoded());
      missing = SubjectRules.organizationProblems(subject);
      if (missing.isEmpty()) {
        summary = "Subject organization '" + SubjectRules.value(subject, BCStyle.O) + "', country "
            + SubjectRules.value(subject, BCStyle.C);
      }
    } catch (IllegalArgumentException e) {
      // Found by fuzzing: the JDK accepts names BouncyCastle cannot read (an unknown string tag,
      // a UTF8String that is not UTF-8).
      add(code, Status.FAIL, "The subject name cannot be read (an attribute value of an unsupported type "
          + "or encoding); the certificate must identify the receiving organization by O and C.");
      return;
    }
    if (missing.isEmpty()) {
      add(code, Status.PASS, summary);
    } else {
      add(code, Status.FAIL, "The subject lacks a non-empty " + String.join(" and ", missing)
          + "; the certificate must identify the receiving organization by O and C.");
    }
  }

  private static boolean selfSigned(X509Certificate c) {
    if (!c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
      return false;
    }
    return signedBy(c, c);
  }

  private static boolean signedBy(X509Certificate c, X509Certificate issuer) {
    if (!c.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
      return false;
    }
    try {
      c.verify(issuer.getPublicKey());
      return true;
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  /**
   * Whether a trust anchor may issue certificates: a version 3 CA certificate (basicConstraints
   * CA=true) whose keyUsage, if present, includes keyCertSign; or a version 1 root, which has no
   * extensions to say so. The JDK's PKIX validator checks neither for the anchor itself.
   */
  private static boolean mayIssue(X509Certificate a) {
    if (a.getVersion() < 3) {
      return true;
    }
    boolean[] ku = a.getKeyUsage();
    return a.getBasicConstraints() >= 0 && (ku == null || (ku.length > 5 && ku[5]));
  }

  private void chain() {
    String code = "chain.trusted";
    if (selfSigned(leaf)) {
      if (policy.privatePkiSelfSignedLeaves && policy.anchors.contains(leaf)) {
        // No PKIX run covers a pinned leaf, so its critical extensions are checked here (RFC 5280
        // 4.2: a certificate with a critical extension the relying party does not process is refused).
        List<String> unknown = new ArrayList<>();
        if (leaf.getCriticalExtensionOIDs() != null) {
          for (String oid : leaf.getCriticalExtensionOIDs()) {
            if (!PINNED_CRITICAL_OK.contains(oid)) {
              unknown.add(oid);
            }
          }
        }
        if (!unknown.isEmpty()) {
          java.util.Collections.sort(unknown);
          add(code, Status.FAIL, "The pinned self-signed certificate has critical extensions this"
              + " policy does not process: " + unknown + ".");
          return;
        }
        path = List.of();
        anchor = leaf;
        add(code, Status.PASS, "The self-signed certificate is itself a trust anchor of the"
            + " agreed private PKI.");
      } else {
        add(code, Status.FAIL, "The certificate is self-signed. It must be issued by an approved"
            + " public CA or an agreed private PKI.");
      }
      return;
    }
    List<X509Certificate> built = new ArrayList<>();
    X509Certificate current = leaf;
    built.add(current);
    X509Certificate notCa;
    while (true) {
      notCa = null; // of this step only
      X509Certificate found = null;
      for (X509Certificate a : policy.anchors) {
        if (signedBy(current, a)) {
          if (mayIssue(a)) {
            found = a;
            break;
          }
          notCa = a; // e.g. a pinned leaf: trusted for itself, never as an issuer
        }
      }
      if (found != null) {
        anchor = found;
        break;
      }
      X509Certificate next = null;
      for (X509Certificate i : intermediates) {
        if (!built.contains(i) && signedBy(current, i)) {
          next = i;
          break;
        }
      }
      if (next == null && notCa != null) {
        add(code, Status.FAIL, describe(current) + " is signed by the configured trust anchor "
            + describe(notCa) + ", which is not a CA (basicConstraints CA=true and keyUsage"
            + " keyCertSign are required to issue certificates).");
        return;
      }
      if (next == null) {
        add(code, Status.FAIL, "No chain from " + describe(current) + " to a configured trust"
            + " anchor: issuer '" + current.getIssuerX500Principal().getName() + "' is neither an"
            + " approved CA nor a supplied intermediate. The certificate must be issued by an"
            + " approved public CA or an agreed private PKI; include its intermediate certificates.");
        return;
      }
      if (built.size() >= policy.maxChainLength) {
        add(code, Status.FAIL, "The chain is longer than " + policy.maxChainLength
            + " certificates below the trust anchor.");
        return;
      }
      built.add(next);
      current = next;
    }
    String problem = anchorNameConstraints(built, anchor);
    if (problem != null) {
      add(code, Status.FAIL, "The chain to trust anchor '" + anchor.getSubjectX500Principal().getName()
          + "' is not valid: " + problem);
      return;
    }
    problem = pkix(built, anchor, now);
    if (problem == null) {
      path = List.copyOf(built);
      add(code, Status.PASS, "Chain of " + built.size() + " to trust anchor '"
          + anchor.getSubjectX500Principal().getName() + "'");
      return;
    }
    if (problem.startsWith("validity:")) {
      // validity has its own check; judge the chain's structure at a time all certificates share
      Instant at = commonInstant(built, anchor);
      String again = at == null ? "the validity periods in the chain do not overlap" : pkix(built, anchor, at);
      if (again == null) {
        path = List.copyOf(built);
        add(code, Status.PASS, "Chain of " + built.size() + " to trust anchor '"
            + anchor.getSubjectX500Principal().getName() + "' (structure verified at " + at
            + "; see validity)");
        return;
      }
      problem = again;
    }
    add(code, Status.FAIL, "The chain to trust anchor '" + anchor.getSubjectX500Principal().getName()
        + "' is not valid: " + problem);
  }

  private static Instant commonInstant(List<X509Certificate> chain, X509Certificate anchor) {
    Instant from = Instant.MIN;
    Instant to = Instant.MAX;
    List<X509Certificate> all = new ArrayList<>(chain);
    all.add(anchor);
    for (X509Certificate c : all) {
      Instant nb = c.getNotBefore().toInstant();
      Instant na = c.getNotAfter().toInstant();
      from = nb.isAfter(from) ? nb : from;
      to = na.isBefore(to) ? na : to;
    }
    if (from.isAfter(to)) {
      return null;
    }
    return from.plus(Duration.between(from, to).dividedBy(2));
  }

  /**
   * Null if every certificate of {@code chain} (leaf first) lies within the anchor's own
   * nameConstraints, or has none to lie within; else why not. RFC 5280 leaves applying an anchor's
   * constraints to the relying party; the JDK's PKIX validator refuses them outright ("name
   * constraints in trust anchor not supported"), so BouncyCastle's validator applies them here: to
   * each subject DN, its emailAddress attributes, and its subjectAltName entries, skipping
   * self-issued intermediates (RFC 5280 6.1.3 b). A private root restricted to its organization
   * stays restricted.
   */
  private static String anchorNameConstraints(List<X509Certificate> chain, X509Certificate anchor) {
    byte[] ext = anchor.getExtensionValue("2.5.29.30");
    if (ext == null) {
      return null;
    }
    PKIXNameConstraintValidator validator = new PKIXNameConstraintValidator();
    try {
      NameConstraints nc = NameConstraints.getInstance(ASN1OctetString.getInstance(ext).getOctets());
      if (nc.getPermittedSubtrees() != null) {
        validator.intersectPermittedSubtree(nc.getPermittedSubtrees());
      }
      if (nc.getExcludedSubtrees() != null) {
        for (GeneralSubtree t : nc.getExcludedSubtrees()) {
          validator.addExcludedSubtree(t);
        }
      }
    } catch (RuntimeException e) {
      return "the trust anchor's nameConstraints extension cannot be read";
    }
    for (int i = 0; i < chain.size(); i++) {
      X509Certificate c = chain.get(i);
      if (i > 0 && c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
        continue;
      }
      try {
        X500Name subject = X500Name.getInstance(c.getSubjectX500Principal().getEncoded());
        validator.checkPermittedDN(subject);
        validator.checkExcludedDN(subject);
        for (RDN rdn : subject.getRDNs(PKCSObjectIdentifiers.pkcs_9_at_emailAddress)) {
          for (org.bouncycastle.asn1.x500.AttributeTypeAndValue tv : rdn.getTypesAndValues()) {
            String address = tv.getValue() instanceof org.bouncycastle.asn1.ASN1String
                ? ((org.bouncycastle.asn1.ASN1String) tv.getValue()).getString()
                : IETFUtils.valueToString(tv.getValue());
            GeneralName email = new GeneralName(GeneralName.rfc822Name, address);
            validator.checkPermitted(email);
            validator.checkExcluded(email);
          }
        }
        byte[] san = c.getExtensionValue("2.5.29.17");
        if (san != null) {
          for (GeneralName g : GeneralNames.getInstance(ASN1OctetString.getInstance(san).getOctets()).getNames()) {
            validator.checkPermitted(g);
            validator.checkExcluded(g);
          }
        }
      } catch (NameConstraintValidatorException e) {
        return describe(c) + " is outside the trust anchor's nameConstraints (" + e.getMessage() + ")";
      } catch (RuntimeException e) {
        return describe(c) + " has names that cannot be checked against the trust anchor's nameConstraints";
      }
    }
    return null;
  }

  /** Null if PKIX validation succeeds, else a message; validity problems start with "validity:". */
  private static String pkix(List<X509Certificate> chain, X509Certificate anchor, Instant at) {
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
      params.setRevocationEnabled(false);
      params.setPolicyQualifiersRejected(false);
      params.setDate(Date.from(at));
      CertPathValidator.getInstance("PKIX").validate(cf.generateCertPath(chain), params);
      return null;
    } catch (CertPathValidatorException e) {
      if (e.getReason() == CertPathValidatorException.BasicReason.EXPIRED
          || e.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
        return "validity: " + e.getReason();
      }
      String where = e.getIndex() >= 0 && e.getIndex() < chain.size()
          ? " at " + describe(chain.get(e.getIndex())) : "";
      return e.getReason() + where + " (" + e.getMessage() + ")";
    } catch (GeneralSecurityException e) {
      return e.getClass().getSimpleName() + " (" + e.getMessage() + ")";
    }
  }

  private List<X509Certificate> chainForReporting() {
    List<X509Certificate> all = new ArrayList<>();
    if (path != null) {
      all.addAll(path);
      if (!all.contains(anchor)) {
        all.add(anchor);
      }
    } else {
      all.add(leaf);
      all.addAll(intermediates);
    }
    return all;
  }

  private void validity() {
    String code = "validity";
    List<String> problems = new ArrayList<>();
    for (X509Certificate c : chainForReporting()) {
      Instant nb = c.getNotBefore().toInstant();
      Instant na = c.getNotAfter().toInstant();
      if (now.isBefore(nb)) {
        problems.add(describe(c) + " is not valid before " + nb);
      } else if (now.isAfter(na)) {
        problems.add(describe(c) + " expired on " + na);
      }
    }
    if (problems.isEmpty()) {
      add(code, Status.PASS, "Valid at " + now + " (leaf until " + leaf.getNotAfter().toInstant()
          + ")");
    } else {
      add(code, Status.FAIL, String.join("; ", problems) + " (checked at " + now
          + "). Please provide a certificate within its validity period.");
    }
  }

  private void revocation() {
    String code = "revocation";
    if (path == null) {
      add(code, Status.SKIPPED, "not checked: revocation evidence can only be verified against a"
          + " trusted chain");
      return;
    }
    if (path.isEmpty()) {
      add(code, Status.PASS, "The certificate is itself a trust anchor; anchors are trusted by"
          + " configuration, not by revocation status.");
      return;
    }
    Revocation revocation =
        new Revocation(
            new Revocation.Settings(
                now,
                input.crls(),
                input.ocspResponses(),
                policy.onlineRevocation,
                policy.connectTimeout,
                policy.readTimeout,
                policy.maxFetchBytes,
                Duration.ofMinutes(5),
                Duration.ofDays(7),
                policy.revocationDeadline));
    List<String> good = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    for (int i = 0; i < path.size(); i++) {
      X509Certificate c = path.get(i);
      X509Certificate issuer = i + 1 < path.size() ? path.get(i + 1) : anchor;
      Revocation.Status st = revocation.check(c, issuer);
      switch (st.state()) {
        case REVOKED:
          add(code, Status.FAIL, describe(c) + " is " + st.detail() + ".");
          return;
        case UNKNOWN:
          unknown.add(describe(c) + ": " + st.detail());
          break;
        default:
          good.add(describe(c) + ": " + st.detail());
      }
    }
    if (unknown.isEmpty()) {
      add(code, Status.PASS, String.join("; ", good));
    } else if (policy.softFailRevocation) {
      add(code, Status.WARN, "Revocation status unknown, accepted by soft-fail: "
          + String.join("; ", unknown));
    } else {
      add(code, Status.FAIL, "Revocation status could not be established: "
          + String.join("; ", unknown) + ". The certificate must be checkable by CRL or OCSP.");
    }
  }

  private void keyAlgorithm() {
    String code = "key.algorithm";
    if (!(leaf.getPublicKey() instanceof RSAPublicKey)) {
      add(code, Status.FAIL, "The key is " + leaf.getPublicKey().getAlgorithm() + "; exports are"
          + " encrypted with RSA-OAEP-256, so an RSA key of at least " + policy.minRsaBits
          + " bits is required.");
      return;
    }
    if (!"RSA".equals(leaf.getPublicKey().getAlgorithm())) {
      // id-RSASSA-PSS (RFC 4055) keys are for PSS signatures only, though the JDK encrypts to them.
      add(code, Status.FAIL, "The key is an " + leaf.getPublicKey().getAlgorithm() + " key, which"
          + " RFC 4055 restricts to signatures; exports need an rsaEncryption key of at least "
          + policy.minRsaBits + " bits.");
      return;
    }
    int bits = ((RSAPublicKey) leaf.getPublicKey()).getModulus().bitLength();
    if (bits < policy.minRsaBits) {
      add(code, Status.FAIL, "The RSA key has " + bits + " bits; at least " + policy.minRsaBits
          + " are required.");
    } else {
      add(code, Status.PASS, "RSA " + bits + " bits, suitable for RSA-OAEP-256");
    }
  }

  private void keyUsage() {
    String code = "key.usage";
    List<String> problems = new ArrayList<>();
    boolean[] ku = leaf.getKeyUsage();
    if (ku != null) {
      if (ku.length <= 2 || !ku[2]) {
        problems.add("keyUsage lacks keyEncipherment");
      }
      if (ku.length > 5 && ku[5]) {
        problems.add("keyUsage includes keyCertSign");
      }
      if (ku.length > 6 && ku[6]) {
        problems.add("keyUsage includes cRLSign");
      }
    }
    if (leaf.getBasicConstraints() >= 0) {
      problems.add("it is a CA certificate (basicConstraints CA=true)");
    }
    List<String> eku = extendedKeyUsage(leaf);
    if (eku == null) {
      problems.add("the extendedKeyUsage extension is malformed");
    } else if (eku.contains(ANY_EKU)) {
      problems.add("extendedKeyUsage includes anyExtendedKeyUsage");
    }
    if (problems.isEmpty()) {
      add(code, Status.PASS, ku == null ? "No keyUsage restriction; usable for key encipherment"
          : "keyUsage includes keyEncipherment");
    } else {
      add(code, Status.FAIL, "The key is not suitable for encryption: "
          + String.join("; ", problems) + ". Use an end-entity certificate with keyUsage"
          + " keyEncipherment.");
    }
  }

  private static List<String> extendedKeyUsage(X509Certificate c) {
    try {
      List<String> eku = c.getExtendedKeyUsage();
      return eku == null ? List.of() : eku;
    } catch (java.security.cert.CertificateParsingException e) {
      return null;
    }
  }

  private void signatureAlgorithms() {
    String code = "signature.algorithm";
    List<String> weak = new ArrayList<>();
    for (X509Certificate c : chainForReporting()) {
      if (c == anchor || policy.anchors.contains(c)) {
        continue; // an anchor is trusted by configuration, not by its self-signature
      }
      String name = weakSignature(c);
      if (name != null) {
        weak.add(describe(c) + " is signed with " + name);
      }
    }
    if (weak.isEmpty()) {
      add(code, Status.PASS, "Signature " + leaf.getSigAlgName());
    } else {
      add(code, Status.FAIL, String.join("; ", weak) + ". MD2, MD4, MD5 and SHA-1 signatures are not"
          + " accepted; ask the CA to reissue with SHA-256 or stronger.");
    }
  }

  /**
   * The name of {@code c}'s signature algorithm if it is weak, else null. RSASSA-PSS is judged by
   * the hash in its parameters; absent parameters or an absent hash mean the default, SHA-1;
   * unreadable parameters count as weak (fail closed).
   */
  private static String weakSignature(X509Certificate c) {
    String oid = c.getSigAlgOID();
    if (!oid.equals(RSASSA_PSS)) {
      String weak = WEAK_SIGNATURES.get(oid);
      if (weak != null) {
        return weak;
      }
      String name = String.valueOf(c.getSigAlgName()).toUpperCase(java.util.Locale.ROOT);
      return name.startsWith("MD2") || name.startsWith("MD4") || name.startsWith("MD5")
              || name.startsWith("SHA1") || name.startsWith("SHA-1")
          ? c.getSigAlgName()
          : null;
    }
    byte[] params = c.getSigAlgParams();
    String hash;
    try {
      RSASSAPSSparams pss = params == null
          ? RSASSAPSSparams.getInstance(new DERSequence())
          : RSASSAPSSparams.getInstance(ASN1Primitive.fromByteArray(params));
      hash = pss.getHashAlgorithm().getAlgorithm().getId();
    } catch (IOException | RuntimeException e) {
      return "RSASSA-PSS with unreadable parameters";
    }
    String weak = WEAK_DIGESTS.get(hash);
    return weak == null ? null : "RSASSA-PSS with " + weak;
  }

  private void dedicated() {
    String code = "dedicated";
    List<String> eku = extendedKeyUsage(leaf);
    if (eku != null && eku.contains(SERVER_AUTH)) {
      String message = "This is a TLS server certificate (extendedKeyUsage serverAuth). Use a"
          + " dedicated certificate and key pair specifically for token export decryption,"
          + " separate from TLS or general-purpose certificates.";
      add(code, policy.requireDedicated ? Status.FAIL : Status.WARN, message);
    } else {
      add(code, Status.PASS, "Not a TLS server certificate");
    }
  }
}
