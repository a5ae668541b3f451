package io.hellgate.export.crypto;

import io.hellgate.export.crypto.KeySourceException.Reason;
import io.hellgate.export.crypto.internal.StoreKeys;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * PKCS#10 certificate requests for a dedicated export-decryption key, checked before they are
 * written against the subject and key rules a sender's certificate policy applies, so a recipient
 * learns early what would be rejected.
 *
 * <p>The rules checked here: the subject has a non-blank organization (O) and a country (C) that is an
 * ISO 3166-1 alpha-2 code in upper case (as {@code Locale.getISOCountries()} lists them); the key is RSA with a modulus of at least 2048 bits. The request asks for a certificate whose
 * key usage is {@code keyEncipherment} only (extensionRequest attribute), as export decryption needs
 * nothing else. These checks mirror, and must be kept in line with, the subject and key checks of
 * {@code CertificatePolicy}; they do not replace the sender's evaluation of the issued certificate.
 *
 * <p>Stateless and thread-safe.
 *
 * <pre>{@code
 * String subject = "CN=exports.acme.example, O=Acme Payments GmbH, C=DE";
 * List<String> problems = CertificateRequests.check(subject, 3072);
 * if (problems.isEmpty()) {
 *   KeyPair keys = CertificateRequests.generateRsa(3072);
 *   String csrPem = CertificateRequests.createPem(subject, keys);
 * }
 * }</pre>
 */
public final class CertificateRequests {
  /** The smallest RSA modulus accepted, in bits. */
  public static final int MIN_RSA_BITS = 2048;

  private CertificateRequests() {}

  /**
   * Checks a subject and a planned key size against the policy's subject and key rules.
   *
   * @param subject a distinguished name such as {@code "CN=x, O=Acme Payments GmbH, C=DE"}
   * @param rsaBits the RSA modulus length
   * @return what would be rejected, one sentence each; empty if nothing
   * @throws IllegalArgumentException if {@code subject} is not a distinguished name
   */
  public static List<String> check(String subject, int rsaBits) {
    List<String> problems = new ArrayList<>();
    X500Name name = parse(subject);
    for (String missing : SubjectRules.organizationProblems(name)) {
      problems.add("the subject lacks a non-empty " + missing
          + ": the sender's policy requires O and C, e.g. \"O=Acme Payments GmbH, C=DE\"");
    }
    if (rsaBits < MIN_RSA_BITS) {
      problems.add("an RSA key of " + rsaBits + " bits is too small: at least " + MIN_RSA_BITS + " bits are required");
    }
    return List.copyOf(problems);
  }

  /**
   * Checks a subject and an existing public key.
   *
   * @param subject a distinguished name
   * @param publicKey the key to certify
   * @return what would be rejected; empty if nothing
   * @throws IllegalArgumentException if {@code subject} is not a distinguished name
   */
  public static List<String> check(String subject, PublicKey publicKey) {
    Objects.requireNonNull(publicKey, "publicKey");
    if (!(publicKey instanceof RSAPublicKey)) {
      List<String> problems = new ArrayList<>(check(subject, MIN_RSA_BITS));
      problems.add("the key is " + publicKey.getAlgorithm() + ", but export recipients need RSA");
      return List.copyOf(problems);
    }
    return check(subject, ((RSAPublicKey) publicKey).getModulus().bitLength());
  }

  /**
   * Generates a software RSA key pair.
   *
   * @param bits the modulus length, at least {@link #MIN_RSA_BITS}
   * @return the key pair
   * @throws IllegalArgumentException if {@code bits} is too small
   */
  public static KeyPair generateRsa(int bits) {
    requireBits(bits);
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(bits, new SecureRandom());
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot generate RSA keys", e);
    }
  }

  /**
   * Creates a PEM "CERTIFICATE REQUEST" signed (SHA256withRSA) with the key pair's private key.
   *
   * @param subject a distinguished name that passes {@link #check(String, PublicKey)}
   * @param keyPair the key pair; a software key or one from the JDK's default providers
   * @return the PKCS#10 request in PEM
   * @throws IllegalArgumentException if the subject or key fails the checks
   */
  public static String createPem(String subject, KeyPair keyPair) {
    return createPem(subject, keyPair, null);
  }

  /**
   * Generates an RSA key pair inside a PKCS#11 token and returns a PKCS#10 request for it, signed
   * inside the token. The private key is created sensitive and non-extractable where the token
   * honours SunPKCS11's defaults, and is stored under {@code alias} with a self-signed placeholder
   * certificate (key stores need a certificate to keep a key entry); replace it with the issued
   * certificate once the CA has answered.
   *
   * @param config the SunPKCS11 configuration file
   * @param alias the label for the new key entry; must not exist yet
   * @param pin the user PIN; zeroed on return
   * @param subject a distinguished name that passes {@link #check(String, int)}
   * @param bits the modulus length
   * @return the PKCS#10 request in PEM
   * @throws KeySourceException if the token cannot be used, rejects the PIN, or already has
   *     {@code alias}
   * @throws IllegalArgumentException if the subject or key size fails the checks
   */
  public static String createPemInPkcs11(Path config, String alias, char[] pin, String subject, int bits)
      throws IOException {
    try {
      Objects.requireNonNull(config, "config");
      Objects.requireNonNull(alias, "alias");
      requireValid(check(subject, bits));
      Provider provider = StoreKeys.pkcs11Provider(config);
      KeyStore store = StoreKeys.pkcs11Store(provider, config, pin);
      try {
        if (store.containsAlias(alias)) {
          throw new KeySourceException(Reason.NOT_FOUND, "the PKCS#11 token (" + config + ") already has an entry \"" + alias + "\"");
        }
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA", provider);
        g.initialize(bits);
        KeyPair keyPair = g.generateKeyPair();
        X509Certificate placeholder = placeholder(subject, keyPair, provider);
        store.setKeyEntry(alias, keyPair.getPrivate(), null, new Certificate[] {placeholder});
        return createPem(subject, keyPair, provider);
      } catch (GeneralSecurityException | RuntimeException e) {
        if (e instanceof IllegalArgumentException) {
          throw (IllegalArgumentException) e;
        }
        throw new KeySourceException(
            Reason.TOKEN_UNAVAILABLE, "the PKCS#11 token (" + config + ") could not generate and store the key: " + e.getMessage(), e);
      }
    } finally {
      if (pin != null) {
        Arrays.fill(pin, '\0');
      }
    }
  }

  private static String createPem(String subject, KeyPair keyPair, Provider provider) {
    Objects.requireNonNull(keyPair, "keyPair");
    requireValid(check(subject, keyPair.getPublic()));
    try {
      Extensions extensions = new Extensions(new Extension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyEncipherment).getEncoded()));
      PKCS10CertificationRequest csr =
          new JcaPKCS10CertificationRequestBuilder(parse(subject), keyPair.getPublic())
              .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions)
              .build(signer(keyPair.getPrivate(), provider));
      StringWriter s = new StringWriter();
      try (JcaPEMWriter w = new JcaPEMWriter(s)) {
        w.writeObject(csr);
      }
      return s.toString();
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode the certificate request", e);
    }
  }

  private static X509Certificate placeholder(String subject, KeyPair keyPair, Provider provider) throws GeneralSecurityException {
    Instant now = Instant.now();
    X500Name name = parse(subject);
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(
              new JcaX509v3CertificateBuilder(
                      name,
                      new BigInteger(64, new SecureRandom()).setBit(63),
                      Date.from(now.minus(1, ChronoUnit.MINUTES)),
                      Date.from(now.plus(30, ChronoUnit.DAYS)),
                      name,
                      keyPair.getPublic())
                  .build(signer(keyPair.getPrivate(), provider)));
    } catch (java.security.cert.CertificateException e) {
      throw new GeneralSecurityException("cannot create the placeholder certificate", e);
    }
  }

  private static ContentSigner signer(PrivateKey key, Provider provider) {
    JcaContentSignerBuilder b = new JcaContentSignerBuilder("SHA256withRSA");
    if (provider != null) {
      b.setProvider(provider);
    }
    try {
      return b.build(key);
    } catch (OperatorCreationException e) {
      throw new IllegalStateException("cannot sign with SHA256withRSA", e);
    }
  }

  private static void requireValid(List<String> problems) {
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  private static void requireBits(int bits) {
    if (bits < MIN_RSA_BITS) {
      throw new IllegalArgumentException("RSA keys need at least " + MIN_RSA_BITS + " bits, not " + bits);
    }
  }

  private static X500Name parse(String subject) {
    Objects.requireNonNull(subject, "subject");
    try {
      return X500Name.getInstance(new X500Principal(subject).getEncoded());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a distinguished name: \"" + subject + "\" (expected e.g. \"CN=exports.acme.example, O=Acme Payments GmbH, C=DE\")", e);
    }
  }

}
