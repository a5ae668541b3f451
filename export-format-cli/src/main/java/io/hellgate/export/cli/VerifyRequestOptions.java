package io.hellgate.export.cli;

import io.hellgate.export.ExportFormatException;
import io.hellgate.export.ExportManifest;
import io.hellgate.export.ExportReader;
import io.hellgate.export.ExportRequest;
import io.hellgate.export.ManifestVerifier;
import io.hellgate.export.crypto.ManifestSignatures;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Format 1.1 options of {@code verify}: {@code --signer-trust} (require a signature by a signer
 * chaining to these roots, before anything is decrypted) with its revocation options, and
 * {@code --request} (the request this export answers: its ID, scope and certificate must match the
 * manifest's, and every record must be in scope), and the step-6 confirmation they print. A picocli
 * mixin; one instance per invocation.
 */
final class VerifyRequestOptions {
  @Option(names = "--signer-trust", paramLabel = "ROOTS.pem",
      description = "Require the manifest to be signed by a certificate chaining to these roots (format 1.1); "
          + "an unsigned export or a bad or untrusted signature is rejected before decryption.")
  Path signerTrust;

  @Option(names = "--signer-crl", paramLabel = "FILE", description = "A CRL for the signer's chain (PEM or DER); repeatable.")
  List<Path> signerCrls = new ArrayList<>();

  @Option(names = "--signer-ocsp", description = "Check the signer's revocation online (OCSP and CRL URLs in its certificates).")
  boolean signerOnline;

  @Option(names = "--signer-soft-fail-revocation",
      description = "Accept a signer whose revocation status cannot be established (a revoked one is still rejected).")
  boolean signerSoftFail;

  @Option(names = "--request", paramLabel = "request.json",
      description = "The export request this export answers: prints the step-6 confirmation (request ID, scope, "
          + "records in scope); a mismatch or a record outside the scope is rejected.")
  Path request;

  private ExportRequest loaded;
  private ManifestVerifier verifier;

  /** Usage checks and file reading, before the archive is opened. */
  void prepare() throws IOException {
    if (signerTrust == null && (!signerCrls.isEmpty() || signerOnline || signerSoftFail)) {
      throw new ExportTool.UsageError("--signer-crl, --signer-ocsp and --signer-soft-fail-revocation need --signer-trust");
    }
    if (request != null) {
      ExportTool.requireNotDirectory(request);
      try {
        loaded = ExportRequest.fromJson(PolicyOptions.read(request, "--request"));
      } catch (ExportFormatException e) {
        throw new ExportFormatException(e.reason(), request + ": " + e.getMessage());
      }
    }
    if (signerTrust != null) {
      ExportTool.requireNotDirectory(signerTrust);
      ManifestSignatures.VerifierBuilder v = ManifestSignatures.verifier()
          .trustAnchorsPem(PolicyOptions.read(signerTrust, "--signer-trust"))
          .onlineRevocation(signerOnline)
          .softFailRevocation(signerSoftFail);
      for (Path crl : signerCrls) {
        ExportTool.requireNotDirectory(crl);
        for (byte[] one : splitCrls(PolicyOptions.read(crl, "--signer-crl " + crl.getFileName()))) {
          v.crl(one);
        }
      }
      verifier = v.build();
    }
  }

  /** Adds the verifier and the scope check to the reader options. */
  void apply(ExportReader.Options.Builder options) {
    if (verifier != null) {
      options.signatureVerifier(verifier);
    }
    if (loaded != null) {
      options.checkScope(true);
    }
  }

  /** A PEM file may hold several CRLs; DER holds one. */
  private static List<byte[]> splitCrls(byte[] bytes) {
    String text = new String(bytes, java.nio.charset.StandardCharsets.US_ASCII);
    String begin = "-----BEGIN X509 CRL-----";
    String end = "-----END X509 CRL-----";
    List<byte[]> out = new ArrayList<>();
    if (!text.contains(begin)) {
      out.add(bytes);
      return out;
    }
    for (int i = text.indexOf(begin); i >= 0; i = text.indexOf(begin, i + 1)) {
      int e = text.indexOf(end, i);
      if (e < 0) {
        break;
      }
      out.add(text.substring(i, e + end.length()).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
    return out;
  }

  /**
   * The manifest's request must be {@code --request}'s: same ID, same scope, same certificate;
   * checked before anything is decrypted.
   */
  void checkManifest(ExportManifest m) throws ExportTool.Rejected {
    if (loaded == null) {
      return;
    }
    if (m.requestId().isEmpty()) {
      throw new ExportTool.Rejected("the export records no request (format 1.0 or no request member), so it cannot be matched to "
          + request + " (request " + loaded.requestId() + ")");
    }
    if (!m.requestId().get().equals(loaded.requestId())) {
      throw new ExportTool.Rejected("the export answers request " + Printable.escape(m.requestId().get()) + ", not "
          + Printable.escape(loaded.requestId()) + " (" + request + ")");
    }
    if (!m.scope().get().equals(loaded.scope())) {
      throw new ExportTool.Rejected("the export's scope " + Printable.escape(m.scope().get().toString())
          + " is not the requested scope " + Printable.escape(loaded.scope().toString()));
    }
    if (!m.recipientFingerprint().equals(loaded.recipientFingerprint())) {
      throw new ExportTool.Rejected("the export is encrypted to " + m.recipientFingerprint()
          + ", not to the request's certificate " + loaded.recipientFingerprint());
    }
  }

  /** The step-6 confirmation lines (seed step 6), after a complete verification. */
  void confirm(PrintWriter out, ExportReader reader) {
    ExportManifest m = reader.manifest();
    var sig = reader.verifiedSignature();
    if (sig.isPresent()) {
      ManifestVerifier.Verified v = sig.get();
      List<X509Certificate> chain = v.signerChain();
      out.println("signed by:    " + Printable.escape(v.signer().getSubjectX500Principal().getName())
          + " (chain to " + Printable.escape(chain.get(chain.size() - 1).getSubjectX500Principal().getName())
          + ", signed " + v.signingTime() + ")");
    } else if (m.signature().isPresent()) {
      out.println("signature:    present but NOT checked (give --signer-trust to require and check it)");
    }
    if (loaded == null) {
      return;
    }
    out.println("request_id:   " + Printable.escape(m.requestId().get()) + " matches " + Printable.escape(request));
    out.println("scope:        matches the request: " + Printable.escape(m.scope().get().toString()));
    out.println("in scope:     " + m.recordCount() + " of " + m.recordCount() + " records");
    out.println("CONFIRMED (step 6): decryption succeeds, "
        + (sig.isPresent() ? "signed by " + Printable.escape(sig.get().signer().getSubjectX500Principal().getName())
            : "NOT signature-checked (the request ID and scope are unauthenticated claims)")
        + ", request " + Printable.escape(m.requestId().get()) + " matches, scope matches, "
        + m.recordCount() + " of " + m.recordCount() + " records in scope, checksum " + Printable.escape(m.checksum())
        + ", " + m.recordCount() + " records");
  }
}
