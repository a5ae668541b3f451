package io.hellgate.export;

import io.hellgate.export.ExportFormatException.Reason;
import io.hellgate.export.internal.AesGcm;
import io.hellgate.export.internal.ChunkedGcm;
import io.hellgate.export.internal.LineScanner;
import io.hellgate.export.internal.SharingPipeline;
import io.hellgate.export.internal.Spool;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Cipher;

/**
 * The reader's verification pass (pass 1, or in unverified streaming mode the only pass): the GCM
 * tag, recomputed by decrypting with AES-CTR and encrypting again in chunks ({@link ChunkedGcm}),
 * which also yields a tag per 1 MiB chunk for the release pass ({@link ReleasePass}); also the JSON
 * Lines framing and the count, optionally SHA-256, and optionally every record
 * ({@link RecordCheck}). {@link #check} decides in the order of docs/format.md section 8, step 4.
 * Exports of 1 MiB or more run on two threads ({@link SharingPipeline}). Not thread-safe: one
 * reader thread drives it.
 */
final class VerificationPass {
  /** Read size of pass 1 and of unverified streaming. */
  static final int STREAM_READ = 128 * 1024;
  /** Exports at least this large are verified on two threads. */
  private static final long PARALLEL_MIN_BYTES = 1 << 20;
  private static final int PIPELINE_BUFFERS = 4;

  private final Cipher keystream;
  final ChunkedGcm tagger;
  private final MessageDigest sha256;
  private final LineScanner lines;
  /** Every line parsed as a record, or null when records are not validated in this pass. */
  private final RecordCheck records;
  private final byte[] scratch = new byte[STREAM_READ + AesGcm.TAG_BYTES];

  /**
   * @param checksum whether to compute SHA-256 here too (else the release pass does)
   * @param validateRecords whether to parse every line as a record here too
   */
  VerificationPass(byte[] key, byte[] iv, int maxLineBytes, boolean checksum, boolean recordChunkTags,
      boolean validateRecords) throws GeneralSecurityException {
    this(key, iv, maxLineBytes, checksum, recordChunkTags, validateRecords, null);
  }

  /** @param scope if not null, every record must be in it (format 1.1; records are then parsed here) */
  VerificationPass(byte[] key, byte[] iv, int maxLineBytes, boolean checksum, boolean recordChunkTags,
      boolean validateRecords, ExportRequest.Scope scope) throws GeneralSecurityException {
    this.keystream = AesGcm.keystream(key, iv);
    this.tagger = recordChunkTags ? ChunkedGcm.recordingEncryptor(key, iv) : ChunkedGcm.encryptor(key, iv);
    this.sha256 = checksum ? MessageDigest.getInstance("SHA-256") : null;
    this.lines = new LineScanner(maxLineBytes);
    // With records, the record check feeds the framing scan too (one pass over each line).
    this.records = validateRecords || scope != null ? new RecordCheck(maxLineBytes, scope, lines) : null;
  }

  /** The framing scan, through the record check if there is one. */
  private void scan(byte[] p, int n) {
    if (records != null) {
      records.scan(p, 0, n);
    } else {
      lines.scan(p, 0, n);
    }
  }

  /** Decrypts {@code n} (at most 128 KiB) bytes of {@code c} into {@code p} and feeds every check. */
  void process(byte[] c, int n, byte[] p) throws GeneralSecurityException {
    AesGcm.ctr(keystream, c, 0, n, p, 0);
    tagger.update(p, 0, n, scratch, 0);
    digest(p, n);
  }

  private void digest(byte[] p, int n) {
    if (sha256 != null) {
      AesGcm.digest(sha256, p, 0, n);
    }
    scan(p, n);
  }

  void run(InputStream source, Spool copyTo, long expectedSize) throws IOException, GeneralSecurityException {
    try {
      runAll(source, copyTo, expectedSize);
    } finally {
      wipe(); // the carried line is plaintext, whatever happened
    }
  }

  private void runAll(InputStream source, Spool copyTo, long expectedSize) throws IOException, GeneralSecurityException {
    if (pipelines(expectedSize)) {
      runPipelined(source, copyTo);
    } else {
      byte[] c = new byte[STREAM_READ];
      byte[] p = new byte[STREAM_READ];
      try {
        for (int n; (n = source.read(c, 0, c.length)) > 0; ) {
          if (copyTo != null) {
            copyTo.write(c, 0, n);
          }
          process(c, n, p);
        }
      } finally {
        Arrays.fill(p, (byte) 0);
      }
    }
    if (tagger.bytes() != expectedSize) {
      throw new ExportFormatException(Reason.MALFORMED_ARCHIVE, "data entry is truncated");
    }
  }

  /**
   * The same pass on two cores ({@link SharingPipeline}): this thread reads, spools and decrypts;
   * the worker scans the framing (and checks the records); the tag (when the checksum is left to
   * pass 2) or SHA-256 (when it is computed here; the tag then stays on this thread) runs on
   * whichever thread is idle. {@link #PIPELINE_BUFFERS} buffers of 128 KiB circulate between them.
   */
  private void runPipelined(InputStream source, Spool copyTo) throws IOException, GeneralSecurityException {
    byte[] c = new byte[STREAM_READ];
    SharingPipeline pipeline = startPipeline();
    boolean done = false;
    try {
      for (int n; (n = source.read(c, 0, c.length)) > 0; ) {
        if (copyTo != null) {
          copyTo.write(c, 0, n);
        }
        if (processShared(pipeline, c, n) == null) {
          break;
        }
      }
      pipeline.drain();
      done = true;
    } finally {
      pipeline.stop(!done);
    }
    rethrow(pipeline.failure());
  }

  /** Whether a stream of {@code bytes} is worth a second thread. */
  static boolean pipelines(long bytes) {
    return bytes >= PARALLEL_MIN_BYTES && Runtime.getRuntime().availableProcessors() > 1;
  }

  /**
   * A pipeline for {@link #processShared}: the record check, which feeds the framing scan too (or,
   * without records, the framing scan alone) on its worker; SHA-256 (or the tag) goes to whichever
   * side is idle (docs/performance.md, sessions 7 and 8).
   */
  SharingPipeline startPipeline() {
    boolean checksum = sha256 != null;
    return new SharingPipeline(
        PIPELINE_BUFFERS,
        STREAM_READ,
        "export-reader-verify",
        checksum ? (p, n) -> AesGcm.digest(sha256, p, 0, n) : (p, n) -> tagger.update(p, 0, n, scratch, 0),
        records != null ? (p, n) -> records.scan(p, 0, n) : (p, n) -> lines.scan(p, 0, n));
  }

  /**
   * {@link #process} with the checks shared with {@code pipeline}'s worker: decrypts {@code n}
   * bytes of {@code c} into a buffer of the pipeline and submits it. Returns that buffer (its
   * plaintext stays valid until the pipeline hands it out again, after at least one more call),
   * or null if a job failed ({@link #rethrow}).
   */
  byte[] processShared(SharingPipeline pipeline, byte[] c, int n) throws IOException, GeneralSecurityException {
    byte[] p = pipeline.take();
    if (p == null) {
      return null;
    }
    AesGcm.ctr(keystream, c, 0, n, p, 0);
    if (sha256 != null) {
      tagger.update(p, 0, n, scratch, 0);
    }
    pipeline.submit(p, n);
    return p;
  }

  /** Rethrows what made a pipeline job fail, if anything, as if the job had run on this thread. */
  static void rethrow(Throwable failure) throws GeneralSecurityException {
    if (failure instanceof GeneralSecurityException) {
      throw (GeneralSecurityException) failure;
    }
    if (failure instanceof RuntimeException) {
      throw (RuntimeException) failure;
    }
    if (failure instanceof Error) {
      throw (Error) failure;
    }
    if (failure != null) {
      throw new IllegalStateException("verification job failed", failure);
    }
  }

  /** Zeroes what the record check carries over (plaintext); for passes that do not end in {@link #run}. */
  void wipe() {
    if (records != null) {
      records.wipe();
    }
  }

  void check(ExportManifest manifest) throws ExportFormatException {
    try {
      tagger.finish(scratch, 0);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("GCM tag computation failed", e);
    }
    if (!MessageDigest.isEqual(tagger.tag(), manifest.tagUnsafe())) {
      throw new AuthenticationFailedException(
          Reason.TAMPERED_CONTENT,
          "AES-GCM authentication failed: the ciphertext, IV, tag or wrapped key was changed");
    }
    if (sha256 != null) {
      ContentChecks.checksum(manifest, sha256);
    }
    ContentChecks.lines(manifest, lines);
    if (records != null) {
      if (records.error() != null) {
        throw new ExportFormatException(
            records.outOfScope() ? Reason.RECORD_OUT_OF_SCOPE : Reason.MALFORMED_RECORD, records.error());
      }
    }
  }
}
