package io.hellgate.export.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.CertificatePolicies;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.PolicyInformation;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway PKI for tests: a root CA, optionally an issuing intermediate CA, leaves with any
 * property a certificate policy must judge (OV, EV, DV, S/MIME organization-validated, missing O or
 * C, expired, not yet valid, revoked, wrong key usage, RSA-1024, EC key, SHA-1 signed, self-signed,
 * serverAuth), CRLs, OCSP responses, and optionally an OCSP responder and CRL server that listen on
 * 127.0.0.1 over real HTTP, whose URLs are written into the certificates.
 *
 * <p>Guarantees: every certificate is freshly generated (new keys, random serials) and dated
 * relative to {@link #now()}, so a policy whose clock is fixed at {@code now()} judges them
 * deterministically. Limits: RSA CAs with SHA-256 (or the configured algorithm) only; the servers
 * listen on loopback only. Thread-safe after {@link Builder#build()}; close it to stop the servers.
 * Never use its keys for real data.
 *
 * <pre>{@code
 * try (TestPki pki = TestPki.builder().revocationServer(true).build()) {
 *   TestCertificate leaf = pki.leaf("CN=export,O=Acme Payments GmbH,C=DE").ov().build();
 *   pki.revoke(leaf);                              // the OCSP responder now says "revoked"
 *   TestCertificate dv = pki.leaf("CN=example.com").dv().serverAuth().build();
 * }
 * }</pre>
 */
public final class TestPki implements AutoCloseable {
  /** TLS OV policy OID. */
  public static final String OV = "2.23.140.1.2.2";
  /** EV policy OID. */
  public static final String EV = "2.23.140.1.1";
  /** TLS DV policy OID. */
  public static final String DV = "2.23.140.1.2.1";
  /** S/MIME organization-validated (strict) policy OID. */
  public static final String SMIME_ORGANIZATION = "2.23.140.1.5.2.3";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Instant now;
  private final TestCa root;
  private final TestCa issuing;
  private final List<X509Certificate> intermediates;
  private final LoopbackRevocationServer server;

  private TestPki(Builder b) throws GeneralSecurityException, IOException {
    this.now = b.now;
    Instant from = now.minus(Duration.ofDays(30));
    KeyPair rootKeys = rsa(2048);
    KeyPair interKeys = b.intermediate ? rsa(2048) : null;
    // the server URL goes into the certificates, so bind before issuing the intermediate
    LoopbackRevocationServer srv = null;
    String base = null;
    List<TestCa> cas = new CopyOnWriteArrayList<>();
    X509Certificate rootCert =
        ca(b.rootSubject, rootKeys.getPublic(), b.rootSubject, rootKeys, null, from,
            now.plus(Duration.ofDays(3650)), b.rootSignatureAlgorithm, null);
    this.root = new TestCa("root", rootCert, rootKeys);
    cas.add(root);
    if (b.revocationServer) {
      srv = new LoopbackRevocationServer(cas, () -> now);
      base = srv.baseUrl();
    }
    try {
      if (b.intermediate) {
        X509Certificate cert =
            ca(b.intermediateSubject, interKeys.getPublic(), b.rootSubject, rootKeys, rootCert,
                b.intermediateNotBefore == null ? from : b.intermediateNotBefore,
                b.intermediateNotAfter == null ? now.plus(Duration.ofDays(1825)) : b.intermediateNotAfter,
                b.intermediateSignatureAlgorithm, base);
        this.issuing = new TestCa("issuing", cert, interKeys);
        cas.add(issuing);
        this.intermediates = List.of(cert);
      } else {
        this.issuing = root;
        this.intermediates = List.of();
      }
    } catch (GeneralSecurityException | IOException | RuntimeException e) {
      if (srv != null) {
        srv.close();
      }
      throw e;
    }
    this.server = srv;
  }

  /** A builder with defaults: root and one intermediate, no servers, dated at the current second. */
  public static Builder builder() {
    return new Builder();
  }

  /** The instant all certificates, CRLs and OCSP responses are dated relative to. */
  public Instant now() {
    return now;
  }

  /** The root CA certificate (the trust anchor). */
  public X509Certificate root() {
    return root.certificate;
  }

  /** The root CA certificate as PEM. */
  public String rootPem() {
    return Pem.certificate(root.certificate);
  }

  /** The CA that issues leaves: the intermediate, or the root if there is none. */
  public X509Certificate issuingCa() {
    return issuing.certificate;
  }

  /** The intermediate CA certificates (issuing CA first); empty without an intermediate. */
  public List<X509Certificate> intermediates() {
    return intermediates;
  }

  /** A builder for a leaf certificate issued by {@link #issuingCa()}. */
  public LeafBuilder leaf(String subject) {
    return new LeafBuilder(subject);
  }

  /**
   * Revokes a leaf issued by this PKI: later CRLs and OCSP responses report it revoked.
   *
   * @throws IllegalArgumentException if the leaf was not issued by this PKI's issuing CA
   */
  public void revoke(TestCertificate leaf) {
    try {
      leaf.certificate().verify(issuing.certificate.getPublicKey());
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not issued by this PKI's issuing CA: " + leaf);
    }
    issuing.revoke(leaf.certificate().getSerialNumber(), now.minus(Duration.ofHours(1)));
  }

  /** Fresh DER CRLs of every CA (root first), valid from a minute before now for one day. */
  public List<byte[]> crls() {
    List<byte[]> out = new ArrayList<>();
    out.add(root.crl(now.minusSeconds(60), now.plus(Duration.ofDays(1))));
    if (issuing != root) {
      out.add(issuing.crl(now.minusSeconds(60), now.plus(Duration.ofDays(1))));
    }
    return out;
  }

  /** Fresh CRLs of every CA as concatenated PEM blocks. */
  public String crlsPem() {
    StringBuilder sb = new StringBuilder();
    crls().forEach(c -> sb.append(Pem.crl(c)));
    return sb.toString();
  }

  /** The issuing CA's DER CRL with the given dates ({@code nextUpdate} may be null). */
  public byte[] issuingCrl(Instant thisUpdate, Instant nextUpdate) {
    return issuing.crl(Objects.requireNonNull(thisUpdate), nextUpdate);
  }

  /**
   * A fresh delta CRL of the issuing CA (critical deltaCRLIndicator naming base CRL number 1),
   * listing the revocations so far, valid from a minute before now for one day.
   */
  public byte[] issuingDeltaCrl() {
    return issuingCrlWithExtension(Extension.deltaCRLIndicator.getId(), true,
        derOf(new ASN1Integer(1)));
  }

  /**
   * A fresh CRL of the issuing CA with one extra CRL extension, e.g. an issuingDistributionPoint
   * (2.5.29.28) or an unknown critical extension, valid from a minute before now for one day.
   *
   * @param oid the extension's OID
   * @param critical whether it is marked critical
   * @param der the DER encoding of the extension's value (the content of the OCTET STRING)
   */
  public byte[] issuingCrlWithExtension(String oid, boolean critical, byte[] der) {
    return issuing.crl(now.minusSeconds(60), now.plus(Duration.ofDays(1)),
        new Extension(new ASN1ObjectIdentifier(oid), critical, der), null, null);
  }

  /**
   * A fresh CRL of the issuing CA with one extra entry, for a random serial (not {@code leaf}'s),
   * that carries one CRL entry extension, e.g. a critical certificateIssuer (2.5.29.29).
   */
  public byte[] issuingCrlWithEntryExtension(String oid, boolean critical, byte[] der) {
    return issuing.crl(now.minusSeconds(60), now.plus(Duration.ofDays(1)), null,
        new Extension(new ASN1ObjectIdentifier(oid), critical, der), serial());
  }

  private static byte[] derOf(ASN1Encodable value) {
    try {
      return value.toASN1Primitive().getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A DER OCSP response about {@code leaf}, signed by its issuing CA, valid for a day from now. */
  public byte[] ocspResponse(TestCertificate leaf) {
    return ocspResponse(leaf, now.minusSeconds(60), now.plus(Duration.ofDays(1)));
  }

  /** A DER OCSP response about {@code leaf} with the given dates ({@code nextUpdate} may be null). */
  public byte[] ocspResponse(TestCertificate leaf, Instant thisUpdate, Instant nextUpdate) {
    return OcspResponder.response(issuing, leaf.certificate().getSerialNumber(), thisUpdate,
        nextUpdate, false, issuing.keys.getPrivate());
  }

  /**
   * A DER OCSP response about {@code leaf}, signed by {@code responder} (a delegated responder,
   * e.g. a leaf built with {@link LeafBuilder#ocspSigning()}) whose certificate is embedded.
   */
  public byte[] ocspResponseSignedBy(TestCertificate leaf, TestCertificate responder) {
    return OcspResponder.response(issuing, leaf.certificate().getSerialNumber(),
        now.minusSeconds(60), now.plus(Duration.ofDays(1)), false, responder.privateKey(),
        responder.certificate());
  }

  /** A DER OCSP response that reports {@code leaf}'s status as "unknown". */
  public byte[] ocspUnknownResponse(TestCertificate leaf) {
    return OcspResponder.response(issuing, leaf.certificate().getSerialNumber(),
        now.minusSeconds(60), now.plus(Duration.ofDays(1)), true, issuing.keys.getPrivate());
  }

  /**
   * The loopback OCSP responder's URL.
   *
   * @throws IllegalStateException if the PKI runs no servers
   */
  public String ocspUrl() {
    return requireServer().baseUrl() + "/ocsp";
  }

  /**
   * The loopback URL of the issuing CA's CRL.
   *
   * @throws IllegalStateException if the PKI runs no servers
   */
  public String crlUrl() {
    return requireServer().baseUrl() + "/crl/" + issuing.name + ".crl";
  }

  private LoopbackRevocationServer requireServer() {
    if (server == null) {
      throw new IllegalStateException("this TestPki was built without revocationServer(true)");
    }
    return server;
  }

  /** How many OCSP requests the loopback responder has answered (0 without servers). */
  public int ocspRequestCount() {
    return server == null ? 0 : server.ocspRequests();
  }

  /** How many CRL downloads the loopback CRL server has served (0 without servers). */
  public int crlRequestCount() {
    return server == null ? 0 : server.crlRequests();
  }

  /**
   * An HTTP URL on 127.0.0.1 where nothing listens (a port that was bound and released), for
   * testing unreachable responders.
   */
  public static String unreachableUrl() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return "http://127.0.0.1:" + s.getLocalPort() + "/unreachable";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the loopback servers, if any. */
  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
  }

  private static KeyPair rsa(int bits) throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(bits, RANDOM);
    return g.generateKeyPair();
  }

  /** A MD4withRSA signer (1.2.840.113549.1.1.3), by the BouncyCastle provider. */
  private static ContentSigner md4WithRsa(PrivateKey key) throws GeneralSecurityException {
    Signature sig = Signature.getInstance("MD4withRSA", new BouncyCastleProvider());
    sig.initSign(key);
    return new LabelledSigner(sig, new AlgorithmIdentifier(PKCSObjectIdentifiers.md4WithRSAEncryption, DERNull.INSTANCE));
  }

  private static BigInteger serial() {
    return new BigInteger(63, RANDOM).add(BigInteger.ONE);
  }

  private static X509Certificate ca(
      String subject, PublicKey key, String issuer, KeyPair issuerKeys, X509Certificate issuerCert,
      Instant from, Instant to, String sigAlg, String revocationBase)
      throws GeneralSecurityException, IOException {
    try {
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              new X500Name(issuer), serial(), Date.from(from), Date.from(to), new X500Name(subject), key);
      JcaX509ExtensionUtils u = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(Extension.subjectKeyIdentifier, false, u.createSubjectKeyIdentifier(key));
      if (issuerCert != null) {
        b.addExtension(Extension.authorityKeyIdentifier, false, u.createAuthorityKeyIdentifier(issuerCert));
      }
      if (revocationBase != null) {
        revocationUrls(b, List.of(revocationBase + "/ocsp"), List.of(revocationBase + "/crl/root.crl"));
      }
      return new JcaX509CertificateConverter()
          .getCertificate(b.build(new JcaContentSignerBuilder(sigAlg).build(issuerKeys.getPrivate())));
    } catch (org.bouncycastle.operator.OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static void revocationUrls(X509v3CertificateBuilder b, List<String> ocsp, List<String> crl)
      throws IOException {
    if (!ocsp.isEmpty()) {
      AccessDescription[] ads =
          ocsp.stream()
              .map(u -> new AccessDescription(AccessDescription.id_ad_ocsp,
                  new GeneralName(GeneralName.uniformResourceIdentifier, u)))
              .toArray(AccessDescription[]::new);
      b.addExtension(Extension.authorityInfoAccess, false, new AuthorityInformationAccess(ads));
    }
    if (!crl.isEmpty()) {
      DistributionPoint[] dps =
          crl.stream()
              .map(u -> new DistributionPoint(
                  new DistributionPointName(new GeneralNames(
                      new GeneralName(GeneralName.uniformResourceIdentifier, u))), null, null))
              .toArray(DistributionPoint[]::new);
      b.addExtension(Extension.cRLDistributionPoints, false, new CRLDistPoint(dps));
    }
  }

  /**
   * Configures the PKI. Not thread-safe.
   *
   * <pre>{@code
   * TestPki.builder().intermediate(false).revocationServer(true).now(fixedInstant).build();
   * }</pre>
   */
  public static final class Builder {
    private Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private String rootSubject = "CN=Test Root CA,O=Hellgate Test PKI,C=DE";
    private String intermediateSubject = "CN=Test Issuing CA,O=Hellgate Test PKI,C=DE";
    private boolean intermediate = true;
    private boolean revocationServer;
    private Instant intermediateNotBefore;
    private Instant intermediateNotAfter;
    private String intermediateSignatureAlgorithm = "SHA256withRSA";
    private String rootSignatureAlgorithm = "SHA256withRSA";

    private Builder() {}

    /** The reference instant; default the current second. */
    public Builder now(Instant now) {
      this.now = Objects.requireNonNull(now).truncatedTo(ChronoUnit.SECONDS);
      return this;
    }

    /** The root's subject DN. */
    public Builder rootSubject(String dn) {
      this.rootSubject = Objects.requireNonNull(dn);
      return this;
    }

    /** The intermediate's subject DN. */
    public Builder intermediateSubject(String dn) {
      this.intermediateSubject = Objects.requireNonNull(dn);
      return this;
    }

    /** Whether leaves are issued by an intermediate (default) or directly by the root. */
    public Builder intermediate(boolean intermediate) {
      this.intermediate = intermediate;
      return this;
    }

    /** The intermediate's validity period (to make an expired chain). */
    public Builder intermediateValidity(Instant notBefore, Instant notAfter) {
      this.intermediateNotBefore = Objects.requireNonNull(notBefore);
      this.intermediateNotAfter = Objects.requireNonNull(notAfter);
      return this;
    }

    /** The root's signature algorithm on the intermediate, e.g. {@code SHA1withRSA}. */
    public Builder intermediateSignatureAlgorithm(String algorithm) {
      this.intermediateSignatureAlgorithm = Objects.requireNonNull(algorithm);
      return this;
    }

    /** The root's self-signature algorithm, e.g. {@code SHA1withRSA} (anchors are exempt). */
    public Builder rootSignatureAlgorithm(String algorithm) {
      this.rootSignatureAlgorithm = Objects.requireNonNull(algorithm);
      return this;
    }

    /**
     * Starts an OCSP responder and CRL server on 127.0.0.1 and writes their URLs into the
     * intermediate and the leaves.
     */
    public Builder revocationServer(boolean start) {
      this.revocationServer = start;
      return this;
    }

    /**
     * Generates keys and CA certificates and starts the servers.
     *
     * @throws IllegalStateException if key generation, signing or binding the server fails
     */
    public TestPki build() {
      if (intermediateNotBefore != null && !intermediate) {
        throw new IllegalStateException("intermediateValidity needs intermediate(true)");
      }
      try {
        return new TestPki(this);
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalStateException("cannot build test PKI", e);
      }
    }
  }

  /**
   * Describes one leaf certificate. By default: OV policy, RSA-2048, SHA-256, keyUsage
   * digitalSignature and keyEncipherment, valid from 30 days before {@link #now()} for a year, no
   * extended key usage, revocation URLs of the loopback servers if they run. Not thread-safe.
   *
   * <pre>{@code
   * pki.leaf("CN=x,O=Acme,C=DE").expired().sha1Signed().build();
   * }</pre>
   */
  public final class LeafBuilder {
    private final String subject;
    private final List<String> policies = new ArrayList<>(List.of(OV));
    private Instant notBefore = now.minus(Duration.ofDays(30));
    private Instant notAfter = now.plus(Duration.ofDays(365));
    private Integer keyUsage = KeyUsage.digitalSignature | KeyUsage.keyEncipherment;
    private String keyType = "RSA";
    private int rsaBits = 2048;
    private String signatureAlgorithm = "SHA256withRSA";
    private boolean bouncyCastleSigner;
    private boolean selfSigned;
    private boolean ca;
    private final List<KeyPurposeId> ekus = new ArrayList<>();
    private List<String> ocspUrls;
    private List<String> crlUrls;

    private LeafBuilder(String subject) {
      this.subject = Objects.requireNonNull(subject, "subject");
      ocspUrls = server == null ? List.of() : List.of(ocspUrl());
      crlUrls = server == null ? List.of() : List.of(crlUrl());
    }

    /** Replaces the policies with the given OIDs (none: no certificatePolicies extension). */
    public LeafBuilder policies(String... oids) {
      policies.clear();
      policies.addAll(List.of(oids));
      return this;
    }

    /** TLS Organization Validated (the default). */
    public LeafBuilder ov() {
      return policies(OV);
    }

    /** Extended Validation. */
    public LeafBuilder ev() {
      return policies(EV);
    }

    /** Domain Validated. */
    public LeafBuilder dv() {
      return policies(DV);
    }

    /** S/MIME organization-validated, with emailProtection. */
    public LeafBuilder smimeOrganization() {
      ekus.add(KeyPurposeId.id_kp_emailProtection);
      return policies(SMIME_ORGANIZATION);
    }

    /** Validity period. */
    public LeafBuilder validity(Instant from, Instant to) {
      this.notBefore = Objects.requireNonNull(from);
      this.notAfter = Objects.requireNonNull(to);
      return this;
    }

    /** Expired 30 days before {@link #now()}. */
    public LeafBuilder expired() {
      return validity(now.minus(Duration.ofDays(400)), now.minus(Duration.ofDays(30)));
    }

    /** Valid only from 30 days after {@link #now()}. */
    public LeafBuilder notYetValid() {
      return validity(now.plus(Duration.ofDays(30)), now.plus(Duration.ofDays(400)));
    }

    /** keyUsage bits (BouncyCastle {@code KeyUsage} constants), or null for no extension. */
    public LeafBuilder keyUsage(Integer bits) {
      this.keyUsage = bits;
      return this;
    }

    /** keyUsage digitalSignature only: unsuitable for key transport. */
    public LeafBuilder signatureOnlyKeyUsage() {
      return keyUsage(KeyUsage.digitalSignature);
    }

    /** Adds keyCertSign and cRLSign to keyUsage. */
    public LeafBuilder certSignKeyUsage() {
      return keyUsage((keyUsage == null ? 0 : keyUsage) | KeyUsage.keyCertSign | KeyUsage.cRLSign);
    }

    /** Marks the certificate as a CA (basicConstraints CA=true). */
    public LeafBuilder basicConstraintsCa() {
      this.ca = true;
      return this;
    }

    /** RSA key size (default 2048). */
    public LeafBuilder rsaBits(int bits) {
      this.keyType = "RSA";
      this.rsaBits = bits;
      return this;
    }

    /** An EC P-256 key instead of RSA. */
    public LeafBuilder ecKey() {
      this.keyType = "EC";
      return this;
    }

    /** Signed with SHA1withRSA. */
    public LeafBuilder sha1Signed() {
      this.signatureAlgorithm = "SHA1withRSA";
      return this;
    }

    /**
     * The signature algorithm on the leaf, by BouncyCastle name, e.g. {@code MD4withRSA}, {@code
     * SHA1withRSAandMGF1} (RSASSA-PSS with SHA-1) or {@code SHA256withRSAandMGF1}; signed with
     * the BouncyCastle provider, which has algorithms the JDK lacks. Default SHA256withRSA.
     */
    public LeafBuilder signatureAlgorithm(String algorithm) {
      this.signatureAlgorithm = Objects.requireNonNull(algorithm);
      this.bouncyCastleSigner = true;
      return this;
    }

    /** Self-signed (issuer = subject, signed by its own key; must be RSA). */
    public LeafBuilder selfSigned() {
      this.selfSigned = true;
      return this;
    }

    /** Adds the TLS serverAuth extended key usage. */
    public LeafBuilder serverAuth() {
      ekus.add(KeyPurposeId.id_kp_serverAuth);
      return this;
    }

    /** Adds the OCSPSigning extended key usage (for a delegated OCSP responder). */
    public LeafBuilder ocspSigning() {
      ekus.add(KeyPurposeId.id_kp_OCSPSigning);
      return this;
    }

    /** Adds anyExtendedKeyUsage. */
    public LeafBuilder anyExtendedKeyUsage() {
      ekus.add(KeyPurposeId.anyExtendedKeyUsage);
      return this;
    }

    /** The OCSP URLs written into AIA (replaces the loopback server's). */
    public LeafBuilder ocspUrls(String... urls) {
      this.ocspUrls = List.of(urls);
      return this;
    }

    /** The CRL distribution point URLs (replaces the loopback server's). */
    public LeafBuilder crlUrls(String... urls) {
      this.crlUrls = List.of(urls);
      return this;
    }

    /**
     * Generates the key and signs the certificate.
     *
     * @throws IllegalStateException if generation or signing fails
     */
    public TestCertificate build() {
      try {
        KeyPair keys;
        if (keyType.equals("EC")) {
          KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
          g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
          keys = g.generateKeyPair();
        } else {
          keys = rsa(rsaBits);
        }
        if (selfSigned && !keyType.equals("RSA")) {
          throw new IllegalStateException("self-signed test leaves need an RSA key");
        }
        X500Name issuerName =
            selfSigned ? new X500Name(subject) : X500Name.getInstance(
                issuing.certificate.getSubjectX500Principal().getEncoded());
        PrivateKey signer = selfSigned ? keys.getPrivate() : issuing.keys.getPrivate();
        X509v3CertificateBuilder b =
            new JcaX509v3CertificateBuilder(
                issuerName, serial(), Date.from(notBefore), Date.from(notAfter),
                new X500Name(subject), keys.getPublic());
        JcaX509ExtensionUtils u = new JcaX509ExtensionUtils();
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (keyUsage != null) {
          b.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
        }
        b.addExtension(Extension.subjectKeyIdentifier, false, u.createSubjectKeyIdentifier(keys.getPublic()));
        if (!selfSigned) {
          b.addExtension(Extension.authorityKeyIdentifier, false,
              u.createAuthorityKeyIdentifier(issuing.certificate));
        }
        if (!policies.isEmpty()) {
          b.addExtension(Extension.certificatePolicies, false, new CertificatePolicies(
              policies.stream().map(o -> new PolicyInformation(new ASN1ObjectIdentifier(o)))
                  .toArray(PolicyInformation[]::new)));
        }
        if (!ekus.isEmpty()) {
          b.addExtension(Extension.extendedKeyUsage, false,
              new ExtendedKeyUsage(ekus.toArray(KeyPurposeId[]::new)));
        }
        if (!selfSigned) {
          revocationUrls(b, ocspUrls, crlUrls);
        }
        ContentSigner contentSigner;
        if (signatureAlgorithm.equalsIgnoreCase("MD4withRSA")) {
          contentSigner = md4WithRsa(signer); // BouncyCastle's name finder does not know it
        } else {
          JcaContentSignerBuilder sb = new JcaContentSignerBuilder(signatureAlgorithm);
          if (bouncyCastleSigner) {
            sb.setProvider(new BouncyCastleProvider());
          }
          contentSigner = sb.build(signer);
        }
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(b.build(contentSigner));
        return new TestCertificate(cert, keys.getPrivate(), selfSigned ? List.of() : intermediates);
      } catch (GeneralSecurityException | IOException
          | org.bouncycastle.operator.OperatorCreationException e) {
        throw new IllegalStateException("cannot issue test certificate", e);
      }
    }
  }
}
