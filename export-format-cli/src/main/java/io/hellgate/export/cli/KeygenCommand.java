package io.hellgate.export.cli;

import io.hellgate.export.crypto.CertificateRequests;
import io.hellgate.export.crypto.RecipientKeys;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code export-tool keygen}: creates a dedicated key pair for export decryption and a PKCS#10
 * certificate request for it, checked first against the subject and key rules a sender's
 * certificate policy applies (O and C present, RSA of at least 2048 bits), so nothing is written
 * for a request that would be rejected.
 *
 * <pre>{@code
 * export-tool keygen --subject "CN=exports.acme.example, O=Acme Payments GmbH, C=DE" \
 *     --out-key export-key.pem --out-csr export.csr --pass-file key.pass
 * export-tool keygen --subject "..." --pkcs11 hsm.cfg --alias export-2026 --out-csr export.csr
 * int exit = new CommandLine(new KeygenCommand()).execute(args);   // from Java
 * }</pre>
 *
 * <p>The software key is written as encrypted PKCS#8 (PBKDF2-HMAC-SHA256, AES-256-CBC), readable
 * by its owner only; with {@code --pkcs11} the key is generated inside the token and never leaves
 * it. Existing files are never overwritten. Exit codes: 0 written, 1 rejected by the policy checks,
 * 2 usage or I/O error. Not thread-safe: picocli fills in one instance per invocation.
 */
@Command(
    name = "keygen",
    mixinStandardHelpOptions = true,
    description = "Create a recipient key pair and a certificate request (CSR) for export decryption.")
public final class KeygenCommand implements Callable<Integer> {
  static final int REJECTED = 1;
  static final int USAGE_OR_IO = 2;

  @Spec CommandSpec spec;

  @Mixin PasswordOptions password;

  @Option(names = "--subject", required = true, paramLabel = "DN", description = "Subject, e.g. \"CN=exports.acme.example, O=Acme Payments GmbH, C=DE\"; O and C are required.")
  String subject;

  @Option(names = "--out-key", paramLabel = "KEY.pem", description = "Where to write the encrypted PKCS#8 private key (not with --pkcs11).")
  Path outKey;

  @Option(names = "--out-csr", required = true, paramLabel = "REQ.csr", description = "Where to write the PKCS#10 request (PEM).")
  Path outCsr;

  @Option(names = "--bits", defaultValue = "3072", paramLabel = "N", description = "RSA modulus length (default: ${DEFAULT-VALUE}; at least 2048).")
  int bits;

  @Option(names = "--pkcs11", paramLabel = "CONFIG", description = "Generate the key inside this PKCS#11 token (SunPKCS11 configuration file).")
  Path pkcs11;

  @Option(names = "--alias", paramLabel = "ALIAS", defaultValue = "export-decryption", description = "Label of the key in the token (default: ${DEFAULT-VALUE}).")
  String alias;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if ((pkcs11 == null) == (outKey == null)) {
      throw new ParameterException(spec.commandLine(), "give either --out-key KEY.pem (software key) or --pkcs11 CONFIG (key in a token)");
    }
    List<String> problems;
    try {
      problems = CertificateRequests.check(subject, bits);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    if (!problems.isEmpty()) {
      err.println("keygen: the certificate for this request would be rejected; nothing was written:");
      problems.forEach(p -> err.println("  - " + p));
      return REJECTED;
    }
    try {
      // Everything that can be checked is checked before anything is generated or written.
      refuseUnwritable(outCsr);
      if (outKey != null) {
        refuseUnwritable(outKey);
        if (outKey.toAbsolutePath().normalize().equals(outCsr.toAbsolutePath().normalize())) {
          throw new ParameterException(spec.commandLine(), "--out-key and --out-csr must be different files");
        }
      }
      String csr;
      if (pkcs11 != null) {
        csr = CertificateRequests.createPemInPkcs11(pkcs11, alias, password.read("PKCS#11 token " + pkcs11, false), subject, bits);
        out.println("generated an RSA-" + bits + " key in the PKCS#11 token (" + pkcs11 + ") as \"" + alias + "\"; it never leaves the token");
      } else {
        char[] pw = password.read("the new key " + outKey, true);
        try {
          KeyPair keyPair = CertificateRequests.generateRsa(bits);
          csr = CertificateRequests.createPem(subject, keyPair);
          // The request first: if the key cannot be written, the request is removed again, so a
          // failure leaves neither (a key without its request would block a rerun).
          Files.writeString(outCsr, csr, StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW);
          try {
            RecipientKeys.writeEncryptedPem(keyPair.getPrivate(), pw, outKey);
          } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(outCsr);
            throw e;
          }
        } finally {
          Arrays.fill(pw, '\0');
        }
        out.println("wrote " + outKey + " (RSA-" + bits + ", encrypted PKCS#8; keep it and its password safe)");
      }
      if (pkcs11 != null) {
        Files.writeString(outCsr, csr, StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW);
      }
      out.println("wrote " + outCsr + " for " + subject + " (key usage: keyEncipherment)");
      out.println("next: have your CA issue the certificate, then check it with: export-tool check-cert CERT.pem --trust ROOTS.pem");
      return 0;
    } catch (IOException e) {
      err.println("keygen: " + e.getMessage());
      return USAGE_OR_IO;
    }
  }

  private static void refuseUnwritable(Path file) throws IOException {
    if (Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw new FileAlreadyExistsException(file + " exists; keygen never overwrites files");
    }
    Path dir = file.toAbsolutePath().getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new java.nio.file.NoSuchFileException(file + ": its directory does not exist");
    }
    if (!Files.isWritable(dir)) {
      throw new java.nio.file.AccessDeniedException(file + ": its directory is not writable");
    }
  }
}
