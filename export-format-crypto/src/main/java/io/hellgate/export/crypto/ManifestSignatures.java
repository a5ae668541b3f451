package io.hellgate.export.crypto;

import io.hellgate.export.ExportFormatException;
import io.hellgate.export.ExportManifest;
import io.hellgate.export.ManifestSigner;
import io.hellgate.export.ManifestVerifier;
import io.hellgate.export.crypto.internal.CertificateParser;
import io.hellgate.export.crypto.internal.CmsSigning;
import io.hellgate.export.crypto.internal.CmsVerification;
import io.hellgate.export.crypto.internal.StoreKeys;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Format 1.1 origin signatures (docs/format.md section 13.3): CMS SignedData over the manifest,
 * made by {@link #signer()} for {@link io.hellgate.export.ExportWriter.Options.Builder#signer} and
 * checked by {@link #verifier()} for {@link io.hellgate.export.ExportReader.Options.Builder#signatureVerifier}.
 *
 * <p><b>What a signature is.</b> The manifest's {@code signature} member holds the base64 of a DER
 * CMS ContentInfo (RFC 5652) with SignedData: the manifest's JSON without {@code signature}
 * attached as {@code id-data} content, one SignerInfo with signed attributes (content type, message
 * digest, signing time = the manifest's {@code created_at}), and the signer's certificate and the
 * chain given to the signer. Algorithms: SHA-256 digests; ECDSA on P-256 ({@code ecdsa-with-SHA256})
 * or RSASSA-PSS (SHA-256, MGF1-SHA-256, 32-byte salt) with RSA of at least 2048 bits. {@code openssl
 * cms -verify -binary -inform DER -CAfile root.pem} verifies it and prints the signed manifest.
 *
 * <p><b>What the verifier checks</b>, in this order, each failure a {@code signature_invalid} whose
 * message names the check: DER CMS SignedData with attached {@code id-data} content and exactly one
 * signer; the accepted algorithms; the signer's certificate among the included ones; the signature
 * value and message digest (signed attributes required, a signing time among them); a PKIX path from
 * the signer's certificate through the included certificates to one of the configured trust anchors,
 * valid at the signing time; {@code keyUsage} present with {@code digitalSignature}; an
 * {@code extendedKeyUsage}, if present, with {@code emailProtection} or {@code anyExtendedKeyUsage}
 * (as {@code openssl cms -verify} requires); no certificate
 * of the path revoked, by supplied CRLs or (with {@link VerifierBuilder#onlineRevocation}) fetched
 * OCSP and CRLs, judged now, hard-fail unless {@link VerifierBuilder#softFailRevocation}.
 *
 * <p>Signers and verifiers are immutable and thread-safe (a PKCS#11 signer serializes on its
 * token as the provider does).
 *
 * <pre>{@code
 * ManifestSigner signer = ManifestSignatures.signer()
 *     .pkcs11(Path.of("/etc/hellgate/hsm.cfg"), "export-signer", pin)
 *     .chain(intermediates)
 *     .build();
 * ManifestVerifier verifier = ManifestSignatures.verifier()
 *     .trustAnchorsPem(Files.readAllBytes(Path.of("hellgate-signing-root.pem")))
 *     .crl(Files.readAllBytes(Path.of("signing-ca.crl")))
 *     .build();
 * }</pre>
 */
public final class ManifestSignatures {
  private ManifestSignatures() {}

  /** A builder for a signer. */
  public static SignerBuilder signer() {
    return new SignerBuilder();
  }

  /** A builder for a verifier. */
  public static VerifierBuilder verifier() {
    return new VerifierBuilder();
  }

  /**
   * The certificate a manifest's signature names as its signer, <b>unverified</b>: for display
   * ({@code export-tool inspect}); nothing about it is checked. Empty if the manifest is unsigned.
   *
   * @throws ExportFormatException with {@code signature_invalid} if the signature is not a CMS
   *     SignedData naming an included signer certificate
   */
  public static Optional<X509Certificate> unverifiedSigner(ExportManifest manifest) throws ExportFormatException {
    Optional<byte[]> signature = manifest.signature();
    if (signature.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(CmsVerification.unverifiedSigner(signature.get()));
  }

  /**
   * Builds a {@link ManifestSigner}: a private key (software, PKCS#12 or PKCS#11) and its
   * certificate, plus the intermediates to include. {@link #build()} validates. Not thread-safe.
   *
   * <pre>{@code
   * ManifestSigner s = ManifestSignatures.signer().pem(keyFile, certFile, null).build();
   * }</pre>
   */
  public static final class SignerBuilder {
    private PrivateKey key;
    private X509Certificate certificate;
    private Provider provider;
    private final List<X509Certificate> chain = new ArrayList<>();
    private SecureRandom random;

    private SignerBuilder() {}

    /** A key in software (or any JCA key the default providers can use) and its certificate. */
    public SignerBuilder key(PrivateKey key, X509Certificate certificate) {
      this.key = Objects.requireNonNull(key, "key");
      this.certificate = Objects.requireNonNull(certificate, "certificate");
      this.provider = null;
      return this;
    }

    /**
     * A PEM private key (PKCS#8, encrypted PKCS#8, SEC1 "EC PRIVATE KEY" or PKCS#1) and a PEM
     * certificate file (its first certificate is the signer's; further ones join the chain).
     *
     * @param password for an encrypted key, else null
     * @throws KeySourceException if a file cannot be read, the password is wrong, or the key is not EC or RSA
     */
    public SignerBuilder pem(Path keyFile, Path certificateFile, char[] password) throws IOException {
      this.key = CmsSigning.readPemKey(keyFile, password);
      List<X509Certificate> certs = CmsSigning.readPemCertificates(certificateFile);
      this.certificate = certs.get(0);
      this.chain.addAll(certs.subList(1, certs.size()));
      this.provider = null;
      return this;
    }

    /**
     * A key and its certificate from a PKCS#12 file.
     *
     * @param alias the entry, or null if the file holds exactly one key
     * @throws KeySourceException as {@link RecipientKeys#fromPkcs12}
     */
    public SignerBuilder pkcs12(Path file, String alias, char[] password) throws IOException {
      StoreKeys.Entry e = StoreKeys.pkcs12Signing(file, alias, password);
      this.key = e.key();
      this.certificate = e.certificate();
      this.provider = null;
      return this;
    }

    /**
     * A key in a PKCS#11 token through SunPKCS11 (the key never leaves the token), and its
     * certificate from the token.
     *
     * @param config the SunPKCS11 configuration file
     * @param alias the key's label, or null if the token holds exactly one key
     * @throws KeySourceException as {@link RecipientKeys#fromPkcs11}
     */
    public SignerBuilder pkcs11(Path config, String alias, char[] pin) throws IOException {
      StoreKeys.Entry e = StoreKeys.pkcs11Signing(config, alias, pin);
      this.key = e.key();
      this.certificate = e.certificate();
      this.provider = e.provider();
      return this;
    }

    /** Intermediate certificates to include after the signer's (not the root). */
    public SignerBuilder chain(Collection<X509Certificate> intermediates) {
      intermediates.forEach(c -> chain.add(Objects.requireNonNull(c, "intermediate")));
      return this;
    }

    /** The source for ECDSA nonces and PSS salts; by default a new {@link SecureRandom}. Pin only in tests. */
    public SignerBuilder random(SecureRandom random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * Validates and builds: the key is ECDSA P-256 or RSA (at least 2048 bits), matches the
     * certificate (checked by signing a test message), and the certificate allows
     * {@code digitalSignature}.
     *
     * @throws IllegalStateException naming what is missing or unsuitable
     */
    public ManifestSigner build() {
      if (key == null || certificate == null) {
        throw new IllegalStateException("a signing key and its certificate are required (key, pem, pkcs12 or pkcs11)");
      }
      return CmsSigning.signer(key, certificate, chain, provider, random == null ? new SecureRandom() : random);
    }
  }

  /**
   * Builds a {@link ManifestVerifier}: the signer trust anchors and how revocation is checked.
   * {@link #build()} validates. Not thread-safe.
   *
   * <pre>{@code
   * ManifestVerifier v = ManifestSignatures.verifier().trustAnchors(List.of(root)).softFailRevocation(true).build();
   * }</pre>
   */
  public static final class VerifierBuilder {
    private final List<X509Certificate> anchors = new ArrayList<>();
    private final List<X509CRL> crls = new ArrayList<>();
    private final List<byte[]> ocsp = new ArrayList<>();
    private boolean online;
    private boolean softFail;
    private Clock clock = Clock.systemUTC();
    private Duration timeout = Duration.ofSeconds(10);

    private VerifierBuilder() {}

    /** Adds signer trust anchors (required): the roots the sender's signing certificates chain to. */
    public VerifierBuilder trustAnchors(Collection<X509Certificate> certificates) {
      certificates.forEach(c -> anchors.add(Objects.requireNonNull(c, "anchor")));
      return this;
    }

    /**
     * Adds signer trust anchors from PEM or DER bytes.
     *
     * @throws CertificateInputException if the bytes are not certificates
     */
    public VerifierBuilder trustAnchorsPem(byte[] pemOrDer) throws CertificateInputException {
      try {
        anchors.addAll(CertificateParser.bundle(pemOrDer, "the signer trust anchors"));
      } catch (IllegalArgumentException e) {
        throw new CertificateInputException(e.getMessage());
      }
      return this;
    }

    /**
     * Adds a CRL (PEM or DER) for the signer's chain; verified against its issuer and checked for
     * freshness like {@link CertificatePolicy}'s.
     *
     * @throws CertificateInputException if the bytes are not a CRL
     */
    public VerifierBuilder crl(byte[] pemOrDer) throws CertificateInputException {
      try {
        crls.add((X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(pemOrDer)));
      } catch (CRLException | CertificateException | RuntimeException e) {
        throw new CertificateInputException("not a CRL (PEM or DER)");
      }
      return this;
    }

    /** Adds a DER OCSP response for a certificate of the signer's chain. */
    public VerifierBuilder ocspResponse(byte[] der) {
      ocsp.add(Objects.requireNonNull(der, "der").clone());
      return this;
    }

    /** Whether to fetch OCSP responses and CRLs from the URLs in the certificates; default false. */
    public VerifierBuilder onlineRevocation(boolean online) {
      this.online = online;
      return this;
    }

    /**
     * Accept a signer whose revocation status cannot be established (a revoked one is still
     * rejected). Off by default: an unknown status is {@code signature_invalid}.
     */
    public VerifierBuilder softFailRevocation(boolean softFail) {
      this.softFail = softFail;
      return this;
    }

    /** The clock revocation freshness is judged by; default UTC system time. */
    public VerifierBuilder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Per-fetch timeout for online revocation (connect and read each); default 10 s. */
    public VerifierBuilder networkTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("networkTimeout must be positive");
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalStateException if no trust anchor was added
     */
    public ManifestVerifier build() {
      if (anchors.isEmpty()) {
        throw new IllegalStateException("at least one signer trust anchor is required");
      }
      return new CmsVerification(anchors, crls, ocsp, online, softFail, clock, timeout);
    }
  }
}
