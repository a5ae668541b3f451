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

  @Parameters(paramLabel = "ARCHIVE", description = "The export .tgz.")
  Path archive;

  @Override
  public Integer call() throws Exception {
    ExportManifest m = ExportReader.readManifest(archive);
    var out = spec.commandLine().getOut();
    out.println("version:           " + m.version());
    out.println("export_id:         " + m.exportId());
    out.println("created_at:        " + m.createdAt());
    out.println("guardian_instance: " + m.guardianInstance());
    out.println("algorithm:         " + m.algorithm());
    out.println("recipient:         " + m.recipientSubject());
    out.println("  issuer:          " + m.recipientIssuer());
    out.println("  serial:          " + m.recipientSerial());
    out.println("  fingerprint:     " + m.recipientFingerprint());
    out.println("record_count:      " + m.recordCount() + " (claimed; run verify to check)");
    out.println("checksum:          " + m.checksum() + " (claimed; run verify to check)");
    out.flush();
    return ExportTool.OK;
  }
}
