package io.hellgate.export.cli;

import io.hellgate.export.ExportManifest;
import io.hellgate.export.ExportReader;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code export-tool verify ARCHIVE --key KEY.pem}: authenticate everything, print count and checksum. */
@Command(name = "verify", description = "Authenticate an export completely and print its record count and checksum.")
final class VerifyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "ARCHIVE", description = "The export .tgz.")
  Path archive;

  @Mixin KeySourceOptions keys;

  @Option(names = "--max-size", paramLabel = "SIZE",
      description = "Refuse exports whose encrypted data is larger than SIZE (e.g. 2g), before reading it.")
  String maxSize;

  @Override
  public Integer call() throws Exception {
    ExportReader.Options.Builder options = ExportReader.options();
    keys.load().forEach(options::key);
    if (maxSize != null) {
      options.maxDataBytes(Sizes.parse(maxSize));
    }
    AtomicLong read = new AtomicLong();
    try (InputStream in = Progress.counting(Files.newInputStream(archive), read);
        Progress progress = Progress.start(spec.commandLine().getErr(), "verifying", read, Files.size(archive));
        ExportReader reader = ExportReader.open(in, options.build())) {
      reader.verify();
      ExportManifest m = reader.manifest();
      var out = spec.commandLine().getOut();
      out.println("verified: " + archive);
      out.println("export_id:    " + m.exportId());
      out.println("record_count: " + m.recordCount());
      out.println("checksum:     " + m.checksum());
      out.println("recipient:    " + m.recipientSubject() + " (" + m.recipientFingerprint() + ")");
      out.flush();
    }
    return ExportTool.OK;
  }
}
