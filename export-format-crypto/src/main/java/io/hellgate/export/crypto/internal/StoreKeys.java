package io.hellgate.export.crypto.internal;

import io.hellgate.export.crypto.KeySourceException;
import io.hellgate.export.crypto.KeySourceException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Security;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.security.auth.login.LoginException;

/**
 * Private keys and their certificates from PKCS#12 files and PKCS#11 tokens (SunPKCS11), with
 * alias selection; the engine behind {@link io.hellgate.export.crypto.RecipientKeys}. Stateless and
 * thread-safe. Callers zero passwords and PINs.
 *
 * <pre>{@code
 * StoreKeys.Entry e = StoreKeys.pkcs11(Path.of("hsm.cfg"), "export-2026", pin);
 * }</pre>
 */
public final class StoreKeys {
  private StoreKeys() {}

  /** A key entry: the private key, its certificate, and the provider the key lives in. */
  public record Entry(PrivateKey key, X509Certificate certificate, Provider provider, String alias) {}

  /** Loads an entry from a PKCS#12 file. Does not zero {@code password}. */
  public static Entry pkcs12(Path file, String alias, char[] password) throws IOException {
    return pkcs12(file, alias, password, RSA_ONLY);
  }

  /** A signing key (EC or RSA) from a PKCS#12 file. Does not zero {@code password}. */
  public static Entry pkcs12Signing(Path file, String alias, char[] password) throws IOException {
    return pkcs12(file, alias, password, SIGNING);
  }

  /** A signing key (EC or RSA) in a PKCS#11 token. Does not zero {@code pin}. */
  public static Entry pkcs11Signing(Path config, String alias, char[] pin) throws IOException {
    Provider provider = pkcs11Provider(config);
    KeyStore store = pkcs11Store(provider, config, pin);
    return entry(store, alias, null, "PKCS#11 token (" + config + ")", provider, SIGNING);
  }

  private static final java.util.Set<String> RSA_ONLY = java.util.Set.of("RSA");
  private static final java.util.Set<String> SIGNING = java.util.Set.of("RSA", "EC");

  private static Entry pkcs12(Path file, String alias, char[] password, java.util.Set<String> algorithms) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new KeySourceException(Reason.NOT_FOUND, "no such PKCS#12 file: " + file);
    }
    if (password == null) {
      throw new KeySourceException(Reason.PASSWORD_REQUIRED, file + ": a PKCS#12 password is required");
    }
    KeyStore store;
    try (InputStream in = Files.newInputStream(file)) {
      store = KeyStore.getInstance("PKCS12");
      store.load(in, password);
    } catch (IOException e) {
      if (e.getCause() instanceof UnrecoverableKeyException || String.valueOf(e.getMessage()).contains("password")) {
        throw new KeySourceException(Reason.WRONG_PASSWORD, "wrong password for PKCS#12 file " + file);
      }
      throw new KeySourceException(Reason.MALFORMED, file + " is not a readable PKCS#12 key store", e);
    } catch (GeneralSecurityException e) {
      throw new KeySourceException(Reason.MALFORMED, file + " is not a readable PKCS#12 key store", e);
    }
    return entry(store, alias, password, "PKCS#12 file " + file, null, algorithms);
  }

  /**
   * Opens a PKCS#11 token through the JDK's SunPKCS11 provider configured with {@code config} and
   * loads an entry. The private key stays in the token. Does not zero {@code pin}.
   */
  public static Entry pkcs11(Path config, String alias, char[] pin) throws IOException {
    Provider provider = pkcs11Provider(config);
    KeyStore store = pkcs11Store(provider, config, pin);
    return entry(store, alias, null, "PKCS#11 token (" + config + ")", provider, RSA_ONLY);
  }

  /** A SunPKCS11 provider configured from {@code config}. */
  public static Provider pkcs11Provider(Path config) throws KeySourceException {
    if (!Files.isRegularFile(config)) {
      throw new KeySourceException(Reason.NOT_FOUND, "no such PKCS#11 configuration file: " + config);
    }
    Provider base = Security.getProvider("SunPKCS11");
    if (base == null) {
      throw new KeySourceException(Reason.TOKEN_UNAVAILABLE, "this JDK has no SunPKCS11 provider (module jdk.crypto.cryptoki)");
    }
    try {
      return base.configure(config.toAbsolutePath().toString());
    } catch (RuntimeException e) {
      throw new KeySourceException(
          Reason.TOKEN_UNAVAILABLE,
          "cannot open the PKCS#11 token configured in " + config + ": " + rootMessage(e),
          e);
    }
  }

  /** Logs in to the token. */
  public static KeyStore pkcs11Store(Provider provider, Path config, char[] pin) throws KeySourceException {
    if (pin == null) {
      throw new KeySourceException(Reason.PASSWORD_REQUIRED, "the PKCS#11 token (" + config + ") needs a PIN");
    }
    try {
      KeyStore store = KeyStore.getInstance("PKCS11", provider);
      store.load(null, pin);
      return store;
    } catch (IOException e) {
      if (hasCause(e, LoginException.class) || String.valueOf(rootMessage(e)).contains("CKR_PIN")) {
        throw new KeySourceException(Reason.WRONG_PASSWORD, "the PKCS#11 token (" + config + ") rejected the PIN");
      }
      throw new KeySourceException(Reason.TOKEN_UNAVAILABLE, "cannot log in to the PKCS#11 token (" + config + "): " + rootMessage(e), e);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new KeySourceException(Reason.TOKEN_UNAVAILABLE, "cannot use the PKCS#11 token (" + config + "): " + rootMessage(e), e);
    }
  }

  private static Entry entry(KeyStore store, String alias, char[] password, String source, Provider provider,
      java.util.Set<String> algorithms) throws KeySourceException {
    try {
      List<String> keyAliases = new ArrayList<>();
      for (String a : Collections.list(store.aliases())) {
        if (store.isKeyEntry(a)) {
          keyAliases.add(a);
        }
      }
      String chosen;
      if (alias != null) {
        if (!keyAliases.contains(alias)) {
          throw new KeySourceException(
              Reason.NOT_FOUND,
              source + " has no private key with alias \"" + alias + "\"; key aliases: " + describe(keyAliases));
        }
        chosen = alias;
      } else if (keyAliases.size() == 1) {
        chosen = keyAliases.get(0);
      } else if (keyAliases.isEmpty()) {
        throw new KeySourceException(Reason.NOT_FOUND, source + " holds no private key with a certificate");
      } else {
        throw new KeySourceException(
            Reason.NOT_FOUND, source + " holds several keys; choose one with an alias: " + describe(keyAliases));
      }
      Key key = store.getKey(chosen, password);
      Certificate certificate = store.getCertificate(chosen);
      if (!(key instanceof PrivateKey) || !algorithms.contains(key.getAlgorithm())) {
        throw new KeySourceException(Reason.MALFORMED, source + ": entry \"" + chosen + "\" is not an "
            + String.join(" or ", new java.util.TreeSet<>(algorithms).descendingSet()) + " private key");
      }
      if (!(certificate instanceof X509Certificate)) {
        throw new KeySourceException(Reason.NOT_FOUND, source + ": entry \"" + chosen + "\" has no X.509 certificate");
      }
      return new Entry((PrivateKey) key, (X509Certificate) certificate, provider, chosen);
    } catch (UnrecoverableKeyException e) {
      throw new KeySourceException(Reason.WRONG_PASSWORD, "wrong password for the key in " + source);
    } catch (GeneralSecurityException e) {
      throw new KeySourceException(Reason.MALFORMED, source + " cannot be read: " + rootMessage(e), e);
    }
  }

  private static String describe(List<String> aliases) {
    return aliases.isEmpty() ? "(none)" : String.join(", ", aliases);
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  /** The innermost message; provider messages name PKCS#11 return codes, never PINs. */
  static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
  }
}
