package io.hellgate.export.cli;

import io.hellgate.export.ExportFormatException;
import io.hellgate.export.ExportManifest;
import io.hellgate.export.ExportWriter;
import io.hellgate.export.Recipient;
import io.hellgate.export.crypto.PolicyDecision;
import io.hellgate.export.crypto.RecipientKeys;
import io.hellgate.export.internal.LineScanner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
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
      "export-tool encrypt [-fhqV] [--progress] --cert=CERT.pem --in=tokens.jsonl|-",
      "         --out=export.tgz|- [--instance=ID]",
      "         (--trust=ROOTS.pem [--chain=INTERMEDIATES.pem] [--crl=FILE]...",
      "          [--ocsp] [--soft-fail-revocation] [--at=RFC3339-TIME]",
      "          [--private-pki --policy-oid=OID...] [--dedicated]",
      "          | --insecure-skip-certificate-check)",
      "         [--request=request.json] [--sign-key=KEY.pem --sign-cert=CERT.pem",
      "          | --sign-pkcs12=FILE.p12 | --sign-pkcs11=CONFIG [--sign-alias=ALIAS]]"
    },
    description = {
      "Encrypt a JSON Lines file of token records to a recipient certificate,",
      "which must pass the certificate policy (the options of check-cert).",
      "--in - reads standard input; --out - writes the archive to standard output",
      "(then the messages go to stderr). An existing --out file is replaced only with --force.",
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

  @Option(names = "--in", required = true, paramLabel = "tokens.jsonl", description = "Token records, one JSON object per line (- for standard input).")
  Path in;

  @Option(names = "--out", required = true, paramLabel = "export.tgz", description = "The archive to create (- for standard output).")
  Path out;

  @Mixin ForceOption force;

  @Mixin UiOptions ui;

  @Option(names = "--instance", paramLabel = "ID", defaultValue = "local.on-hellgate.cloud",
      description = "guardian_instance to record (default: ${DEFAULT-VALUE}).")
  String instance;

  @Mixin SigningOptions formatOneOne;

  @Override
  public Integer call() throws Exception {
    if (!Stdio.isDash(in)) {
      ExportTool.requireNotDirectory(in);
    }
    ExportTool.requireNotDirectory(cert);
    if (Stdio.isDash(in) && Stdio.isDash(cert)) {
      throw new ExportTool.UsageError("--in - and --cert - cannot both read standard input");
    }
    boolean toStdout = Stdio.isDash(out);
    if (toStdout && Terminal.isTerminal(1)) {
      throw new ExportTool.UsageError("--out - would write a binary archive to the terminal: redirect standard output");
    }
    if (!toStdout) {
      OutputTarget.check("--out", out, in, "--in", force.force);
    }
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
    ExportWriter.Options.Builder builder = ExportWriter.options().recipient(recipient).guardianInstance(instance);
    formatOneOne.apply(builder, recipient); // format 1.1: --request, --sign-*
    ExportWriter.Options options = builder.build();
    ExportManifest manifest;
    ExportTool tool = ExportTool.of(spec);
    long total = Stdio.isDash(in) || !Files.isRegularFile(in) ? -1 : Files.size(in);
    try (Progress.Pass pass = Progress.of(spec.commandLine().getErr(), ui, 1).pass("encrypting", total);
        InputStream input = counted(Stdio.isDash(in) ? stdin(tool) : Files.newInputStream(in), pass);
        ExportWriter w = toStdout ? ExportWriter.open(stdout(tool), options) : ExportWriter.open(out, options)) {
      copyLines(input, w);
      manifest = w.finish();
    }
    if (!ui.quiet) {
      // With --out -, standard output holds the archive: the summary goes to stderr.
      var o = toStdout ? spec.commandLine().getErr() : spec.commandLine().getOut();
      o.println("wrote " + (toStdout ? "standard output" : Printable.escape(out)) + ": " + manifest.recordCount() + " records, " + manifest.checksum());
      o.println("recipient: " + Printable.escape(manifest.recipientSubject() + " (" + manifest.recipientFingerprint() + ")"));
      SigningOptions.report(o, manifest);
      o.flush();
    }
    return ExportTool.OK;
  }

  private static InputStream stdin(ExportTool tool) {
    return tool != null ? tool.stdin() : System.in;
  }

  private static java.io.OutputStream stdout(ExportTool tool) {
    return tool != null ? tool.stdout() : System.out;
  }

  /** {@code in}, adding the bytes read to {@code pass}. */
  private static InputStream counted(InputStream in, Progress.Pass pass) {
    return new java.io.FilterInputStream(in) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
          pass.add(n);
        }
        return n;
      }
    };
  }

  /** The longest line a writer accepts, without its newline (the format's limit). */
  static final int MAX_LINE_BYTES = 1 << 20;

  /**
   * Splits {@code input} into lines at {@code \n} only (a lone {@code \r} stays in its line, where
   * the record check rejects it; a {@code \r\n} ending is taken as {@code \n}), byte for byte,
   * holding at most one line: a line over the limit is refused as soon as it passes it, not read
   * whole first. A last line without {@code \n} counts. The writer checks each line (UTF-8,
   * record) and names its number.
   */
  private void copyLines(InputStream input, ExportWriter w) throws IOException {
    byte[] buf = new byte[1 << 16];
    byte[] line = new byte[1 << 12];
    int len = 0;
    long lineNo = 0;
    for (int n; (n = input.read(buf)) > 0; ) {
      int pos = 0;
      while (pos < n) {
        int nl = LineScanner.indexOfNewline(buf, pos, n);
        int end = nl < 0 ? n : nl;
        int add = end - pos;
        if (len + add > MAX_LINE_BYTES + 1) { // + 1: room for a '\r' before the '\n'
          throw new ExportFormatException(ExportFormatException.Reason.LIMIT_EXCEEDED,
              inName() + ": line " + (lineNo + 1) + " is longer than " + MAX_LINE_BYTES + " bytes");
        }
        if (len + add > line.length) {
          line = Arrays.copyOf(line, Math.min(MAX_LINE_BYTES + 1, Math.max(len + add, 2 * line.length)));
        }
        System.arraycopy(buf, pos, line, len, add);
        len += add;
        pos = end;
        if (nl >= 0) {
          writeLine(w, line, len, ++lineNo);
          len = 0;
          pos = nl + 1;
        }
      }
    }
    if (len > 0) {
      writeLine(w, line, len, ++lineNo);
    }
    Arrays.fill(line, (byte) 0); // plaintext
    Arrays.fill(buf, (byte) 0);
  }

  private void writeLine(ExportWriter w, byte[] line, int len, long lineNo) throws IOException {
    if (len > 0 && line[len - 1] == '\r') {
      len--; // CRLF line ending
    }
    if (len == 0) {
      throw new ExportFormatException(ExportFormatException.Reason.MALFORMED_RECORD, inName() + ": line " + lineNo + " is empty");
    }
    if (len > MAX_LINE_BYTES) {
      throw new ExportFormatException(ExportFormatException.Reason.LIMIT_EXCEEDED,
          inName() + ": line " + lineNo + " is longer than " + MAX_LINE_BYTES + " bytes");
    }
    try {
      w.writeLineBytes(ByteBuffer.wrap(line, 0, len));
    } catch (ExportFormatException e) {
      throw new ExportFormatException(e.reason(), inName() + ": " + e.getMessage()); // name the file
    }
  }

  /** The input as messages name it. */
  private String inName() {
    return Stdio.isDash(in) ? "standard input" : in.toString();
  }
}
