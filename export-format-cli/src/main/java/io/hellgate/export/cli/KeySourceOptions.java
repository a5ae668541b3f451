package io.hellgate.export.cli;

import io.hellgate.export.RecipientKey;
import io.hellgate.export.crypto.KeySourceException;
import io.hellgate.export.crypto.RecipientKeys;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The recipient key options shared by {@code export-tool decrypt} and {@code verify}: PEM keys,
 * a PKCS#12 key store, or a PKCS#11 token (HSM), with the password or PIN from
 * {@code --pass-env}/{@code --pass-file} or a terminal prompt, never from an argument value. Each
 * key option may have its own {@code --pass-env}/{@code --pass-file}, given after it (key rotation
 * with differently protected keys: {@code --key old.pem --pass-file old.pass --key new.pem
 * --pass-env NEW_KEY_PASSWORD}); a single one is shared by all keys.
 *
 * <p>Use it as a picocli mixin and call {@link #load()} in the command:
 *
 * <pre>{@code
 * @Command(name = "decrypt")
 * final class DecryptCommand implements Callable<Integer> {
 *   @Mixin KeySourceOptions keySource;
 *
 *   public Integer call() throws IOException {
 *     ExportReader.Options.Builder options = ExportReader.options();
 *     keySource.load().forEach(options::key);
 *     ...
 *   }
 * }
 * }</pre>
 *
 * <p>Keys from PKCS#12 and PKCS#11 carry their certificate; a PEM key carries the {@code --cert}
 * that belongs to it (or one bundled in the PEM file), so the reader can pick the right key and
 * name the expected certificate when none fits. Passwords are zeroed after use. Errors:
 * {@link ParameterException} (usage, exit code 2 under {@code CommandLine.execute}) and
 * {@link KeySourceException} with a message naming the file, alias or token. Not thread-safe
 * (picocli fills it in once per invocation).
 */
public final class KeySourceOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Mixin PasswordOptions password;

  @Option(
      names = "--key",
      paramLabel = "KEY.pem",
      description = "Recipient private key in PEM (PKCS#8, encrypted PKCS#8, PKCS#1); repeatable for key rotation.")
  List<Path> keys = new ArrayList<>();

  @Option(
      names = "--cert",
      paramLabel = "CERT.pem",
      description = "Certificate of a --key, so the key is matched to exports by fingerprint; repeatable.")
  List<Path> certificates = new ArrayList<>();

  @Option(names = "--pkcs12", paramLabel = "FILE.p12", description = "PKCS#12 key store holding the recipient key and certificate.")
  Path pkcs12;

  @Option(
      names = "--pkcs11",
      paramLabel = "CONFIG",
      description = "SunPKCS11 configuration file of the PKCS#11 token (HSM) holding the recipient key.")
  Path pkcs11;

  @Option(names = "--alias", paramLabel = "ALIAS", description = "Key entry in the --pkcs12 store or --pkcs11 token.")
  String alias;

  /**
   * Loads every configured key, in the order --key, --pkcs12, --pkcs11.
   *
   * @return at least one key
   * @throws ParameterException if no source is given, --alias or --cert has nothing to apply to, or
   *     a password is needed but there is no way to get one
   * @throws IOException if a file cannot be read, a password or PIN is wrong, or a key is missing
   */
  public List<RecipientKey> load() throws IOException {
    if (keys.isEmpty() && pkcs12 == null && pkcs11 == null) {
      throw new ParameterException(mixee.commandLine(), "no recipient key given: use --key KEY.pem, --pkcs12 FILE.p12 or --pkcs11 CONFIG");
    }
    if (alias != null && pkcs12 == null && pkcs11 == null) {
      throw new ParameterException(mixee.commandLine(), "--alias applies only to --pkcs12 or --pkcs11");
    }
    if (!certificates.isEmpty() && keys.isEmpty()) {
      throw new ParameterException(mixee.commandLine(), "--cert attaches a certificate to a --key; with --pkcs12 or --pkcs11 the certificate comes from the store");
    }
    for (Path file : keys) {
      ExportTool.requireNotDirectory(file);
    }
    for (Path file : certificates) {
      ExportTool.requireNotDirectory(file);
    }
    ExportTool.requireNotDirectory(pkcs12);
    ExportTool.requireNotDirectory(pkcs11);
    List<X509Certificate> certs = new ArrayList<>();
    for (Path c : certificates) {
      certs.add(RecipientKeys.readCertificate(c));
    }
    boolean[] certUsed = new boolean[certs.size()];
    List<RecipientKey> loaded = new ArrayList<>();
    Passwords plan = passwords();
    for (int i = 0; i < keys.size(); i++) {
      loaded.add(pem(keys.get(i), certs, certUsed, plan.of("key" + i)));
    }
    for (int i = 0; i < certUsed.length; i++) {
      if (!certUsed[i]) {
        throw new KeySourceException(
            KeySourceException.Reason.CERTIFICATE_MISMATCH, "the certificate " + certificates.get(i) + " (--cert) belongs to none of the --key files");
      }
    }
    if (pkcs12 != null) {
      loaded.add(RecipientKeys.fromPkcs12(pkcs12, alias, password.readOrPrompt(plan.of("pkcs12"), "PKCS#12 file " + pkcs12)));
    }
    if (pkcs11 != null) {
      loaded.add(RecipientKeys.fromPkcs11(pkcs11, alias, password.readOrPrompt(plan.of("pkcs11"), "PKCS#11 token " + pkcs11)));
    }
    return List.copyOf(loaded);
  }

  /** Which password source each key option uses; null: none given (prompt if one is needed). */
  private record Passwords(java.util.Map<String, PasswordOptions.Source> own, PasswordOptions.Source shared) {
    PasswordOptions.Source of(String keyOption) {
      return own.getOrDefault(keyOption, shared);
    }
  }

  /**
   * Pairs each --pass-env/--pass-file with the key option (--key, --pkcs12, --pkcs11) before it on
   * the command line, so that keys protected differently (key rotation) each get theirs. A single
   * password option, wherever it stands, is shared by every key (as before there could be several);
   * one given before any key option is shared by the keys without one of their own.
   */
  private Passwords passwords() {
    java.util.Map<String, PasswordOptions.Source> own = new java.util.HashMap<>();
    PasswordOptions.Source shared = null;
    PasswordOptions.Source only = null;
    int total = 0;
    int nKey = 0;
    int nEnv = 0;
    int nFile = 0;
    String current = null;
    for (picocli.CommandLine.Model.ArgSpec arg : mixee.commandLine().getParseResult().matchedArgs()) {
      if (!(arg instanceof picocli.CommandLine.Model.OptionSpec)) {
        continue;
      }
      PasswordOptions.Source source = null;
      switch (((picocli.CommandLine.Model.OptionSpec) arg).longestName()) {
        case "--key" -> current = "key" + nKey++;
        case "--pkcs12" -> current = "pkcs12";
        case "--pkcs11" -> current = "pkcs11";
        case "--pass-env" -> source = new PasswordOptions.Source(password.passEnvs.get(nEnv++), null);
        case "--pass-file" -> source = new PasswordOptions.Source(null, password.passFiles.get(nFile++));
        default -> { }
      }
      if (source == null) {
        continue;
      }
      total++;
      only = source;
      if (current == null) {
        if (shared != null) {
          throw new ParameterException(mixee.commandLine(), "give the shared password with either --pass-env or --pass-file, not both, and once");
        }
        shared = source;
      } else if (own.putIfAbsent(current, source) != null) {
        throw new ParameterException(mixee.commandLine(), "give the password for " + describe(current)
            + " with either --pass-env or --pass-file, not both: one per key option, after it");
      }
    }
    return total == 1 ? new Passwords(java.util.Map.of(), only) : new Passwords(own, shared);
  }

  private String describe(String keyOption) {
    return keyOption.startsWith("key") ? "--key " + keys.get(Integer.parseInt(keyOption.substring(3))) : "--" + keyOption;
  }

  /** A PEM key with the --cert that belongs to it; asks for a password only if it is encrypted. */
  private RecipientKey pem(Path key, List<X509Certificate> certs, boolean[] certUsed, PasswordOptions.Source source) throws IOException {
    char[] given = source != null ? password.read(source) : null;
    char[] prompted = null;
    try {
      for (int attempt = 0; ; attempt++) {
        char[] pw = given != null ? given : prompted;
        try {
          for (int i = 0; i < certs.size(); i++) {
            try {
              RecipientKey k = RecipientKeys.fromPem(key, certs.get(i), copy(pw));
              certUsed[i] = true;
              return k;
            } catch (KeySourceException e) {
              if (e.reason() != KeySourceException.Reason.CERTIFICATE_MISMATCH) {
                throw e;
              }
            }
          }
          return RecipientKeys.fromPem(key, copy(pw));
        } catch (KeySourceException e) {
          if (e.reason() != KeySourceException.Reason.PASSWORD_REQUIRED || pw != null || attempt > 0) {
            throw e;
          }
          prompted = password.read(key.toString(), false);
        }
      }
    } finally {
      if (prompted != null) {
        Arrays.fill(prompted, '\0');
      }
      if (given != null) {
        Arrays.fill(given, '\0');
      }
    }
  }

  private static char[] copy(char[] secret) {
    return secret == null ? null : secret.clone();
  }
}
