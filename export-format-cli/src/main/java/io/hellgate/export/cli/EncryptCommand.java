package io.hellgate.export.cli;

import io.hellgate.export.ExportFormatException;
import io.hellgate.export.ExportManifest;
import io.hellgate.export.ExportWriter;
import io.hellgate.export.Recipient;
import io.hellgate.export.crypto.PolicyDecision;
import io.hellgate.export.crypto.RecipientKeys;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code export-tool encrypt --cert CERT.pem --trust ROOTS.pem --in tokens.jsonl --out export.tgz
 * [--instance ID]}: the certificate must pass the policy (the same options as {@code check-cert})
 * unless {@code --insecure-skip-certificate-check} says otherwise.
 */
@Command(
    name = "encrypt",
    // picocli would show --trust as optional: it is required unless the check is explicitly skipped
    customSynopsis = {
      "export-tool encrypt [-hV] --cert=CERT.pem --in=tokens.jsonl",
      "         --out=export.tgz [--instance=ID]",
      "         (--trust=ROOTS.pem [--chain=INTERMEDIATES.pem] [--crl=FILE]...",
      "          [--ocsp] [--soft-fail-revocation] [--at=RFC3339-TIME]",
      "          [--private-pki --policy-oid=OID...] [--dedicated]",
      "          | --insecure-skip-certificate-check)"
    },
    description = {
      "Encrypt a JSON Lines file of token records to a recipient certificate,",
      "which must pass the certificate policy (the options of check-cert).",
      "Exit code: 0 written, 1 the certificate or an input line was rejected",
      "(nothing is written), 2 usage or I/O error."
    })
final class EncryptCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--cert", required = true, paramLabel = "CERT.pem", description = "Recipient certificate (PEM or DER).")
  Path cert;

  @Mixin PolicyOptions policy;

  @Option(names = "--insecure-skip-certificate-check",
      description = "Encrypt without checking the certificate against the policy (tests only; never for real exports).")
  boolean insecureSkipCheck;

  @Option(names = "--in", required = true, paramLabel = "tokens.jsonl", description = "Token records, one JSON object per line.")
  Path in;

  @Option(names = "--out", required = true, paramLabel = "export.tgz", description = "The archive to create.")
  Path out;

  @Option(names = "--instance", paramLabel = "ID", defaultValue = "local.on-hellgate.cloud",
      description = "guardian_instance to record (default: ${DEFAULT-VALUE}).")
  String instance;

  @Override
  public Integer call() throws Exception {
    ExportTool.requireNotDirectory(in);
    ExportTool.requireNotDirectory(cert);
    OutputTarget.check("--out", out, in, "--in");
    Recipient recipient;
    if (insecureSkipCheck) {
      if (policy.hasTrust()) {
        throw new IllegalArgumentException("--insecure-skip-certificate-check and --trust exclude each other");
      }
      recipient = Recipient.unverified(RecipientKeys.readCertificate(cert));
      spec.commandLine().getErr().println("warning: the recipient certificate was NOT checked against a certificate policy");
    } else {
      policy.requireTrust();
      PolicyDecision decision = policy.evaluate(cert);
      if (!decision.accepted()) {
        PolicyOptions.print(spec.commandLine().getErr(), decision);
        throw new ExportTool.Rejected("the recipient certificate does not meet the certificate policy; nothing was written");
      }
      decision.warnings().forEach(w -> spec.commandLine().getErr().println("warning: " + w.code() + ": " + Printable.escape(w.message())));
      recipient = decision.acceptedRecipient();
    }
    ExportWriter.Options options = ExportWriter.options().recipient(recipient).guardianInstance(instance).build();
    var decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ExportManifest manifest;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(Files.newInputStream(in), decoder), 1 << 16);
        ExportWriter w = ExportWriter.open(out, options)) {
      long lineNo = 0;
      for (String line; (line = r.readLine()) != null; ) {
        lineNo++;
        if (line.isEmpty()) {
          throw new ExportFormatException(ExportFormatException.Reason.MALFORMED_RECORD, in + ": line " + lineNo + " is empty");
        }
        w.writeLine(line);
      }
      manifest = w.finish();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new ExportFormatException(ExportFormatException.Reason.MALFORMED_RECORD, in + " is not valid UTF-8");
    }
    var o = spec.commandLine().getOut();
    o.println("wrote " + Printable.escape(out) + ": " + manifest.recordCount() + " records, " + manifest.checksum());
    o.println("recipient: " + Printable.escape(manifest.recipientSubject() + " (" + manifest.recipientFingerprint() + ")"));
    o.flush();
    return ExportTool.OK;
  }
}
