package io.hellgate.export.cli;

import io.hellgate.export.crypto.CertificateInput;
import io.hellgate.export.crypto.CertificatePolicy;
import io.hellgate.export.crypto.PolicyDecision;
import io.hellgate.export.crypto.PolicyDecision.Check;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code check-cert}: judges a recipient certificate against Hellgate's acceptance criteria with a
 * {@link CertificatePolicy} and prints one line per check ({@code STATUS code message}), then the
 * verdict. Exit code 0 accepted, 1 rejected, 2 usage or I/O error.
 *
 * <p>Revocation is hard-fail: without {@code --crl} files or {@code --ocsp} (online OCSP and CRL
 * distribution points named in the certificates) a certificate is rejected; {@code
 * --soft-fail-revocation} turns an unknown status into a warning. Never prints key material: a
 * private key given by mistake is refused with a warning. One instance per invocation (picocli
 * fills its fields); not thread-safe.
 *
 * <pre>{@code
 * export-tool check-cert recipient.pem --trust approved-roots.pem --chain intermediates.pem --ocsp
 * int exit = new CommandLine(new CheckCertCommand()).execute("cert.pem", "--trust", "roots.pem", "--crl", "ca.crl");
 * }</pre>
 */
@Command(
    name = "check-cert",
    mixinStandardHelpOptions = true,
    description = {
      "Check a recipient certificate against the certificate acceptance criteria.",
      "Exit code: 0 accepted, 1 rejected, 2 usage or I/O error."
    })
public final class CheckCertCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  @Parameters(index = "0", paramLabel = "CERT.pem", description = "The certificate (PEM or DER), optionally followed by its chain; - for standard input.")
  private Path certificate;

  @Mixin PolicyOptions policy;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    PolicyDecision decision;
    try {
      policy.requireTrust();
      decision = policy.evaluate(certificate);
    } catch (IOException | IllegalArgumentException | IllegalStateException e) {
      // CertificateInputException (an IOException) messages never contain input bytes
      err.println("error: " + Printable.escape(e.getMessage()));
      return 2;
    }
    PolicyOptions.print(out, decision);
    return decision.accepted() ? 0 : 1;
  }
}
