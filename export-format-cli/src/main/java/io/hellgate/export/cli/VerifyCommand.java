package io.hellgate.export.cli;

import io.hellgate.export.ExportManifest;
import io.hellgate.export.ExportReader;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code export-tool verify ARCHIVE --key KEY.pem}: authenticate everything and (unless
 * {@code --skip-record-validation}) check every record, then print count and checksum.
 */
@Command(name = "verify", description = {
    "Authenticate an export completely, check that every line is a valid token record,",
    "and print its record count and checksum."})
final class VerifyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ArchiveArgs input;

  @Mixin VerifyRequestOptions formatOneOne;

  @Override
  public Integer call() throws Exception {
    formatOneOne.prepare();
    input.formatOneOne = formatOneOne::apply;
    try (ExportReader reader = input.openVerified(spec.commandLine().getErr())) {
      // The signature (if required) was checked before decryption; the request is compared with
      // the (then authenticated) manifest before anything is printed.
      formatOneOne.checkManifest(reader.manifest());
      if (input.ui.quiet) {
        return ExportTool.OK; // the exit status says it
      }
      ExportManifest m = reader.manifest();
      var out = spec.commandLine().getOut();
      out.println("verified: " + (Stdio.isDash(input.archive) ? "standard input" : Printable.escape(input.archive)));
      out.println("export_id:    " + Printable.escape(m.exportId()));
      out.println("record_count: " + m.recordCount());
      out.println("checksum:     " + Printable.escape(m.checksum()));
      out.println("recipient:    " + Printable.escape(m.recipientSubject() + " (" + m.recipientFingerprint() + ")"));
      formatOneOne.confirm(out, reader);
      out.flush();
    }
    return ExportTool.OK;
  }
}
