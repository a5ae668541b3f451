package io.hellgate.export.crypto.internal;

import io.hellgate.export.ManifestSigner;
import io.hellgate.export.crypto.KeySourceException;
import io.hellgate.export.crypto.KeySourceException.Reason;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSASSAPSSparams;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.DefaultSignedAttributeTableGenerator;
import org.bouncycastle.cms.SignerInfoGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * The CMS SignedData signer behind {@code ManifestSignatures.signer()} (docs/format.md 13.3):
 * ECDSA P-256 with SHA-256, or RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt. The
 * signature itself is made through plain JCA {@link Signature} (the key's provider for PKCS#11),
 * so a token key never leaves the token; BouncyCastle only assembles the CMS structure.
 */
public final class CmsSigning {
  private static final AlgorithmIdentifier SHA256 = new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256, DERNull.INSTANCE);
  static final AlgorithmIdentifier ECDSA_SHA256 = new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);
  static final AlgorithmIdentifier RSA_PSS_SHA256 =
      new AlgorithmIdentifier(
          PKCSObjectIdentifiers.id_RSASSA_PSS,
          new RSASSAPSSparams(SHA256, new AlgorithmIdentifier(PKCSObjectIdentifiers.id_mgf1, SHA256),
              new ASN1Integer(32), new ASN1Integer(1)));
  static final PSSParameterSpec PSS = new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1);

  private CmsSigning() {}

  /** Whether {@code key} is an EC key on P-256 (secp256r1). */
  static boolean isP256(PublicKey key) {
    if (!(key instanceof ECPublicKey)) {
      return false;
    }
    ECParameterSpec p = ((ECPublicKey) key).getParams();
    return p.getCurve().getField().getFieldSize() == 256
        && p.getOrder().toString(16).equals("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
  }

  public static ManifestSigner signer(
      PrivateKey key, X509Certificate certificate, List<X509Certificate> chain, Provider provider, SecureRandom random) {
    PublicKey pub = certificate.getPublicKey();
    final boolean ec;
    if (isP256(pub)) {
      ec = true;
    } else if (pub instanceof RSAPublicKey && "RSA".equals(pub.getAlgorithm())) {
      if (((RSAPublicKey) pub).getModulus().bitLength() < 2048) {
        throw new IllegalStateException("the signer's RSA key has fewer than 2048 bits");
      }
      ec = false;
    } else {
      throw new IllegalStateException(
          "the signer's key must be ECDSA P-256 or RSA (RSA-PSS); the certificate has a " + pub.getAlgorithm() + " key");
    }
    boolean[] usage = certificate.getKeyUsage();
    if (usage == null || !usage[0]) {
      throw new IllegalStateException("the signer's certificate must have keyUsage digitalSignature");
    }
    try {
      if (!CmsVerification.signingPurpose(certificate)) {
        throw new IllegalStateException(
            "the signer's certificate has an extendedKeyUsage without emailProtection or anyExtendedKeyUsage");
      }
    } catch (io.hellgate.export.ExportFormatException e) {
      throw new IllegalStateException(e.getMessage());
    }
    List<X509Certificate> all = new ArrayList<>();
    all.add(certificate);
    for (X509Certificate c : chain) {
      if (!all.contains(c)) {
        all.add(c);
      }
    }
    Signing signing = new Signing(key, provider, ec, random);
    // The key must be the certificate's: sign a probe and verify it with the certificate's key.
    try {
      byte[] probe = "hellgate export signer probe".getBytes(StandardCharsets.US_ASCII);
      byte[] sig = signing.sign(probe);
      Signature v = ec ? Signature.getInstance("SHA256withECDSA") : Signature.getInstance("RSASSA-PSS");
      if (!ec) {
        v.setParameter(PSS);
      }
      v.initVerify(pub);
      v.update(probe);
      if (!v.verify(sig)) {
        throw new IllegalStateException("the signing key does not belong to the signer's certificate");
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the signing key cannot sign: " + StoreKeys.rootMessage(e), e);
    }
    return (content, signingTime) -> sign(signing, certificate, all, content, signingTime);
  }

  private static byte[] sign(Signing signing, X509Certificate certificate, List<X509Certificate> certs, byte[] content,
      Instant signingTime) throws IOException {
    try {
      AttributeTable attributes =
          new AttributeTable(new Attribute(CMSAttributes.signingTime, new DERSet(new Time(Date.from(signingTime)))));
      SignerInfoGenerator info =
          new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
              .setSignedAttributeGenerator(new DefaultSignedAttributeTableGenerator(attributes))
              .build(signing.contentSigner(), certificate);
      CMSSignedDataGenerator gen = new CMSSignedDataGenerator();
      gen.addSignerInfoGenerator(info);
      gen.addCertificates(new JcaCertStore(certs));
      return gen.generate(new CMSProcessableByteArray(content), true).toASN1Structure().getEncoded(ASN1Encoding.DER);
    } catch (OperatorCreationException | CMSException | CertificateEncodingException e) {
      throw new IOException("signing the manifest failed: " + StoreKeys.rootMessage(e), e);
    }
  }

  /** One key's signing operation, through the key's provider (SunPKCS11 for a token key). */
  private static final class Signing {
    private final PrivateKey key;
    private final Provider provider;
    private final boolean ec;
    private final SecureRandom random;

    Signing(PrivateKey key, Provider provider, boolean ec, SecureRandom random) {
      this.key = key;
      this.provider = provider;
      this.ec = ec;
      this.random = random;
    }

    synchronized byte[] sign(byte[] data) throws GeneralSecurityException {
      String name = ec ? "SHA256withECDSA" : "RSASSA-PSS";
      Signature s = provider == null ? Signature.getInstance(name) : Signature.getInstance(name, provider);
      if (!ec) {
        s.setParameter(PSS);
      }
      s.initSign(key, random);
      s.update(data);
      return s.sign();
    }

    ContentSigner contentSigner() {
      ByteArrayOutputStream buffer = new ByteArrayOutputStream();
      return new ContentSigner() {
        @Override
        public AlgorithmIdentifier getAlgorithmIdentifier() {
          return ec ? ECDSA_SHA256 : RSA_PSS_SHA256;
        }

        @Override
        public OutputStream getOutputStream() {
          return buffer;
        }

        @Override
        public byte[] getSignature() {
          try {
            return sign(buffer.toByteArray());
          } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the signing key failed to sign: " + StoreKeys.rootMessage(e), e);
          }
        }
      };
    }
  }

  /** A PEM private key for signing: PKCS#8 (also encrypted), SEC1 EC or PKCS#1 RSA (also legacy-encrypted). */
  public static PrivateKey readPemKey(Path file, char[] password) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new KeySourceException(Reason.NOT_FOUND, "no such key file: " + file);
    }
    String text = Files.readString(file, StandardCharsets.US_ASCII);
    try (PEMParser parser = new PEMParser(new StringReader(text))) {
      for (Object o; (o = parser.readObject()) != null; ) {
        PrivateKeyInfo info = null;
        if (o instanceof PrivateKeyInfo) {
          info = (PrivateKeyInfo) o;
        } else if (o instanceof PEMKeyPair) {
          info = ((PEMKeyPair) o).getPrivateKeyInfo();
        } else if (o instanceof PKCS8EncryptedPrivateKeyInfo) {
          if (password == null) {
            throw new KeySourceException(Reason.PASSWORD_REQUIRED, file + " is encrypted: a password is required");
          }
          try {
            info = ((PKCS8EncryptedPrivateKeyInfo) o).decryptPrivateKeyInfo(
                new JceOpenSSLPKCS8DecryptorProviderBuilder().build(password));
          } catch (Exception e) {
            throw new KeySourceException(Reason.WRONG_PASSWORD, "wrong password for the key in " + file);
          }
        } else if (o instanceof PEMEncryptedKeyPair) {
          if (password == null) {
            throw new KeySourceException(Reason.PASSWORD_REQUIRED, file + " is encrypted: a password is required");
          }
          try {
            info = ((PEMEncryptedKeyPair) o).decryptKeyPair(new JcePEMDecryptorProviderBuilder().build(password)).getPrivateKeyInfo();
          } catch (Exception e) {
            throw new KeySourceException(Reason.WRONG_PASSWORD, "wrong password for the key in " + file);
          }
        }
        if (info != null) {
          var oid = info.getPrivateKeyAlgorithm().getAlgorithm();
          String algorithm = X9ObjectIdentifiers.id_ecPublicKey.equals(oid) ? "EC"
              : PKCSObjectIdentifiers.rsaEncryption.equals(oid) ? "RSA" : null;
          if (algorithm == null) {
            throw new KeySourceException(Reason.MALFORMED, file + " holds a key of type " + oid + "; a signer needs EC (P-256) or RSA");
          }
          byte[] der = info.getEncoded();
          try {
            return java.security.KeyFactory.getInstance(algorithm)
                .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(der));
          } catch (GeneralSecurityException e) {
            throw new KeySourceException(Reason.MALFORMED, file + " holds an unreadable " + algorithm + " key");
          } finally {
            java.util.Arrays.fill(der, (byte) 0); // the key's bytes: zeroed after use (house rule 5)
          }
        }
      }
    } catch (KeySourceException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new KeySourceException(Reason.MALFORMED, file + " is not a readable PEM key file");
    }
    throw new KeySourceException(Reason.MALFORMED, file + " contains no private key");
  }

  /** Every certificate of a PEM (or single DER) file, in order; at least one. */
  public static List<X509Certificate> readPemCertificates(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new KeySourceException(Reason.NOT_FOUND, "no such certificate file: " + file);
    }
    byte[] bytes = Files.readAllBytes(file);
    List<X509Certificate> out = new ArrayList<>();
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      String text = new String(bytes, StandardCharsets.US_ASCII);
      if (text.contains("-----BEGIN")) {
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
          for (Object o; (o = parser.readObject()) != null; ) {
            if (o instanceof X509CertificateHolder) {
              out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(((X509CertificateHolder) o).getEncoded())));
            }
          }
        }
      } else {
        out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(bytes)));
      }
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new KeySourceException(Reason.MALFORMED, file + " is not a readable certificate file");
    }
    if (out.isEmpty()) {
      throw new KeySourceException(Reason.MALFORMED, file + " contains no certificate");
    }
    return out;
  }
}
