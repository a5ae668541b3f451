package io.hellgate.export.cli;

import io.hellgate.export.ExportFormatException;
import io.hellgate.export.ExportManifest;
import io.hellgate.export.ExportRequest;
import io.hellgate.export.ExportWriter;
import io.hellgate.export.Recipient;
import io.hellgate.export.crypto.ManifestSignatures;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine.Option;

/**
 * Format 1.1 options of {@code encrypt}: {@code --request} (the approved request file: its ID and
 * scope go into the manifest, and every record must be in scope) and the manifest signer
 * ({@code --sign-key}/{@code --sign-cert}, {@code --sign-pkcs12} or {@code --sign-pkcs11}, with
 * {@code --sign-alias} and {@code --sign-pass-env}/{@code --sign-pass-file}). A picocli mixin; one
 * instance per invocation.
 */
final class SigningOptions {
  @Option(names = "--request", paramLabel = "request.json",
      description = "The approved export request: its request_id and scope are recorded in the manifest "
          + "(format 1.1) and every record must be in scope; its certificate must be --cert.")
  Path request;

  @Option(names = "--sign-key", paramLabel = "KEY.pem",
      description = "Sign the manifest (format 1.1) with this ECDSA P-256 or RSA key (PEM); needs --sign-cert.")
  Path signKey;

  @Option(names = "--sign-cert", paramLabel = "CERT.pem",
      description = "The signing certificate, optionally followed by its intermediate CA certificates (PEM).")
  Path signCert;

  @Option(names = "--sign-pkcs12", paramLabel = "FILE.p12", description = "PKCS#12 key store holding the signing key and certificate.")
  Path signPkcs12;

  @Option(names = "--sign-pkcs11", paramLabel = "CONFIG", description = "SunPKCS11 configuration of the token holding the signing key.")
  Path signPkcs11;

  @Option(names = "--sign-alias", paramLabel = "ALIAS", description = "The signing key's entry in --sign-pkcs12 or --sign-pkcs11.")
  String signAlias;

  @Option(names = "--sign-chain", paramLabel = "INTERMEDIATES.pem", description = "Intermediate CA certificates to include in the signature.")
  Path signChain;

  @Option(names = "--sign-pass-env", paramLabel = "NAME", description = "Read the signing key's password or PIN from environment variable NAME.")
  String passEnv;

  @Option(names = "--sign-pass-file", paramLabel = "FILE", description = "Read the signing key's password or PIN from the first line of FILE.")
  Path passFile;

  /** The parsed --request, or null. */
  ExportRequest loadRequest() throws IOException {
    if (request == null) {
      return null;
    }
    ExportTool.requireNotDirectory(request);
    try {
      return ExportRequest.fromJson(PolicyOptions.read(request, "--request"));
    } catch (ExportFormatException e) {
      throw new ExportFormatException(e.reason(), request + ": " + e.getMessage());
    }
  }

  /** Adds the request and signer to {@code builder}; refuses a request for another certificate. */
  void apply(ExportWriter.Options.Builder builder, Recipient recipient) throws Exception {
    ExportRequest r = loadRequest();
    if (r != null) {
      if (!r.recipientFingerprint().equals(recipient.fingerprint())) {
        throw new ExportTool.Rejected("--request " + request + " is for certificate " + r.recipientFingerprint()
            + ", not --cert (" + recipient.fingerprint() + "); nothing was written");
      }
      builder.request(r);
    }
    int sources = (signKey != null ? 1 : 0) + (signPkcs12 != null ? 1 : 0) + (signPkcs11 != null ? 1 : 0);
    if (sources > 1) {
      throw new ExportTool.UsageError("give one signing key: --sign-key, --sign-pkcs12 or --sign-pkcs11");
    }
    if (signKey != null && signCert == null) {
      throw new ExportTool.UsageError("--sign-key needs --sign-cert");
    }
    if (sources == 0) {
      if (signCert != null || signAlias != null || signChain != null || passEnv != null || passFile != null) {
        throw new ExportTool.UsageError("--sign-cert, --sign-alias, --sign-chain and --sign-pass-* need a signing key (--sign-key, --sign-pkcs12 or --sign-pkcs11)");
      }
      return;
    }
    if (signAlias != null && signKey != null) {
      throw new ExportTool.UsageError("--sign-alias applies only to --sign-pkcs12 or --sign-pkcs11");
    }
    ManifestSignatures.SignerBuilder b = ManifestSignatures.signer();
    char[] secret = secret();
    try {
      if (signKey != null) {
        ExportTool.requireNotDirectory(signKey);
        ExportTool.requireNotDirectory(signCert);
        b.pem(signKey, signCert, secret);
      } else if (signPkcs12 != null) {
        ExportTool.requireNotDirectory(signPkcs12);
        if (secret == null) {
          throw new ExportTool.UsageError("--sign-pkcs12 needs --sign-pass-env or --sign-pass-file");
        }
        b.pkcs12(signPkcs12, signAlias, secret);
      } else {
        ExportTool.requireNotDirectory(signPkcs11);
        if (secret == null) {
          throw new ExportTool.UsageError("--sign-pkcs11 needs the PIN: --sign-pass-env or --sign-pass-file");
        }
        b.pkcs11(signPkcs11, signAlias, secret);
      }
    } finally {
      if (secret != null) {
        Arrays.fill(secret, '\0');
      }
    }
    if (signChain != null) {
      ExportTool.requireNotDirectory(signChain);
      java.util.List<java.security.cert.X509Certificate> chain = new java.util.ArrayList<>();
      try {
        for (var c : java.security.cert.CertificateFactory.getInstance("X.509")
            .generateCertificates(new java.io.ByteArrayInputStream(PolicyOptions.read(signChain, "--sign-chain")))) {
          chain.add((java.security.cert.X509Certificate) c);
        }
      } catch (java.security.cert.CertificateException e) {
        throw new IOException("--sign-chain: " + signChain + " is not a PEM or DER certificate file");
      }
      b.chain(chain);
    }
    builder.signer(b.build());
  }

  private char[] secret() throws IOException {
    if (passEnv != null && passFile != null) {
      throw new ExportTool.UsageError("--sign-pass-env and --sign-pass-file exclude each other");
    }
    if (passEnv != null) {
      String v = System.getenv(passEnv);
      if (v == null || v.isEmpty()) {
        throw new IOException("--sign-pass-env: environment variable " + passEnv + " is not set");
      }
      return v.toCharArray();
    }
    if (passFile != null) {
      String line = new String(PolicyOptions.read(passFile, "--sign-pass-file"), java.nio.charset.StandardCharsets.UTF_8);
      int end = 0;
      while (end < line.length() && line.charAt(end) != '\n' && line.charAt(end) != '\r') {
        end++;
      }
      return line.substring(0, end).toCharArray();
    }
    return null;
  }

  /** The 1.1 lines of encrypt's report. */
  static void report(PrintWriter out, ExportManifest m) throws IOException {
    if (m.requestId().isPresent()) {
      out.println("request_id: " + Printable.escape(m.requestId().get()));
      out.println("scope: " + Printable.escape(m.scope().get().toString()));
    }
    var signer = ManifestSignatures.unverifiedSigner(m);
    if (signer.isPresent()) {
      out.println("signed by: " + Printable.escape(signer.get().getSubjectX500Principal().getName()));
    }
  }
}
