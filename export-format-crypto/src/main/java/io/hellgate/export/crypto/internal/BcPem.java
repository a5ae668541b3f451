package io.hellgate.export.crypto.internal;

import io.hellgate.export.crypto.KeySourceException;
import io.hellgate.export.crypto.KeySourceException.Reason;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateKey;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;

/**
 * {@link PemKeys}'s BouncyCastle side: every PEM key file that is not a plain PKCS#8 RSA key
 * (encrypted PKCS#8, PKCS#1, legacy OpenSSL encryption), and every file the JDK-only path does not
 * take, with the messages it always gave. A class of its own so that loading {@link PemKeys}
 * loads no BouncyCastle class: the signed BouncyCastle jars cost about 0.2 s of start-up to
 * verify (docs/performance.md, session 7). Stateless and thread-safe.
 */
final class BcPem {
  /**
   * BouncyCastle's provider, for encrypted keys only: created on first use, since registering its
   * algorithms costs ~0.2-0.3 s of CPU at every start of export-tool (docs/performance.md, session 6).
   */
  private static final class Bc {
    static final BouncyCastleProvider PROVIDER = new BouncyCastleProvider();
  }

  private BcPem() {}

  /** BouncyCastle's provider, created on first use (also for writing encrypted keys). */
  static java.security.Provider provider() {
    return Bc.PROVIDER;
  }

  static PemKeys.Loaded read(String text, Path file, char[] password) throws IOException {
    PrivateKeyInfo info = null;
    X509Certificate certificate = null;
    try (PEMParser parser = new PEMParser(new StringReader(text))) {
      Object o;
      while ((o = readObject(parser, file)) != null) {
        if (o instanceof X509CertificateHolder && certificate == null) {
          certificate = PemKeys.toCertificate(((X509CertificateHolder) o).getEncoded(), file);
        } else if (info == null) {
          info = privateKeyInfo(o, file, password);
        }
      }
    }
    if (info == null) {
      throw new KeySourceException(Reason.MALFORMED, file + " contains no private key (expected a PEM \"PRIVATE KEY\", \"ENCRYPTED PRIVATE KEY\" or \"RSA PRIVATE KEY\" block)");
    }
    PrivateKey key;
    try {
      key = new JcaPEMKeyConverter().getPrivateKey(info);
    } catch (IOException e) {
      throw new KeySourceException(Reason.MALFORMED, file + " holds a private key this JDK cannot read", e);
    }
    if (!(key instanceof RSAPrivateKey)) {
      throw new KeySourceException(Reason.MALFORMED, file + " holds a " + key.getAlgorithm() + " key; export recipients need RSA");
    }
    return new PemKeys.Loaded(key, certificate);
  }

  private static Object readObject(PEMParser parser, Path file) throws KeySourceException {
    try {
      return parser.readObject();
    } catch (IOException | RuntimeException e) {
      throw new KeySourceException(Reason.MALFORMED, file + " is not valid PEM", e);
    }
  }

  private static PrivateKeyInfo privateKeyInfo(Object o, Path file, char[] password) throws KeySourceException {
    try {
      if (o instanceof PrivateKeyInfo) {
        return (PrivateKeyInfo) o;
      }
      if (o instanceof PEMKeyPair) {
        return ((PEMKeyPair) o).getPrivateKeyInfo();
      }
      if (o instanceof PKCS8EncryptedPrivateKeyInfo) {
        requirePassword(password, file);
        return ((PKCS8EncryptedPrivateKeyInfo) o)
            .decryptPrivateKeyInfo(new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(Bc.PROVIDER).build(password));
      }
      if (o instanceof PEMEncryptedKeyPair) {
        requirePassword(password, file);
        return ((PEMEncryptedKeyPair) o)
            .decryptKeyPair(new JcePEMDecryptorProviderBuilder().setProvider(Bc.PROVIDER).build(password))
            .getPrivateKeyInfo();
      }
    } catch (PKCSException | IOException | OperatorCreationException | RuntimeException e) {
      if (e instanceof KeySourceException) {
        throw (KeySourceException) e;
      }
      // Wrong passwords surface as padding or ASN.1 errors after decryption; one clear message.
      throw new KeySourceException(Reason.WRONG_PASSWORD, "wrong password for " + file + " (the key could not be decrypted)");
    }
    return null; // some other PEM object (public key, parameters): ignore
  }

  private static void requirePassword(char[] password, Path file) throws KeySourceException {
    if (password == null) {
      throw new KeySourceException(Reason.PASSWORD_REQUIRED, file + " is encrypted: a password is required");
    }
  }

  /** The first certificate in PEM {@code text}, by BouncyCastle's parser (its messages). */
  static X509Certificate readCertificate(String text, Path file) throws IOException {
    try (PEMParser parser = new PEMParser(new StringReader(text))) {
      Object o;
      while ((o = readObject(parser, file)) != null) {
        if (o instanceof X509CertificateHolder) {
          return PemKeys.toCertificate(((X509CertificateHolder) o).getEncoded(), file);
        }
      }
    }
    throw new KeySourceException(Reason.MALFORMED, file + " contains no PEM \"CERTIFICATE\" block");
  }

}
