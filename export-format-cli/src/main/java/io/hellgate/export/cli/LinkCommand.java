package io.hellgate.export.cli;

import io.hellgate.export.ExportRequest;
import io.hellgate.export.delivery.AuditEvent;
import io.hellgate.export.delivery.AuditVerification;
import io.hellgate.export.delivery.DeliveryException;
import io.hellgate.export.delivery.DeliveryLink;
import io.hellgate.export.delivery.DeliveryService;
import io.hellgate.export.delivery.RequestApproval;
import io.hellgate.export.delivery.Terms;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code export-tool link ...}: the approval gate and download links on the delivery database.
 * {@code submit} and {@code review} are the gate's two checks; {@code create} prints the URL with
 * its token once; {@code audit --verify} exits 1 when the hash chain is broken. Refusals exit 1
 * with the stable code, e.g. {@code rejected: [not_approved] ...}.
 */
@Command(name = "link", description = "Download links: submit/review a request, create, list, revoke, reissue, audit.",
    subcommands = {
      LinkCommand.Submit.class,
      LinkCommand.Review.class,
      LinkCommand.Create.class,
      LinkCommand.ListLinks.class,
      LinkCommand.Revoke.class,
      LinkCommand.Reissue.class,
      LinkCommand.Audit.class
    })
final class LinkCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a link command is required");
  }

  /** Submit an export request (check 1: the certificate policy). */
  @Command(name = "submit", description = "Record an export request and check its certificate against the policy (check 1).")
  static final class Submit implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DeliveryOptions delivery;
    @Mixin PolicyOptions policy;

    @Parameters(paramLabel = "REQUEST.json", description = "The request file the recipient submitted.")
    Path requestFile;

    @Option(names = "--requester", required = true, paramLabel = "WHO", description = "Who submitted it (may not review it).")
    String requester;

    @Override
    public Integer call() throws Exception {
      ExportTool.requireNotDirectory(requestFile);
      ExportRequest request = ExportRequest.fromJson(PolicyOptions.read(requestFile, "REQUEST.json"));
      try (DeliveryService s = delivery.open(policy.policy())) {
        RequestApproval a = s.submitRequest(request, requester, policy.intermediates());
        PrintWriter out = spec.commandLine().getOut();
        out.println("request " + a.requestId() + " submitted by " + Printable.escape(requester) + "; recipient "
            + a.recipientFingerprint());
        a.policyChecks().forEach(c -> out.println("  " + c));
        out.println(a.policyAccepted() ? "policy: ACCEPTED; next: link review (by someone else)"
            : "policy: REJECTED; this request cannot be approved");
        return a.policyAccepted() ? ExportTool.OK : ExportTool.REJECTED;
      }
    }
  }

  /** Record the authorization review (check 2). */
  @Command(name = "review", description = "Record the authorization review of a request (check 2); not by its requester.")
  static final class Review implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DeliveryOptions delivery;

    @Option(names = "--request-id", required = true, paramLabel = "R") String requestId;
    @Option(names = "--reviewer", required = true, paramLabel = "WHO") String reviewer;
    @Option(names = "--note", paramLabel = "TEXT", description = "e.g. the ticket reference.") String note;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Decision decision;

    static final class Decision {
      @Option(names = "--approve", required = true) boolean approve;
      @Option(names = "--decline", required = true) boolean decline;
    }

    @Override
    public Integer call() throws Exception {
      try (DeliveryService s = delivery.open(null)) {
        RequestApproval a = s.review(requestId, reviewer, decision.approve, note);
        spec.commandLine().getOut().println(a + (a.approved() ? ": APPROVED" : ": not approved: " + a.whyNotApproved()));
        return ExportTool.OK;
      } catch (DeliveryException e) {
        throw DeliveryOptions.rejected(e);
      }
    }
  }

  /** The terms options of create and reissue. */
  static final class TermsOptions {
    @Option(names = "--expires-in", required = true, paramLabel = "DURATION", converter = DeliveryOptions.Durations.class,
        description = "e.g. 72h, 30m, 7d.")
    Duration expiresIn;

    @Option(names = "--max-downloads", defaultValue = "1", paramLabel = "N", description = "Full downloads allowed (default ${DEFAULT-VALUE}).")
    int maxDownloads;

    @Option(names = "--contact", paramLabel = "EMAIL", description = "The recipient contact the link goes to.")
    String contact;

    @Option(names = "--created-by", paramLabel = "WHO", defaultValue = "${sys:user.name}", description = "For the audit (default: the OS user).")
    String createdBy;

    Terms terms(String requestId) {
      try {
        Terms.Builder b = Terms.builder().requestId(requestId).expiresIn(expiresIn).maxDownloads(maxDownloads)
            .createdBy(createdBy);
        if (contact != null) {
          b.contact(contact);
        }
        return b.build();
      } catch (IllegalStateException e) {
        throw new ExportTool.UsageError(e.getMessage());
      }
    }
  }

  static void printLink(PrintWriter out, DeliveryLink l) {
    out.println("link " + l.linkId() + " for request " + l.requestId() + ": export " + l.exportId() + ", "
        + l.archiveSize() + " bytes, sha256 " + l.archiveSha256());
    out.println("expires " + l.expiresAt() + ", " + l.maxDownloads() + " download(s)");
    out.println("URL (shown once, not stored): " + l.url().orElseThrow());
  }

  /** Publish an archive as a link. */
  @Command(name = "create", description = {"Publish an archive as a link; prints the URL once.",
      "The approved certificate is re-validated against the policy (--trust ..) first."})
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DeliveryOptions delivery;
    @Mixin PolicyOptions policy;
    @Mixin TermsOptions termsOptions;

    @Parameters(paramLabel = "ARCHIVE") Path archive;
    @Option(names = "--request-id", required = true, paramLabel = "R") String requestId;

    @Override
    public Integer call() throws Exception {
      ExportTool.requireNotDirectory(archive);
      if (!Files.isRegularFile(archive)) {
        throw new java.nio.file.NoSuchFileException(archive.toString());
      }
      Terms terms = termsOptions.terms(requestId);
      // publish re-validates the approved certificate (it may have expired or been revoked since)
      try (DeliveryService s = delivery.open(policy.policy())) {
        printLink(spec.commandLine().getOut(), s.publish(archive, terms));
        return ExportTool.OK;
      } catch (DeliveryException e) {
        throw DeliveryOptions.rejected(e);
      } catch (IllegalArgumentException e) {
        throw new ExportTool.UsageError(e.getMessage());
      }
    }
  }

  /** List links. */
  @Command(name = "list", description = "List links, newest first (no tokens: they are not stored).")
  static final class ListLinks implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DeliveryOptions delivery;

    @Option(names = "--limit", defaultValue = "100", paramLabel = "N") int limit;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      try (DeliveryService s = delivery.open(null)) {
        out.printf("%-20s %-28s %-24s %-9s %s%n", "LINK", "REQUEST", "EXPIRES", "USED", "STATE");
        for (DeliveryLink l : s.links(limit)) {
          String state = l.revokedAt().map(t -> "revoked " + t).orElse(
              l.downloadsUsed() >= l.maxDownloads() ? "used up" : java.time.Instant.now().isBefore(l.expiresAt()) ? "active" : "expired");
          out.printf("%-20s %-28s %-24s %-9s %s%n", l.linkId(), Printable.escape(l.requestId()), l.expiresAt(),
              l.downloadsUsed() + "/" + l.maxDownloads(), state + l.reissuedFrom().map(o -> ", reissued from " + o).orElse(""));
        }
      }
      return ExportTool.OK;
    }
  }

  /** Revoke a link. */
  @Command(name = "revoke", description = "Revoke a link: nothing more is granted, running transfers are cut.")
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DeliveryOptions delivery;

    @Parameters(paramLabel = "LINK_ID") String linkId;
    @Option(names = "--reason", required = true, paramLabel = "TEXT") String reason;
    @Option(names = "--by", paramLabel = "WHO", defaultValue = "${sys:user.name}") String by;

    @Override
    public Integer call() throws Exception {
      try (DeliveryService s = delivery.open(null)) {
        s.revoke(linkId, reason, by);
        spec.commandLine().getOut().println("revoked " + linkId);
        return ExportTool.OK;
      } catch (DeliveryException e) {
        throw DeliveryOptions.rejected(e);
      }
    }
  }

  /** Re-issue a link for an earlier request after re-validation. */
  @Command(name = "reissue", description = "A new link for an earlier request's archive, after re-validating the certificate.")
  static final class Reissue implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DeliveryOptions delivery;
    @Mixin PolicyOptions policy;
    @Mixin TermsOptions termsOptions;

    @Option(names = "--request-id", required = true, paramLabel = "ORIGINAL", description = "The original request ID.")
    String original;

    @Option(names = "--new-request-id", required = true, paramLabel = "R",
        description = "The new request that references the original.")
    String newRequestId;

    @Override
    public Integer call() throws Exception {
      Terms terms = termsOptions.terms(newRequestId);
      try (DeliveryService s = delivery.open(policy.policy())) {
        printLink(spec.commandLine().getOut(), s.reissue(original, terms));
        return ExportTool.OK;
      } catch (DeliveryException e) {
        throw DeliveryOptions.rejected(e);
      } catch (IllegalArgumentException e) {
        throw new ExportTool.UsageError(e.getMessage());
      }
    }
  }

  /** Print a request's audit; --verify walks the whole chain. */
  @Command(name = "audit", description = "Print a request's audit events; --verify checks the hash chain (exit 1 if broken).")
  static final class Audit implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DeliveryOptions delivery;

    @Option(names = "--request-id", required = true, paramLabel = "R") String requestId;
    @Option(names = "--verify", description = "Verify the whole audit hash chain.") boolean verify;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      try (DeliveryService s = delivery.open(null)) {
        for (AuditEvent e : s.audit(requestId)) {
          out.println(Printable.escape(e.toString()) + e.userAgent().map(u -> " ua=\"" + Printable.escape(u) + "\"").orElse(""));
        }
        if (verify) {
          AuditVerification v = s.verifyAudit();
          out.println(v.message());
          return v.intact() ? ExportTool.OK : ExportTool.REJECTED;
        }
      }
      return ExportTool.OK;
    }
  }
}
