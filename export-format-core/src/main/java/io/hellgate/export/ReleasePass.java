package io.hellgate.export;

import io.hellgate.export.ExportFormatException.Reason;
import io.hellgate.export.internal.AesGcm;
import io.hellgate.export.internal.ChunkedGcm;
import io.hellgate.export.internal.SharingPipeline;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Cipher;

/**
 * The reader's release pass (pass 2): reads the ciphertext again (the re-opened archive file,
 * {@link ReleaseSource}, or the spool) one 1 MiB chunk at a time, decrypts it, recomputes the
 * chunk's GCM tag and releases the chunk only if that tag equals the one the verification pass
 * ({@link VerificationPass}) recorded. So whatever the source holds now, only authenticated
 * plaintext is released, and a changed source fails as tampered content. When the verification
 * pass left the checksum to this pass, it is computed here ({@link Checksum}) and decided by
 * {@link #finish}. Not thread-safe: one reader thread drives it.
 */
final class ReleasePass implements PlaintextChunks {
  interface Source {
    InputStream open() throws IOException;
  }

  /**
   * The checksum, computed during the release pass when {@link ExportReader#verify()} did not. With a second
   * core, each authenticated chunk is hashed while this thread releases its lines (the tag already
   * covers them, and pass 1 checked framing and count: the checksum restates the tag), by the
   * worker when it is idle, or by this thread when it has no free buffer.
   */
  static final class Checksum {
    final MessageDigest sha256;
    final SharingPipeline hasher;

    Checksum(long bytes) {
      try {
        this.sha256 = MessageDigest.getInstance("SHA-256");
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException("this JDK lacks SHA-256", e);
      }
      this.hasher =
          bytes > ChunkedGcm.CHUNK_BYTES && Runtime.getRuntime().availableProcessors() > 1
              ? new SharingPipeline(
                  3, ChunkedGcm.CHUNK_BYTES, "export-reader-check", (p, n) -> AesGcm.digest(sha256, p, 0, n), (p, n) -> {})
              : null;
    }
  }

  private final Source opener;
  private InputStream source;
  private final Cipher keystream;
  private final ChunkedGcm tags;
  private final ChunkedGcm expected;
  private final long total;
  private final Checksum checksum;
  private final byte[] cbuf = new byte[ChunkedGcm.CHUNK_BYTES + AesGcm.TAG_BYTES];
  private final byte[] ownBuffer;
  /** The buffer whose lines are being released (with a hashing worker). */
  private byte[] current;
  private int length;
  private long done;
  private long chunk;

  /** {@code opener} is called at the first {@link #next()}, not before: the source is read then. */
  ReleasePass(Source opener, Cipher keystream, ChunkedGcm tags, ChunkedGcm expected, Checksum checksum) {
    this.opener = opener;
    this.keystream = keystream;
    this.tags = tags;
    this.expected = expected;
    this.total = expected.bytes();
    this.checksum = checksum;
    this.ownBuffer = checksum != null && checksum.hasher != null ? null : new byte[ChunkedGcm.CHUNK_BYTES];
  }

  /** Whether the checksum is computed in this pass (and so not yet confirmed). */
  boolean checksumPending() {
    return checksum != null;
  }

  /**
   * The next authenticated chunk of plaintext, or null at the end. Valid until the next call: with
   * a hashing worker, the chunk is hashed there while this thread releases its lines. That rests
   * on the pipeline handing out its three buffers in the order it frees them (first in, first
   * out, freed in submission order), so the buffer taken here is never the one just released
   * from; checked below, since a wrong buffer would release overwritten lines.
   */
  @Override
  public byte[] next() throws IOException {
    if (done == total) {
      return null;
    }
    SharingPipeline hasher = checksum != null ? checksum.hasher : null;
    if (hasher == null) {
      int len = prepare(ownBuffer);
      if (checksum != null) {
        AesGcm.digest(checksum.sha256, ownBuffer, 0, len);
      }
      length = len;
      return ownBuffer;
    }
    byte[] p = hasher.take();
    if (p == null) {
      ContentChecks.workerFailed(hasher);
      throw new IllegalStateException("hashing worker stopped");
    }
    if (p == current) {
      throw new IllegalStateException("the hashing pipeline handed out the buffer still being released");
    }
    int len = prepare(p);
    hasher.submit(p, len);
    current = p;
    length = len;
    return p;
  }

  /** Reads, decrypts and authenticates the next chunk into {@code p}; returns its length. */
  private int prepare(byte[] p) throws IOException {
    if (source == null) {
      source = opener.open();
    }
    int len = (int) Math.min(ChunkedGcm.CHUNK_BYTES, total - done);
    for (int off = 0; off < len; ) {
      int n = source.read(cbuf, off, len - off);
      if (n < 0) {
        throw changed();
      }
      off += n;
    }
    try {
      AesGcm.ctr(keystream, cbuf, 0, len, p, 0);
      tags.update(p, 0, len, cbuf, 0);
      if (done + len == total) {
        tags.finish(cbuf, 0);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("decryption failed", e);
    }
    if (!tags.sameChunkTag(chunk, expected)) {
      Arrays.fill(p, 0, len, (byte) 0);
      throw changed();
    }
    chunk++;
    done += len;
    return len;
  }

  @Override
  public int length() {
    return length;
  }

  private AuthenticationFailedException changed() {
    return new AuthenticationFailedException(
        Reason.TAMPERED_CONTENT,
        "the ciphertext changed after it was authenticated (chunk " + chunk + " no longer matches; was the archive file modified while it was read?)");
  }

  /** At the end of the release: the check left to this pass. */
  void finish(ExportManifest manifest) throws IOException {
    if (checksum != null) {
      if (checksum.hasher != null) {
        checksum.hasher.drain(); // hashing here what the worker has not
        checksum.hasher.stop(false);
        ContentChecks.workerFailed(checksum.hasher);
      }
      ContentChecks.checksum(manifest, checksum.sha256);
    }
  }

  void closeSource() throws IOException {
    if (source != null) {
      source.close();
    }
  }

  /** Stops the hashing worker, if any, and wipes the plaintext buffers. */
  void stop() {
    if (checksum != null && checksum.hasher != null) {
      checksum.hasher.stop(true);
    }
    if (ownBuffer != null) {
      Arrays.fill(ownBuffer, (byte) 0);
    }
  }
}
