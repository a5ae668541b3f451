package io.hellgate.export.cli;

import io.hellgate.export.ExportRequest;
import io.hellgate.export.crypto.PolicyDecision;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code export-tool request}: the recipient writes an export request (seed step 1) from flags,
 * after checking its certificate against the same certificate policy the sender applies (the
 * options of {@code check-cert}), so a DV certificate or a missing O/C is caught before the request
 * is sent. Nothing is written unless the certificate is accepted. One instance per invocation.
 *
 * <pre>{@code
 * export-tool request --out request.json --cert recipient-cert.pem --trust roots.pem --crl ca.crl \
 *   --organization "Acme Payments GmbH" --cluster-id my-cluster-id --use-case "vault migration" \
 *   --attestation-ref AOC-2025-0042 --attestation-date 2025-01-10 \
 *   --from 2024-01-01T00:00:00Z --until 2025-01-01T00:00:00Z --scheme visa \
 *   --team payments-platform --contact "Jane Roe <jane@acme.example>" --point-of-contact security@acme.example
 * }</pre>
 */
@Command(
    name = "request",
    description = {
      "Write an export request (format 1.1) after checking the recipient certificate",
      "against the certificate policy (the options of check-cert).",
      "Exit code: 0 written, 1 the certificate was rejected (nothing is written), 2 usage or I/O error."
    })
final class RequestCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--out", required = true, paramLabel = "request.json", description = "The request file to create (never replaced).")
  Path out;

  @Option(names = "--cert", required = true, paramLabel = "CERT.pem", description = "The recipient certificate (PEM) the export is to be encrypted to.")
  Path cert;

  @Mixin PolicyOptions policy;

  @Option(names = "--request-id", paramLabel = "ID", description = "The request ID (default: a random UUID).")
  String requestId;

  @Option(names = "--organization", required = true, paramLabel = "NAME", description = "Legal organization name.")
  String organization;

  @Option(names = "--cluster-id", required = true, paramLabel = "ID", description = "The Hellgate cluster ID.")
  String clusterId;

  @Option(names = "--use-case", required = true, paramLabel = "TEXT", description = "Intended use of the exported data.")
  String useCase;

  @Option(names = "--attestation-ref", required = true, paramLabel = "REF", description = "Attestation of PCI compliance: its reference (e.g. the AOC's ID).")
  String attestationRef;

  @Option(names = "--attestation-date", required = true, paramLabel = "YYYY-MM-DD", description = "The attestation's date.")
  String attestationDate;

  @Option(names = "--from", required = true, paramLabel = "RFC3339-TIME", converter = PolicyOptions.Rfc3339.class,
      description = "Scope: records created at or after this time.")
  Instant from;

  @Option(names = "--until", required = true, paramLabel = "RFC3339-TIME", converter = PolicyOptions.Rfc3339.class,
      description = "Scope: records created before this time.")
  Instant until;

  @Option(names = "--scheme", paramLabel = "SCHEME", description = "Scope: an allowed card.scheme (e.g. visa); repeatable; default any.")
  List<String> schemes = new ArrayList<>();

  @Option(names = "--metadata", paramLabel = "KEY=VALUE", description = "Scope: a record's metadata must have KEY equal to VALUE; repeatable.")
  List<String> metadata = new ArrayList<>();

  @Option(names = "--system", paramLabel = "LABEL", description = "Scope: the source system (informational).")
  String system;

  @Option(names = "--batch", paramLabel = "LABEL", description = "Scope: the batch (informational).")
  String batch;

  @Option(names = "--team", required = true, paramLabel = "NAME", description = "Recipient team or service.")
  String team;

  @Option(names = "--contact", required = true, paramLabel = "CONTACT", description = "The recipient's responsible contact.")
  String contact;

  @Option(names = "--point-of-contact", required = true, paramLabel = "CONTACT", description = "Point of contact for follow-up questions.")
  String pointOfContact;

  @Override
  public Integer call() throws Exception {
    ExportTool.requireNotDirectory(cert);
    if (out.toString().isEmpty() || out.getFileName() == null) {
      throw new ExportTool.UsageError("--out names no file: give the name of the request file to create");
    }
    if (Files.exists(out)) {
      throw new FileAlreadyExistsException(out.toString(), null, "exists; a request file is never replaced");
    }
    ExportRequest request = build();
    policy.requireTrust();
    PolicyDecision decision = policy.evaluate(cert);
    var err = spec.commandLine().getErr();
    if (!decision.accepted()) {
      PolicyOptions.print(err, decision);
      throw new ExportTool.Rejected("the recipient certificate does not meet the certificate policy; no request was written");
    }
    decision.warnings().forEach(w -> err.println("warning: " + w.code() + ": " + Printable.escape(w.message())));
    Files.write(out, request.toJson(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    var o = spec.commandLine().getOut();
    o.println("wrote " + Printable.escape(out) + ": request " + Printable.escape(request.requestId()));
    o.println("certificate: " + Printable.escape(request.recipientFingerprint()) + " (accepted by the policy)");
    o.println("scope: " + Printable.escape(request.scope().toString()));
    o.flush();
    return ExportTool.OK;
  }

  private ExportRequest build() throws IOException {
    LocalDate date;
    try {
      if (!attestationDate.matches("\\d{4}-\\d{2}-\\d{2}")) {
        throw new DateTimeParseException("", attestationDate, 0);
      }
      date = LocalDate.parse(attestationDate);
    } catch (DateTimeParseException e) {
      throw new ExportTool.UsageError("--attestation-date must be a date YYYY-MM-DD");
    }
    try {
      ExportRequest.Scope.Builder scope = ExportRequest.Scope.builder().createdFrom(from).createdUntil(until)
          .system(system).batch(batch);
      schemes.forEach(scope::scheme);
      for (String m : metadata) {
        int eq = m.indexOf('=');
        if (eq <= 0) {
          throw new ExportTool.UsageError("--metadata must be KEY=VALUE");
        }
        scope.metadata(m.substring(0, eq), m.substring(eq + 1));
      }
      return ExportRequest.builder()
          .requestId(requestId)
          .organization(organization)
          .clusterId(clusterId)
          .useCase(useCase)
          .pciAttestation(attestationRef, date)
          .scope(scope.build())
          .recipientTeam(team)
          .recipientContact(contact)
          .pointOfContact(pointOfContact)
          .recipientCertificatePem(new String(PolicyOptions.read(cert, "--cert"), StandardCharsets.US_ASCII))
          .build();
    } catch (IllegalStateException | IllegalArgumentException e) {
      throw new ExportTool.UsageError(e.getMessage());
    }
  }
}
