package io.hellgate.export.crypto;

import io.hellgate.export.RecipientKey;
import io.hellgate.export.crypto.KeySourceException.Reason;
import io.hellgate.export.crypto.internal.PemKeys;
import io.hellgate.export.crypto.internal.StoreKeys;
import io.hellgate.export.internal.TokenUnwrapper;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Objects;

/**
 * Loads a recipient's private key from where it is kept and returns a core {@link RecipientKey}
 * that {@code ExportReader.options().key(...)} accepts.
 *
 * <p>Sources: PEM files (PKCS#8, encrypted PKCS#8, PKCS#1 "RSA PRIVATE KEY" including legacy
 * OpenSSL encryption), PKCS#12 key stores, and PKCS#11 tokens (HSMs, smart cards, SoftHSM2)
 * through the JDK's SunPKCS11 provider. Keys from PKCS#12 and PKCS#11 always come with their
 * certificate, so the reader can match the export's recipient fingerprint and name the expected
 * certificate when the wrong key is configured; PEM keys carry a certificate when one is given or
 * bundled in the same file. A certificate is checked to belong to the key where the key is
 * readable.
 *
 * <p><b>Secrets.</b> Every {@code char[]} password or PIN passed in is zeroed before the method
 * returns, whether it succeeds or fails. Errors are {@link KeySourceException}s whose messages
 * name the file, alias or token, never the password or key material. A PKCS#11 private key never
 * leaves its token: if the token offers RSA-OAEP with SHA-256/MGF1-SHA-256 it decrypts the data
 * key itself; otherwise it performs only the raw RSA operation and the OAEP decoding runs in the
 * JVM in constant time. Software keys live in JVM memory, which Java cannot reliably wipe; prefer
 * a token for production.
 *
 * <p>Stateless and thread-safe; the returned keys are immutable and thread-safe.
 *
 * <pre>{@code
 * RecipientKey current = RecipientKeys.fromPkcs11(Path.of("/etc/export/hsm.cfg"), "export-2026", pin);
 * RecipientKey previous = RecipientKeys.fromPkcs12(Path.of("old.p12"), null, password);
 * ExportReader.Options options = ExportReader.options().key(current).key(previous).build();
 * }</pre>
 */
public final class RecipientKeys {
  private static final int PBKDF2_ITERATIONS = 600_000;

  private RecipientKeys() {}

  /**
   * Loads a PEM private key. A certificate in the same file (after or before the key) is attached.
   *
   * @param keyFile the PEM file
   * @param password the password for an encrypted key, or {@code null}; zeroed on return
   * @return the key
   * @throws KeySourceException with {@link Reason#PASSWORD_REQUIRED} if the key is encrypted and
   *     {@code password} is null, {@link Reason#WRONG_PASSWORD}, {@link Reason#MALFORMED}, or
   *     {@link Reason#CERTIFICATE_MISMATCH} if a bundled certificate is for another key
   * @throws IOException if the file cannot be read
   */
  public static RecipientKey fromPem(Path keyFile, char[] password) throws IOException {
    return fromPem(keyFile, null, password);
  }

  /**
   * Loads a PEM private key and attaches {@code certificate}, after checking that it carries the
   * key's public half.
   *
   * @param keyFile the PEM file
   * @param certificate the recipient certificate, or {@code null} to use one bundled in the file
   * @param password the password for an encrypted key, or {@code null}; zeroed on return
   * @return the key
   * @throws KeySourceException as {@link #fromPem(Path, char[])}
   * @throws IOException if the file cannot be read
   */
  public static RecipientKey fromPem(Path keyFile, X509Certificate certificate, char[] password)
      throws IOException {
    try {
      Objects.requireNonNull(keyFile, "keyFile");
      PemKeys.Loaded loaded = PemKeys.read(keyFile, password);
      X509Certificate cert = certificate != null ? certificate : loaded.certificate();
      if (cert == null) {
        return RecipientKey.of(loaded.key());
      }
      PemKeys.requireMatch(loaded.key(), cert, keyFile.toString());
      return RecipientKey.of(loaded.key(), cert);
    } finally {
      zero(password);
    }
  }

  /**
   * Loads a private key and its certificate from a PKCS#12 key store.
   *
   * @param file the {@code .p12} / {@code .pfx} file
   * @param alias the entry to use, or {@code null} if the store holds exactly one key
   * @param password the store and key password; zeroed on return
   * @return the key, with the entry's certificate
   * @throws KeySourceException {@link Reason#WRONG_PASSWORD}, {@link Reason#NOT_FOUND} (no such
   *     alias, no key, several keys and no alias), {@link Reason#MALFORMED}
   * @throws IOException if the file cannot be read
   */
  public static RecipientKey fromPkcs12(Path file, String alias, char[] password) throws IOException {
    try {
      Objects.requireNonNull(file, "file");
      StoreKeys.Entry entry = StoreKeys.pkcs12(file, alias, password);
      PemKeys.requireMatch(entry.key(), entry.certificate(), "PKCS#12 entry \"" + entry.alias() + "\"");
      return RecipientKey.of(entry.key(), entry.certificate());
    } finally {
      zero(password);
    }
  }

  /**
   * Opens a PKCS#11 token through SunPKCS11 and uses a private key in it. The key never leaves the
   * token; see the class description for how RSA-OAEP-256 is done when the token lacks it.
   *
   * <p>{@code config} is a SunPKCS11 configuration file, for example
   * <pre>
   * name = export-hsm
   * library = /usr/lib/softhsm/libsofthsm2.so
   * slot = 1234567
   * </pre>
   *
   * @param config the SunPKCS11 configuration file
   * @param alias the key entry's alias (its certificate's {@code CKA_LABEL}), or {@code null} if
   *     the token holds exactly one key with a certificate
   * @param pin the user PIN; zeroed on return
   * @return the key, with the certificate stored next to it in the token
   * @throws KeySourceException {@link Reason#TOKEN_UNAVAILABLE} (no SunPKCS11, bad configuration,
   *     library or slot missing), {@link Reason#WRONG_PASSWORD} (PIN rejected),
   *     {@link Reason#NOT_FOUND} (no such key)
   * @throws IOException if the configuration cannot be read
   */
  public static RecipientKey fromPkcs11(Path config, String alias, char[] pin) throws IOException {
    try {
      Objects.requireNonNull(config, "config");
      StoreKeys.Entry entry = StoreKeys.pkcs11(config, alias, pin);
      if (!(entry.certificate().getPublicKey() instanceof RSAPublicKey)) {
        throw new KeySourceException(Reason.MALFORMED, "the certificate of token entry \"" + entry.alias() + "\" has no RSA key");
      }
      TokenUnwrapper unwrapper;
      try {
        unwrapper = TokenUnwrapper.create(entry.key(), entry.provider(), (RSAPublicKey) entry.certificate().getPublicKey());
      } catch (GeneralSecurityException e) {
        throw new KeySourceException(
            Reason.TOKEN_UNAVAILABLE, "the PKCS#11 token (" + config + ") can do neither RSA-OAEP-256 nor raw RSA with key \"" + entry.alias() + "\"", e);
      }
      return RecipientKey.of(unwrapper, entry.certificate());
    } finally {
      zero(pin);
    }
  }

  /**
   * Reads an X.509 certificate (the first one) from a PEM or DER file.
   *
   * @param file the certificate file
   * @return the certificate
   * @throws KeySourceException {@link Reason#NOT_FOUND} or {@link Reason#MALFORMED}
   * @throws IOException if the file cannot be read
   */
  public static X509Certificate readCertificate(Path file) throws IOException {
    Objects.requireNonNull(file, "file");
    if (!Files.isRegularFile(file)) {
      throw new KeySourceException(Reason.NOT_FOUND, "no such certificate file: " + file);
    }
    return PemKeys.readCertificate(file);
  }

  /**
   * Writes {@code key} as an encrypted PKCS#8 PEM ("ENCRYPTED PRIVATE KEY", PBES2 with
   * PBKDF2-HMAC-SHA256 and AES-256-CBC), readable by {@code openssl pkey} and
   * {@link #fromPem(Path, char[])}. The file is created new (never overwritten) and, on POSIX file
   * systems, readable by its owner only.
   *
   * @param key a software RSA private key
   * @param password the encryption password, at least one character; zeroed on return
   * @param out the file to create
   * @throws FileAlreadyExistsException if {@code out} exists
   * @throws IOException if writing fails
   * @throws IllegalArgumentException if the password is empty or the key cannot be encoded
   */
  public static void writeEncryptedPem(PrivateKey key, char[] password, Path out) throws IOException {
    try {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(out, "out");
      if (password == null || password.length == 0) {
        throw new IllegalArgumentException("an encrypted key needs a non-empty password");
      }
      // BouncyCastle's side in a class of its own: loading this class must not load any of
      // BouncyCastle's (signed) jars, which costs start-up (docs/performance.md, session 7).
      io.hellgate.export.crypto.internal.EncryptedPem.write(key, password, PBKDF2_ITERATIONS, () -> {
        createOwnerOnly(out);
        return Files.newOutputStream(out, StandardOpenOption.TRUNCATE_EXISTING);
      });
    } finally {
      zero(password);
    }
  }

  private static void createOwnerOnly(Path out) throws IOException {
    try {
      Files.createFile(out, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(out);
    }
  }

  private static void zero(char[] secret) {
    if (secret != null) {
      Arrays.fill(secret, '\0');
    }
  }
}
