package io.hellgate.export;

import io.hellgate.export.ExportFormatException.Reason;
import io.hellgate.export.internal.Hex;
import io.hellgate.export.internal.LineScanner;
import io.hellgate.export.internal.SharingPipeline;
import java.security.MessageDigest;

/**
 * The reader's decisions on what the GCM tag does not cover (the manifest's checksum and count)
 * and on the framing, shared by the verification pass and the release pass, with the reason codes
 * of docs/format.md section 9. Stateless.
 */
final class ContentChecks {
  private ContentChecks() {}

  /** Throws if a pass's worker failed (a bug: SHA-256 throws nothing checked). */
  static void workerFailed(SharingPipeline pipeline) {
    if (pipeline.failure() != null) {
      throw new IllegalStateException("verification worker failed", pipeline.failure());
    }
  }

  /** The manifest's checksum, which the tag does not cover. */
  static void checksum(ExportManifest manifest, MessageDigest sha256) throws ExportFormatException {
    String checksum = "sha256:" + Hex.encode(sha256.digest());
    if (!checksum.equals(manifest.checksum())) {
      throw new AuthenticationFailedException(
          Reason.CHECKSUM_MISMATCH,
          "decrypted content has checksum " + checksum + " but the manifest says " + manifest.checksum());
    }
  }

  /** The framing, and the manifest's count, which the tag does not cover. */
  static void lines(ExportManifest manifest, LineScanner lines) throws ExportFormatException {
    lines.finish();
    if (lines.error() != null) {
      throw new ExportFormatException(Reason.MALFORMED_RECORD, "decrypted content is not valid JSON Lines: " + lines.error());
    }
    if (lines.lines() != manifest.recordCount()) {
      throw new AuthenticationFailedException(
          Reason.RECORD_COUNT_MISMATCH,
          "decrypted content has " + lines.lines() + " records but the manifest says " + manifest.recordCount());
    }
  }
}
