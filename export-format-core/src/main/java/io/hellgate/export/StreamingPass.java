package io.hellgate.export;

import io.hellgate.export.internal.Spool;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * Unverified streaming ({@link ExportReader.Options.Builder#unverifiedStreaming}), the reader's
 * only pass in that mode: the ciphertext is decrypted and released 128 KiB at a time while a
 * {@link VerificationPass} computes the tag, checksum, framing and count, which {@link #finish}
 * decides at the end, where the caller must discard everything it received if it throws. Not
 * thread-safe: one reader thread drives it.
 */
final class StreamingPass implements PlaintextChunks {
  private final VerificationPass verification;
  private final InputStream cipherSource;
  private final boolean finishScanAtEnd;
  private final ArchiveScanner scanner;
  private final byte[] cbuf = new byte[VerificationPass.STREAM_READ];
  private final byte[] pbuf = new byte[VerificationPass.STREAM_READ];
  private int length;

  private StreamingPass(VerificationPass verification, InputStream cipherSource, boolean finishScanAtEnd, ArchiveScanner scanner) {
    this.verification = verification;
    this.cipherSource = cipherSource;
    this.finishScanAtEnd = finishScanAtEnd;
    this.scanner = scanner;
  }

  /**
   * Starts streaming the data entry (or the spool, when the data came before the manifest).
   *
   * @param key the data key; zeroed here, whatever happens
   */
  static StreamingPass start(byte[] key, ExportManifest manifest, int maxLineBytes, ArchiveScanner scanner, Spool spool)
      throws IOException, GeneralSecurityException {
    VerificationPass v;
    try {
      v = new VerificationPass(key, manifest.ivUnsafe(), maxLineBytes, true, false, false);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
    if (scanner.dataPending()) {
      return new StreamingPass(v, scanner.dataStream(), true, scanner);
    }
    // The data came before the manifest and is spooled: check the rest of the archive now,
    // before anything is released.
    scanner.finish();
    spool.seal();
    return new StreamingPass(v, spool.openInput(), false, scanner);
  }

  @Override
  public byte[] next() throws IOException {
    int n = cipherSource.read(cbuf, 0, VerificationPass.STREAM_READ);
    if (n < 0) {
      return null;
    }
    try {
      verification.process(cbuf, n, pbuf);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("decryption failed", e);
    }
    length = n;
    return pbuf;
  }

  @Override
  public int length() {
    return length;
  }

  /** At the end of the stream: the rest of the archive, then tag, checksum, framing and count. */
  void finish(ExportManifest manifest) throws IOException {
    if (finishScanAtEnd) {
      scanner.finish();
    }
    verification.check(manifest);
  }

  void close() throws IOException {
    cipherSource.close();
  }
}
