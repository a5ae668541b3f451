package io.hellgate.export.testkit.jqwik;

import io.hellgate.export.ExportFormatException;
import io.hellgate.export.ExportReader;
import io.hellgate.export.ExportWriter;
import io.hellgate.export.Recipient;
import io.hellgate.export.TokenRecord;
import io.hellgate.export.testkit.golden.DeterministicRandom;
import io.hellgate.export.testkit.golden.Implementation;
import io.hellgate.export.testkit.golden.Implementation.Outcome;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Deliberately broken adapters, run by ContractsCanFailTest through the JUnit Platform to show
 * that the contracts catch them. Not run by surefire directly (the names match no test pattern).
 */
final class BrokenAdapters {
  private BrokenAdapters() {}

  /** Reads with unverified streaming: lines are handed out as they are decrypted, the tag checked at the end. */
  static Outcome streaming(io.hellgate.export.testkit.golden.Vector v, boolean ignoreTag) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ExportReader.Options o = ExportReader.options().key(io.hellgate.export.RecipientKey.of(v.privateKey(), v.certificate()))
        .unverifiedStreaming(true).build();
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(v.archive()), o)) {
      for (String line; (line = r.nextLine()) != null; ) {
        out.writeBytes((line + "\n").getBytes(StandardCharsets.UTF_8));
      }
    } catch (ExportFormatException e) {
      if (!ignoreTag) {
        return Outcome.rejectedAfterReleasing(e.reason().code(), out.toByteArray());
      }
      if (e.reason() != ExportFormatException.Reason.TAMPERED_CONTENT) {
        return Outcome.invalid(e.reason().code()); // holds the lines back: only the ignored tag is wrong
      }
    }
    return Outcome.valid(out.toByteArray());
  }

  /** A reader that releases lines before the whole content is verified. */
  static class ReleasesBeforeVerifying extends ReaderContract {
    @Override
    protected Implementation reader() {
      return v -> streaming(v, false);
    }
  }

  /** A reader that holds the lines back until the end (so releases nothing early) but ignores a tag mismatch there. */
  static class IgnoresTheTag extends ReaderContract {
    @Override
    protected Implementation reader() {
      return v -> streaming(v, true);
    }
  }

  /**
   * A reader that ignores the signature: it is given signer trust but never configures a
   * verifier, so it decrypts whatever the (possibly changed) manifest says.
   */
  static class IgnoresTheSignature extends SignatureContract {
    @Override
    protected Implementation reader() {
      return v -> {
        ExportReader.Options o = ExportReader.options().key(io.hellgate.export.RecipientKey.of(v.privateKey(), v.certificate())).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ExportReader r = ExportReader.open(new ByteArrayInputStream(v.archive()), o)) {
          for (String line; (line = r.nextLine()) != null; ) {
            out.writeBytes((line + "\n").getBytes(StandardCharsets.UTF_8));
          }
        } catch (ExportFormatException e) {
          return Outcome.invalid(e.reason().code());
        }
        return Outcome.valid(out.toByteArray());
      };
    }
  }

  /** A writer that drops the members it does not know (a common porting bug). */
  static class DropsUnknownMembers extends WriterContract {
    @Override
    protected Writer writer() {
      return (records, recipient) -> write(records, ExportWriter.options().recipient(Recipient.unverified(recipient))
          .guardianInstance("broken.example").build(), true);
    }
  }

  /** A writer whose randomness is fixed: every export has the same data key and IV. */
  static class FixedKeyAndIv extends WriterContract {
    @Override
    protected Writer writer() {
      return (records, recipient) -> write(records, ExportWriter.options().recipient(Recipient.unverified(recipient))
          .guardianInstance("broken.example").random(DeterministicRandom.fromLabel("the same every time")).build(), false);
    }
  }

  static byte[] write(List<TokenRecord> records, ExportWriter.Options options, boolean dropUnknown) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ExportWriter w = ExportWriter.open(out, options)) {
      for (TokenRecord r : records) {
        if (dropUnknown) {
          TokenRecord.Builder b = TokenRecord.builder().id(r.id()).createdAt(r.createdAt()).metadata(r.hasMetadata() ? r.metadata() : null)
              .card(r.card());
          r.expiresAt().ifPresent(b::expiresAt);
          r = b.build();
        }
        w.write(r);
      }
      w.finish();
    }
    return out.toByteArray();
  }
}
