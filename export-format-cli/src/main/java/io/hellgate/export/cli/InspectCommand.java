package io.hellgate.export.cli;

import io.hellgate.export.ExportManifest;
import io.hellgate.export.ExportReader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code export-tool inspect ARCHIVE}: the manifest, without a key. */
@Command(name = "inspect", description = "Show an archive's manifest (no key needed; nothing is verified).")
final class InspectCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "ARCHIVE", description = "The export .tgz (- for standard input).")
  Path archive;

  @Override
  public Integer call() throws Exception {
    ExportManifest m;
    if (Stdio.isDash(archive)) {
      m = fromStdin();
    } else {
      ExportTool.requireNotDirectory(archive);
      m = ExportReader.readManifest(archive);
    }
    var out = spec.commandLine().getOut();
    out.println("version:           " + Printable.escape(m.version()));
    out.println("export_id:         " + Printable.escape(m.exportId()));
    out.println("created_at:        " + Printable.escape(m.createdAt()));
    out.println("guardian_instance: " + Printable.escape(m.guardianInstance()));
    out.println("algorithm:         " + Printable.escape(m.algorithm()));
    out.println("recipient:         " + Printable.escape(m.recipientSubject()));
    out.println("  issuer:          " + Printable.escape(m.recipientIssuer()));
    out.println("  serial:          " + Printable.escape(m.recipientSerial()));
    out.println("  fingerprint:     " + Printable.escape(m.recipientFingerprint()));
    out.println("record_count:      " + m.recordCount() + " (claimed; run verify to check)");
    out.println("checksum:          " + Printable.escape(m.checksum()) + " (claimed; run verify to check)");
    if (m.requestId().isPresent()) { // format 1.1
      out.println("request_id:        " + Printable.escape(m.requestId().get()) + " (claimed)");
      out.println("scope:             " + Printable.escape(m.scope().get().toString()) + " (claimed)");
    }
    var signer = io.hellgate.export.crypto.ManifestSignatures.unverifiedSigner(m);
    if (signer.isPresent()) {
      out.println("signed by:         " + Printable.escape(signer.get().getSubjectX500Principal().getName())
          + " (NOT verified; run verify --signer-trust)");
      out.println("  signer issuer:   " + Printable.escape(signer.get().getIssuerX500Principal().getName()));
    }
    out.flush();
    return ExportTool.OK;
  }

  /**
   * The manifest of an archive on standard input: copied to an owner-only temporary file first
   * (the archive is ciphertext and manifest only, never plaintext), read, and deleted.
   */
  private ExportManifest fromStdin() throws java.io.IOException {
    java.nio.file.Path tmp = java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
        ? java.nio.file.Files.createTempFile("export-tool-inspect-", ".tgz", java.nio.file.attribute.PosixFilePermissions
            .asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")))
        : java.nio.file.Files.createTempFile("export-tool-inspect-", ".tgz");
    try {
      try (java.io.OutputStream o = java.nio.file.Files.newOutputStream(tmp)) {
        Stdio.in(spec).transferTo(o);
      }
      return ExportReader.readManifest(tmp);
    } finally {
      java.nio.file.Files.deleteIfExists(tmp);
    }
  }
}
