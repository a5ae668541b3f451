package io.hellgate.export;

import io.hellgate.export.internal.SharingPipeline;
import io.hellgate.export.internal.Spool;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * Unverified streaming ({@link ExportReader.Options.Builder#unverifiedStreaming}), the reader's
 * only pass in that mode: the ciphertext is decrypted and released 128 KiB at a time while a
 * {@link VerificationPass} computes the tag, checksum, framing and count (and, with
 * {@code validateRecords}, checks every record), which {@link #finish} decides at the end, where
 * the caller must discard everything it received if it throws.
 *
 * <p>Streams of 1 MiB or more use a second thread, as the verification pass does: this thread
 * reads, decrypts and recomputes the tag, and releases each chunk while the worker scans its
 * framing and records, with SHA-256 on whichever thread is idle ({@link SharingPipeline}). A
 * released chunk is one of the pipeline's buffers; it is not handed out again before the next
 * call ({@link #next}), since the pipeline hands out its buffers in the order it frees them
 * (checked). Not thread-safe: one reader thread drives it.
 */
final class StreamingPass implements PlaintextChunks {
  private final VerificationPass verification;
  private final InputStream cipherSource;
  private final boolean finishScanAtEnd;
  private final ArchiveScanner scanner;
  private final byte[] cbuf = new byte[VerificationPass.STREAM_READ];
  /** The plaintext buffer without a pipeline, else null. */
  private final byte[] pbuf;
  /** The second thread, or null for short streams and single processors. */
  private final SharingPipeline pipeline;
  /** The chunk being released, with a pipeline. */
  private byte[] current;
  private int length;

  private StreamingPass(VerificationPass verification, InputStream cipherSource, boolean finishScanAtEnd, ArchiveScanner scanner,
      long bytes) {
    this.verification = verification;
    this.cipherSource = cipherSource;
    this.finishScanAtEnd = finishScanAtEnd;
    this.scanner = scanner;
    this.pipeline = VerificationPass.pipelines(bytes) ? verification.startPipeline() : null;
    this.pbuf = pipeline == null ? new byte[VerificationPass.STREAM_READ] : null;
  }

  /**
   * Starts streaming the data entry (or the spool, when the data came before the manifest).
   *
   * @param key the data key; zeroed here, whatever happens
   * @param validateRecords whether the pass checks every line as a record (the failure, if any,
   *     comes at the end with the others, by line number)
   */
  static StreamingPass start(byte[] key, ExportManifest manifest, int maxLineBytes, boolean validateRecords, ArchiveScanner scanner,
      Spool spool) throws IOException, GeneralSecurityException {
    VerificationPass v;
    try {
      v = new VerificationPass(key, manifest.ivUnsafe(), maxLineBytes, true, false, validateRecords);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
    if (scanner.dataPending()) {
      return new StreamingPass(v, scanner.dataStream(), true, scanner, scanner.dataSize());
    }
    // The data came before the manifest and is spooled: check the rest of the archive now,
    // before anything is released.
    scanner.finish();
    spool.seal();
    return new StreamingPass(v, spool.openInput(), false, scanner, spool.size());
  }

  @Override
  public byte[] next() throws IOException {
    int n = cipherSource.read(cbuf, 0, VerificationPass.STREAM_READ);
    if (n < 0) {
      return null;
    }
    try {
      if (pipeline == null) {
        verification.process(cbuf, n, pbuf);
        length = n;
        return pbuf;
      }
      byte[] p = verification.processShared(pipeline, cbuf, n);
      if (p == null) {
        VerificationPass.rethrow(pipeline.failure());
        throw new IllegalStateException("verification worker stopped");
      }
      if (p == current) {
        throw new IllegalStateException("the verification pipeline handed out the buffer still being released");
      }
      current = p;
      length = n;
      return p;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("decryption failed", e);
    }
  }

  @Override
  public int length() {
    return length;
  }

  /** At the end of the stream: the rest of the archive, then tag, checksum, framing, count and records. */
  void finish(ExportManifest manifest) throws IOException {
    if (pipeline != null) {
      pipeline.drain();
      pipeline.stop(false);
      try {
        VerificationPass.rethrow(pipeline.failure());
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("decryption failed", e);
      }
    }
    if (finishScanAtEnd) {
      scanner.finish();
    }
    verification.check(manifest);
  }

  /** Stops the worker (if any) and zeroes the plaintext buffers. Idempotent. */
  void stop() {
    if (pipeline != null) {
      pipeline.stop(true);
    } else {
      Arrays.fill(pbuf, (byte) 0);
    }
    verification.wipe();
  }

  void close() throws IOException {
    stop();
    cipherSource.close();
  }
}
