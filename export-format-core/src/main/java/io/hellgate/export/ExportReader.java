package io.hellgate.export;

import io.hellgate.export.ExportFormatException.Reason;
import io.hellgate.export.internal.AesGcm;
import io.hellgate.export.internal.ChunkedGcm;
import io.hellgate.export.internal.Hex;
import io.hellgate.export.internal.LineScanner;
import io.hellgate.export.internal.Spool;
import io.hellgate.export.internal.SharingPipeline;
import io.hellgate.export.internal.StoredBlockFile;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javax.crypto.Cipher;

/**
 * Reads an export archive with the recipient's key: the manifest first, then, once the whole
 * content has been authenticated, its records or raw JSON lines.
 *
 * <p><b>Verify before release.</b> The first {@link #nextLine()}, {@link #nextLineBytes()} or
 * {@link #nextRecord()} unwraps the data key and makes a first pass over the ciphertext that
 * recomputes the AES-GCM tag (AES-CTR, then GCM encryption again, one JDK operation per 1 MiB
 * chunk), recording a GCM tag per chunk. Only if the tag matches does a second pass read the
 * ciphertext again, one chunk at a time, and release a chunk's lines after its tag has been
 * recomputed and found equal to the first pass's. An archive opened from a {@link Path} is simply
 * read twice; one opened from a stream (or whose data entry precedes the manifest) has its
 * <em>ciphertext</em> spooled in between (memory, then an owner-only temporary file deleted on
 * {@link #close()}). So no line reaches the caller before the whole content is authenticated,
 * even if the file or spool changes between the passes, in memory bounded by the format's limits
 * (1 MiB lines, 1 MiB headers, 64 entries, 16 bytes of chunk tags per MiB), whatever the size.
 *
 * <p><b>Checksum, count and framing.</b> The first pass also checks the JSON Lines framing (strict
 * UTF-8, non-empty lines ending in {@code \n}) and the record count, so a framing or count error
 * releases nothing. {@link #verify()} checks the SHA-256 checksum there too. Without it, the second
 * pass computes the checksum as it releases (on a second core), and a mismatch is reported at the
 * end, where {@code nextLine()} throws instead of returning {@code null}. Lines released before
 * such a failure are authentic (the tag covers them); the mismatch means a changed manifest or a
 * faulty writer. Treat lines as unconfirmed until {@code null} is returned, or call
 * {@link #verify()} first. A first {@link #nextRecord()} behaves like {@link #verify()}: typed
 * reading is bound by JSON parsing, and checking everything up front is then as fast.
 *
 * <p>Each record's JSON is parsed as it is released: a line that is framed correctly but is not a
 * valid token record makes {@link #nextRecord()} throw at that line. Decrypted plaintext never
 * touches disk; the reader's copy of the data key is zeroed once the ciphers are initialized (the
 * JDK's cipher objects keep their own key schedule until they are garbage-collected).
 *
 * <p><b>Unverified streaming</b> ({@link Options.Builder#unverifiedStreaming}) is an explicit
 * opt-in for callers that cannot afford the second pass: lines are released as they are decrypted
 * and the tag, checksum and count are checked only when the end is reached, where
 * {@link #nextLine()} throws {@link AuthenticationFailedException} instead of returning
 * {@code null}. The caller must then discard (roll back) everything it received, exactly as with
 * the AWS Encryption SDK's unsigned streaming decryption.
 *
 * <p><b>Errors</b> are typed: {@link ExportFormatException} with a stable {@link Reason}, and the
 * subtypes {@link UnsupportedVersionException}, {@link WrongKeyException} and
 * {@link AuthenticationFailedException}. Messages never contain a PAN or key bytes.
 *
 * <p>Not thread-safe: one thread reads one archive. For exports of 1 MiB or more, pass 1 uses a
 * second, internal daemon thread (tag and framing, or checksum and framing), and so does pass 2
 * when it computes the checksum; each ends with its pass or at {@link #close()}.
 *
 * <pre>{@code
 * ExportReader.Options options = ExportReader.options().key(RecipientKey.of(privateKey, certificate)).build();
 * try (ExportReader reader = ExportReader.open(Path.of("export.tgz"), options)) {
 *   System.out.println("records: " + reader.manifest().recordCount());
 *   for (TokenRecord r; (r = reader.nextRecord()) != null; ) {
 *     store(r);
 *   }
 * }
 * }</pre>
 */
public final class ExportReader implements Closeable {
  /** Read size of pass 1 and of unverified streaming. */
  private static final int STREAM_READ = 128 * 1024;
  /** Exports at least this large are verified on two threads. */
  private static final long PARALLEL_MIN_BYTES = 1 << 20;
  private static final int PIPELINE_BUFFERS = 4;

  private enum State {
    OPEN,
    RELEASING,
    DONE,
    FAILED,
    CLOSED
  }

  private final Options options;
  private final ArchiveScanner scanner;
  private final ExportManifest manifest;
  private final Spool spool;
  private State state = State.OPEN;

  private final Path sourcePath; // set when opened from a file: pass 2 re-reads it, no spool
  /** Where the data entry starts in the decompressed stream, for pass 2's in-place read. */
  private long dataOffset;
  /** Whether pass 2 read the file's stored blocks in place; for tests. */
  boolean releaseReadInPlace;

  // Release machinery.
  private Release release; // verified mode: pass 2
  private Verification streaming; // unverified streaming mode
  private InputStream cipherSource; // unverified streaming mode
  private boolean finishScanAtEnd;
  private byte[] cbuf; // unverified streaming mode
  private byte[] pbuf; // the plaintext lines are released from
  private int ppos;
  private int plim;
  private byte[] carry = new byte[1024];
  private int carryLen;
  private byte[] lineArray;
  private int lineOff;
  private int lineLen;
  private long linesReleased;

  private ExportReader(Options options, ArchiveScanner scanner, Path sourcePath) throws IOException {
    this.options = options;
    this.sourcePath = sourcePath;
    this.scanner = scanner;
    this.spool = new Spool(options.spoolDirectory, options.memorySpoolBytes);
    try {
      this.manifest = ManifestCodec.parse(scanner.readManifest(spool));
    } catch (IOException | RuntimeException e) {
      spool.close();
      scanner.close();
      throw e;
    }
  }

  /** A builder for reader options. */
  public static Options.Builder options() {
    return new Options.Builder();
  }

  /**
   * Opens an archive and reads its manifest.
   *
   * @param archive the {@code .tgz}; closed by {@link #close()}
   * @param options the options
   * @return the reader
   * @throws ExportFormatException if the archive or manifest is malformed or unsupported
   * @throws IOException if reading fails
   */
  public static ExportReader open(InputStream archive, Options options) throws IOException {
    Objects.requireNonNull(archive, "archive");
    Objects.requireNonNull(options, "options");
    return new ExportReader(options, ArchiveScanner.open(counted(archive, options)).maxDataBytes(options.maxDataBytes), null);
  }

  /**
   * Opens an archive file and reads its manifest.
   *
   * @param archive the {@code .tgz}
   * @param options the options
   * @return the reader
   * @throws ExportFormatException if the archive or manifest is malformed or unsupported
   * @throws IOException if reading fails
   */
  public static ExportReader open(Path archive, Options options) throws IOException {
    Objects.requireNonNull(options, "options");
    // The constructor closes the scanner if it fails.
    return new ExportReader(options, ArchiveScanner.open(archive, options.progress).maxDataBytes(options.maxDataBytes), archive);
  }

  /** The archive stream, reporting bytes read to {@link Options.Builder#progress} if set. */
  private static InputStream counted(InputStream in, Options options) {
    return options.progress == null ? in : ArchiveScanner.counting(in, options.progress);
  }

  /**
   * Reads only the manifest, without a key: what {@code export-tool inspect} shows. Nothing is
   * decrypted or verified; the manifest's claims are unauthenticated.
   *
   * @param archive the {@code .tgz}
   * @return the manifest
   * @throws ExportFormatException if the archive or manifest is malformed or unsupported
   * @throws IOException if reading fails
   */
  public static ExportManifest readManifest(Path archive) throws IOException {
    try (InputStream in = Files.newInputStream(archive)) {
      ArchiveScanner scanner = ArchiveScanner.open(in);
      return ManifestCodec.parse(scanner.readManifest(null));
    }
  }

  /** The manifest, available before anything is decrypted. Its claims are verified by {@link #verify()}. */
  public ExportManifest manifest() {
    return manifest;
  }

  /**
   * Authenticates everything before releasing anything: unwraps the data key, recomputes the GCM
   * tag, the checksum, the record count and the JSON Lines framing in one pass, and checks the rest
   * of the archive. Idempotent. Call it when a failure must come before the first record (as
   * {@code export-tool verify} does). Not available in unverified streaming mode.
   *
   * <p>A first {@link #nextRecord()} does the same. Without it, the first {@link #nextLine()} or
   * {@link #nextLineBytes()} checks the tag (which covers every byte of every record), the framing
   * and the count before releasing anything, and leaves the checksum, which only restates what
   * the tag already protects, to the release pass: a mismatch (a changed manifest) is reported when
   * the end is reached, in place of {@code null}. With {@link Options.Builder#validateRecords},
   * this pass (whichever call starts it) also parses every line as a record.
   *
   * @throws WrongKeyException if no configured key opens this export
   * @throws AuthenticationFailedException if the tag, checksum or count does not match
   * @throws ExportFormatException if the archive or the JSON Lines framing is malformed, or (with
   *     {@code validateRecords}) a line is not a valid record
   * @throws IOException if reading or spooling fails
   * @throws IllegalStateException if closed, failed earlier, or in unverified streaming mode; or
   *     if raw lines are being released with the checksum still to come (call it first)
   */
  public void verify() throws IOException {
    if (state != State.OPEN) {
      if (state == State.RELEASING || state == State.DONE) {
        if (streaming != null) {
          throw new IllegalStateException("verify() is not available in unverified streaming mode");
        }
        if (state == State.RELEASING && release.checksumPending()) {
          throw new IllegalStateException(
              "verify() must come before the first nextLine() or nextLineBytes(); the checksum is now "
                  + "confirmed when the last line has been read");
        }
        return;
      }
      throw new IllegalStateException("reader is " + state.name().toLowerCase());
    }
    if (options.unverifiedStreaming) {
      throw new IllegalStateException("verify() is not available in unverified streaming mode");
    }
    authenticate(true);
  }

  /**
   * Pass 1: tag, framing and count; with {@code content}, also the checksum (otherwise the release
   * pass computes it).
   */
  private void authenticate(boolean content) throws IOException {
    try {
      byte[] key = unwrapDataKey();
      Verification v;
      Cipher releaseKeystream;
      ChunkedGcm releaseTags;
      try {
        v = new Verification(key, manifest.ivUnsafe(), options.maxLineBytes, content, true, options.validateRecords);
        releaseKeystream = AesGcm.keystream(key, manifest.ivUnsafe());
        releaseTags = ChunkedGcm.recordingEncryptor(key, manifest.ivUnsafe());
      } finally {
        Arrays.fill(key, (byte) 0);
      }
      boolean reread = sourcePath != null && scanner.dataPending();
      if (reread) {
        dataOffset = scanner.dataOffset();
      }
      if (scanner.dataPending()) {
        v.run(scanner.dataStream(), reread ? null : spool, scanner.dataSize());
        scanner.finish();
        spool.seal();
      } else {
        scanner.finish();
        spool.seal();
        try (InputStream in = spool.openInput()) {
          v.run(in, null, spool.size());
        }
      }
      v.check(manifest);
      release =
          new Release(
              reread ? this::reopenData : spool::openInput,
              releaseKeystream,
              releaseTags,
              v.tagger,
              content ? null : new ReleaseChecksum(v.tagger.bytes()));
      state = State.RELEASING;
    } catch (IOException | RuntimeException e) {
      state = State.FAILED;
      spool.close();
      throw e;
    } catch (GeneralSecurityException e) {
      state = State.FAILED;
      spool.close();
      throw new IllegalStateException("this JDK lacks AES-CTR or AES-GCM", e);
    }
  }

  private static AuthenticationFailedException changedFile(IOException cause) {
    AuthenticationFailedException t = new AuthenticationFailedException(
        Reason.TAMPERED_CONTENT,
        "the archive file changed after it was authenticated" + (cause == null ? "" : ": " + cause.getMessage()));
    if (cause != null) {
      t.initCause(cause);
    }
    return t;
  }

  /**
   * Opens the archive file again at its data entry, for the release pass. The file may have
   * changed since pass 1: every chunk read from it is checked against pass 1's chunk tags before
   * any of it is released.
   */
  private InputStream reopenData() throws IOException {
    if (scanner.readInPlace()) {
      // Pass 1 read the reference writer's stored blocks in place: so does this pass, without
      // inflating (the chunk tags authenticate what is read). The file can only have changed since.
      InputStream blocks;
      try {
        blocks = StoredBlockFile.open(sourcePath, dataOffset, scanner.dataSize());
      } catch (StoredBlockFile.Mismatch | java.io.EOFException e) {
        throw changedFile(e);
      }
      if (blocks == null) {
        throw changedFile(null);
      }
      releaseReadInPlace = true;
      return new java.io.FilterInputStream(blocks) {
        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          try {
            return super.read(b, off, len);
          } catch (StoredBlockFile.Mismatch | java.io.EOFException e) {
            // Shortened or rewritten under the walk: as tampered as a changed byte, which the
            // chunk tags would catch. Other I/O errors and interruption pass through.
            throw changedFile(e);
          }
        }
      };
    }
    // Any other layout: inflate again.
    InputStream in = Files.newInputStream(sourcePath);
    try {
      ArchiveScanner again = ArchiveScanner.open(in).maxDataBytes(options.maxDataBytes);
      again.readManifest(null);
      if (!again.dataPending()) {
        throw new AuthenticationFailedException(
            Reason.TAMPERED_CONTENT, "the archive file changed after it was verified: its data entry moved");
      }
      InputStream data = again.dataStream();
      return new java.io.FilterInputStream(data) {
        @Override
        public void close() throws IOException {
          again.close();
        }
      };
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  private void startStreaming() throws IOException {
    try {
      byte[] key = unwrapDataKey();
      try {
        streaming = new Verification(key, manifest.ivUnsafe(), options.maxLineBytes, true, false, false);
      } finally {
        Arrays.fill(key, (byte) 0);
      }
      if (scanner.dataPending()) {
        cipherSource = scanner.dataStream();
        finishScanAtEnd = true;
      } else {
        // The data came before the manifest and is spooled: check the rest of the archive now,
        // before anything is released.
        scanner.finish();
        spool.seal();
        cipherSource = spool.openInput();
      }
      cbuf = new byte[STREAM_READ];
      pbuf = new byte[STREAM_READ];
      state = State.RELEASING;
    } catch (IOException | RuntimeException e) {
      state = State.FAILED;
      spool.close();
      throw e;
    } catch (GeneralSecurityException e) {
      state = State.FAILED;
      spool.close();
      throw new IllegalStateException("this JDK lacks AES-CTR or AES-GCM", e);
    }
  }

  private byte[] unwrapDataKey() throws WrongKeyException {
    String expected = manifest.recipientFingerprint();
    List<RecipientKey> candidates = new ArrayList<>();
    for (RecipientKey k : options.keys) {
      if (k.fingerprint().map(expected::equals).orElse(false)) {
        candidates.add(k);
      }
    }
    boolean matched = !candidates.isEmpty();
    if (!matched) {
      for (RecipientKey k : options.keys) {
        if (k.fingerprint().isEmpty()) {
          candidates.add(k);
        }
      }
    }
    if (candidates.isEmpty()) {
      throw new WrongKeyException(
          "no configured key is for this export: it was encrypted to "
              + expected
              + " ("
              + RecordValidation.printable(manifest.recipientSubject())
              + "); configured: "
              + options.keys.stream().map(k -> k.fingerprint().orElse("?")).reduce((a, b) -> a + ", " + b).orElse("none"));
    }
    GeneralSecurityException last = null;
    for (RecipientKey k : candidates) {
      try {
        byte[] key = k.unwrapper().unwrap(manifest.encryptedKeyUnsafe());
        if (key != null && key.length == AesGcm.KEY_BYTES) {
          return key;
        }
        if (key != null) {
          Arrays.fill(key, (byte) 0);
        }
        last = new GeneralSecurityException("unwrapped key has the wrong length");
      } catch (GeneralSecurityException | RuntimeException e) {
        last = e instanceof GeneralSecurityException ? (GeneralSecurityException) e : new GeneralSecurityException(e);
      }
    }
    throw new WrongKeyException(
        (matched
                ? "the key for " + expected + " could not unwrap the data key (wrong private key, or encrypted_key was changed)"
                : "none of the configured keys could unwrap the data key; this export was encrypted to " + expected),
        last);
  }

  /**
   * The next raw JSON line, exactly as written (without its newline), or {@code null} at the end.
   *
   * @throws ExportFormatException (and subtypes) as for {@link #verify()}; in unverified streaming
   *     mode, at the end of the stream if verification fails
   * @throws IOException if reading fails
   */
  public String nextLine() throws IOException {
    if (!advance(options.validateRecords)) {
      return null;
    }
    if (options.validateRecords && options.unverifiedStreaming) {
      parseLine(); // verified reads checked every record in pass 1
    }
    return new String(lineArray, lineOff, lineLen, StandardCharsets.UTF_8);
  }

  /**
   * The next raw JSON line as UTF-8 bytes (without its newline), or {@code null} at the end: a
   * read-only view into the reader's buffer, valid only until the next call on this reader. No
   * copy and no UTF-8 decoding, for callers that pass lines on as bytes (the fastest way out).
   * The bytes are verified, strict UTF-8, exactly as written.
   *
   * <pre>{@code
   * for (ByteBuffer line; (line = reader.nextLineBytes()) != null; ) {
   *   channel.write(line);
   * }
   * }</pre>
   *
   * @throws ExportFormatException (and subtypes) as for {@link #nextLine()}
   * @throws IOException if reading fails
   */
  public java.nio.ByteBuffer nextLineBytes() throws IOException {
    if (!advance(options.validateRecords)) {
      return null;
    }
    if (options.validateRecords && options.unverifiedStreaming) {
      parseLine(); // verified reads checked every record in pass 1
    }
    if (lineArray != viewArray) {
      // One read-only view per backing buffer, sliced per line: one allocation per line, not three.
      viewArray = lineArray;
      view = java.nio.ByteBuffer.wrap(lineArray).asReadOnlyBuffer();
    }
    return view.slice(lineOff, lineLen);
  }

  /** The array {@link #view} is a read-only view of. */
  private byte[] viewArray;
  private java.nio.ByteBuffer view;

  /**
   * The next record, or {@code null} at the end.
   *
   * @throws ExportFormatException with {@link Reason#MALFORMED_RECORD} if the line is not a valid
   *     token record (the message gives the line number, never content), and as for
   *     {@link #nextLine()}
   * @throws IOException if reading fails
   */
  public TokenRecord nextRecord() throws IOException {
    if (!advance(true)) {
      return null;
    }
    return parseLine();
  }

  /** The current line as a record; a line that is not one fails the reader. */
  private TokenRecord parseLine() throws ExportFormatException {
    try {
      return RecordCodec.parse(lineArray, lineOff, lineLen);
    } catch (RecordCodec.InvalidRecord e) {
      state = State.FAILED;
      throw new ExportFormatException(Reason.MALFORMED_RECORD, "line " + linesReleased + ": " + e.getMessage());
    }
  }

  /** Lines (records) released so far. */
  public long linesRead() {
    return linesReleased;
  }

  /**
   * @param records whether the caller parses records: that costs far more than the checks, so the
   *     checksum then runs in pass 1 on two cores too (as {@link #verify()}), leaving the second
   *     core idle for the parsing's garbage collection instead of hashing beside it
   */
  private boolean advance(boolean records) throws IOException {
    if (state == State.OPEN) {
      if (options.unverifiedStreaming) {
        startStreaming();
      } else {
        authenticate(records);
      }
    }
    if (state == State.DONE) {
      return false;
    }
    if (state != State.RELEASING) {
      throw new IllegalStateException("reader is " + state.name().toLowerCase());
    }
    try {
      while (true) {
        int nl = LineScanner.indexOfNewline(pbuf, ppos, plim);
        if (nl >= 0) {
          if (carryLen == 0) {
            lineArray = pbuf;
            lineOff = ppos;
            lineLen = nl - ppos;
          } else {
            appendCarry(ppos, nl - ppos);
            lineArray = carry;
            lineOff = 0;
            lineLen = carryLen;
            carryLen = 0;
          }
          ppos = nl + 1;
          linesReleased++;
          return true;
        }
        appendCarry(ppos, plim - ppos);
        ppos = plim;
        if (!refill()) {
          if (carryLen > 0) {
            throw new ExportFormatException(Reason.MALFORMED_RECORD, "last line does not end in \\n");
          }
          finishRelease();
          return false;
        }
      }
    } catch (IOException | RuntimeException e) {
      state = State.FAILED;
      throw e;
    }
  }

  private void appendCarry(int from, int len) throws ExportFormatException {
    if (len == 0) {
      return;
    }
    if (carryLen + len > options.maxLineBytes) {
      throw new ExportFormatException(
          Reason.MALFORMED_RECORD, "line " + (linesReleased + 1) + " is longer than " + options.maxLineBytes + " bytes");
    }
    if (carryLen + len > carry.length) {
      byte[] bigger = Arrays.copyOf(carry, Math.max(carryLen + len, carry.length * 2));
      Arrays.fill(carry, (byte) 0); // plaintext: the old array is not left behind
      carry = bigger;
    }
    System.arraycopy(pbuf, from, carry, carryLen, len);
    carryLen += len;
  }

  private boolean refill() throws IOException {
    if (release != null) {
      byte[] p = release.next();
      if (p == null) {
        return false;
      }
      pbuf = p;
      plim = release.length();
      ppos = 0;
      return true;
    }
    int n = cipherSource.read(cbuf, 0, STREAM_READ);
    if (n < 0) {
      return false;
    }
    try {
      streaming.process(cbuf, n, pbuf);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("decryption failed", e);
    }
    plim = n;
    ppos = 0;
    return true;
  }

  private void finishRelease() throws IOException {
    if (streaming != null) {
      if (finishScanAtEnd) {
        scanner.finish();
      }
      streaming.check(manifest);
    } else {
      release.finish(manifest);
    }
    state = State.DONE;
    wipeBuffers();
  }

  private void wipeBuffers() {
    if (release != null) {
      release.stop();
    }
    if (pbuf != null) {
      Arrays.fill(pbuf, (byte) 0);
    }
    Arrays.fill(carry, (byte) 0);
    viewArray = null;
    view = null;
  }

  /** Deletes the spool and releases the archive. */
  @Override
  public void close() throws IOException {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    wipeBuffers();
    try {
      if (cipherSource != null) {
        cipherSource.close();
      }
      if (release != null) {
        release.closeSource();
      }
    } finally {
      try {
        spool.close();
      } finally {
        scanner.close();
      }
    }
  }

  /**
   * Pass 1 (or, in unverified streaming mode, the only pass): the GCM tag, recomputed by
   * decrypting with AES-CTR and encrypting again in chunks ({@link ChunkedGcm}), which also yields
   * a tag per 1 MiB chunk for the release pass; also framing and count, and optionally SHA-256.
   */
  private static final class Verification {
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
    Verification(byte[] key, byte[] iv, int maxLineBytes, boolean checksum, boolean recordChunkTags,
        boolean validateRecords) throws GeneralSecurityException {
      this.keystream = AesGcm.keystream(key, iv);
      this.tagger = recordChunkTags ? ChunkedGcm.recordingEncryptor(key, iv) : ChunkedGcm.encryptor(key, iv);
      this.sha256 = checksum ? MessageDigest.getInstance("SHA-256") : null;
      this.lines = new LineScanner(maxLineBytes);
      this.records = validateRecords ? new RecordCheck(maxLineBytes) : null;
    }

    /** The framing scan, and the record check if there is one. */
    private void scan(byte[] p, int n) {
      lines.scan(p, 0, n);
      if (records != null) {
        records.scan(p, 0, n);
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
        if (records != null) {
          records.wipe(); // the carried line is plaintext, whatever happened
        }
      }
    }

    private void runAll(InputStream source, Spool copyTo, long expectedSize) throws IOException, GeneralSecurityException {
      if (expectedSize >= PARALLEL_MIN_BYTES && Runtime.getRuntime().availableProcessors() > 1) {
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
     * the worker scans the framing; the tag (when the checksum is left to pass 2) or SHA-256 (when
     * it is computed here; the tag then stays on this thread) runs on whichever thread is idle.
     * Four 128 KiB buffers circulate between them.
     */
    private void runPipelined(InputStream source, Spool copyTo) throws IOException, GeneralSecurityException {
      boolean checksum = sha256 != null;
      byte[] c = new byte[STREAM_READ];
      SharingPipeline pipeline =
          new SharingPipeline(
              PIPELINE_BUFFERS,
              STREAM_READ,
              "export-reader-verify",
              checksum ? (p, n) -> AesGcm.digest(sha256, p, 0, n) : (p, n) -> tagger.update(p, 0, n, scratch, 0),
              this::scan);
      boolean done = false;
      try {
        for (int n; (n = source.read(c, 0, c.length)) > 0; ) {
          if (copyTo != null) {
            copyTo.write(c, 0, n);
          }
          byte[] p = pipeline.take();
          if (p == null) {
            break;
          }
          AesGcm.ctr(keystream, c, 0, n, p, 0);
          if (checksum) {
            tagger.update(p, 0, n, scratch, 0);
          }
          pipeline.submit(p, n);
        }
        pipeline.drain();
        done = true;
      } finally {
        pipeline.stop(!done);
      }
      Throwable failure = pipeline.failure();
      if (failure instanceof GeneralSecurityException) {
        throw (GeneralSecurityException) failure; // as if the tag had run on this thread
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
        checkChecksum(manifest, sha256);
      }
      checkLines(manifest, lines);
      if (records != null) {
        if (records.error() != null) {
          throw new ExportFormatException(Reason.MALFORMED_RECORD, records.error());
        }
      }
    }
  }

  /** Throws if pass 2's hashing failed (a bug: SHA-256 throws nothing checked). */
  private static void workerFailed(SharingPipeline pipeline) {
    if (pipeline.failure() != null) {
      throw new IllegalStateException("verification worker failed", pipeline.failure());
    }
  }

  /** The manifest's checksum, which the tag does not cover. */
  private static void checkChecksum(ExportManifest manifest, MessageDigest sha256) throws ExportFormatException {
    String checksum = "sha256:" + Hex.encode(sha256.digest());
    if (!checksum.equals(manifest.checksum())) {
      throw new AuthenticationFailedException(
          Reason.CHECKSUM_MISMATCH,
          "decrypted content has checksum " + checksum + " but the manifest says " + manifest.checksum());
    }
  }

  /** The framing, and the manifest's count, which the tag does not cover. */
  private static void checkLines(ExportManifest manifest, LineScanner lines) throws ExportFormatException {
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

  /**
   * The checksum, computed during the release pass when {@link #verify()} did not. With a second
   * core, each authenticated chunk is hashed while this thread releases its lines (the tag already
   * covers them, and pass 1 checked framing and count: the checksum restates the tag), by the
   * worker when it is idle, or by this thread when it has no free buffer.
   */
  private static final class ReleaseChecksum {
    final MessageDigest sha256;
    final SharingPipeline hasher;

    ReleaseChecksum(long bytes) {
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

  /**
   * Pass 2: reads the ciphertext again (the re-opened archive file or the spool) one 1 MiB
   * chunk at a time, decrypts it, recomputes the chunk's GCM tag and releases the chunk only if
   * that tag equals the one pass 1 recorded. So whatever the source holds now, only authenticated
   * plaintext is released, and a changed source fails as tampered content.
   */
  private static final class Release {
    interface Source {
      InputStream open() throws IOException;
    }

    private final Source opener;
    private InputStream source;
    private final Cipher keystream;
    private final ChunkedGcm tags;
    private final ChunkedGcm expected;
    private final long total;
    private final ReleaseChecksum checksum;
    private final byte[] cbuf = new byte[ChunkedGcm.CHUNK_BYTES + AesGcm.TAG_BYTES];
    private final byte[] ownBuffer;
    /** The buffer whose lines are being released (with a hashing worker). */
    private byte[] current;
    private int length;
    private long done;
    private long chunk;

    /** {@code opener} is called at the first {@link #next()}, not before: the source is read then. */
    Release(Source opener, Cipher keystream, ChunkedGcm tags, ChunkedGcm expected, ReleaseChecksum checksum) {
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
    byte[] next() throws IOException {
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
        workerFailed(hasher);
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

    int length() {
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
          workerFailed(checksum.hasher);
        }
        checkChecksum(manifest, checksum.sha256);
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

  /**
   * Reader options; build once, reuse for many archives. Immutable and thread-safe.
   *
   * <pre>{@code
   * ExportReader.Options o = ExportReader.options().key(RecipientKey.of(key, cert)).build();
   * }</pre>
   */
  public static final class Options {
    private final List<RecipientKey> keys;
    private final Path spoolDirectory;
    private final int memorySpoolBytes;
    private final int maxLineBytes;
    private final boolean unverifiedStreaming;
    private final long maxDataBytes;
    private final java.util.function.LongConsumer progress;
    private final boolean validateRecords;

    private Options(Builder b) {
      this.keys = List.copyOf(b.keys);
      this.spoolDirectory = b.spoolDirectory;
      this.memorySpoolBytes = b.memorySpoolBytes;
      this.maxLineBytes = b.maxLineBytes;
      this.unverifiedStreaming = b.unverifiedStreaming;
      this.maxDataBytes = b.maxDataBytes;
      this.progress = b.progress;
      this.validateRecords = b.validateRecords;
    }


    /**
     * Builds {@link Options}; {@link #build()} validates. Not thread-safe.
     *
     * <pre>{@code
     * ExportReader.options().key(current).key(previous).spoolDirectory(Path.of("/var/tmp")).build();
     * }</pre>
     */
    public static final class Builder {
      private final List<RecipientKey> keys = new ArrayList<>();
      private Path spoolDirectory;
      private int memorySpoolBytes = 8 << 20;
      private int maxLineBytes = ExportWriter.MAX_LINE_BYTES;
      private boolean unverifiedStreaming;
      private long maxDataBytes = AesGcm.MAX_PLAINTEXT_BYTES;
      private java.util.function.LongConsumer progress;
      private boolean validateRecords;

      private Builder() {}

      /**
       * Adds a key (at least one is required). With several keys (rotation), the one whose
       * certificate fingerprint matches the manifest is used; keys without a certificate are tried
       * only when none matches.
       */
      public Builder key(RecipientKey key) {
        keys.add(Objects.requireNonNull(key, "key"));
        return this;
      }

      /**
       * Where the ciphertext of an archive read from a stream is spooled for the release pass; by
       * default {@code java.io.tmpdir}. An archive opened as a {@code Path} is read twice instead.
       */
      public Builder spoolDirectory(Path spoolDirectory) {
        this.spoolDirectory = spoolDirectory;
        return this;
      }

      /** Stream sources: ciphertext kept in memory before spooling to disk; default 8 MiB, at most 64 MiB. */
      public Builder memorySpoolBytes(int memorySpoolBytes) {
        if (memorySpoolBytes < 0 || memorySpoolBytes > (64 << 20)) {
          throw new IllegalArgumentException("memorySpoolBytes must be 0 to 64 MiB");
        }
        this.memorySpoolBytes = memorySpoolBytes;
        return this;
      }

      /** The longest line accepted, in bytes without the newline; default and maximum 1 MiB. */
      public Builder maxLineBytes(int maxLineBytes) {
        if (maxLineBytes < 64 || maxLineBytes > ExportWriter.MAX_LINE_BYTES) {
          throw new IllegalArgumentException("maxLineBytes must be 64 bytes to 1 MiB");
        }
        this.maxLineBytes = maxLineBytes;
        return this;
      }

      /**
       * The largest encrypted data entry accepted, checked against its tar header before anything
       * is read or spooled; default and maximum the format's 2^36 − 32 bytes. Set it to what you
       * expect (with margin) so that a small, highly compressed archive cannot make the reader
       * spool gigabytes before its tag fails.
       */
      public Builder maxDataBytes(long maxDataBytes) {
        if (maxDataBytes < 0) {
          throw new IllegalArgumentException("maxDataBytes must not be negative");
        }
        this.maxDataBytes = Math.min(maxDataBytes, AesGcm.MAX_PLAINTEXT_BYTES);
        return this;
      }

      /**
       * Called with the number of archive bytes read so far (compressed, from the start of the
       * file or stream) as the reader reads it, on the thread that called the reader: a progress
       * display for the verification pass, whose total is the archive's size. The release pass
       * re-reads a file without reporting. Must be quick and must not call back into the reader.
       *
       * <pre>{@code
       * AtomicLong read = new AtomicLong();
       * ExportReader.options().key(key).progress(read::set).build(); // a UI thread polls read
       * }</pre>
       */
      public Builder progress(java.util.function.LongConsumer archiveBytesRead) {
        this.progress = Objects.requireNonNull(archiveBytesRead, "archiveBytesRead");
        return this;
      }

      /**
       * Whether every line must also be a valid token record, checked as {@link
       * ExportReader#nextRecord()} parses: a conforming reader of raw lines (docs/format.md §8).
       * The check runs in the verification pass, so a malformed record releases nothing (without
       * it, {@link ExportReader#nextRecord()} fails at the bad line, after the lines before it);
       * the first read, or {@link ExportReader#verify()}, throws {@link ExportFormatException}
       * ({@link Reason#MALFORMED_RECORD}, the line number, never content). Lines are still returned
       * exactly as written. In unverified streaming mode each line is checked as it is released.
       * Default off: raw lines are then checked for framing and UTF-8 only, several times faster
       * (records are parsed on the verification worker: about as slow as reading typed records).
       */
      public Builder validateRecords(boolean validateRecords) {
        this.validateRecords = validateRecords;
        return this;
      }

      /**
       * <b>Risky:</b> release lines before the content is authenticated. Verification happens at
       * the end of the stream; if it fails, {@link ExportReader#nextLine()} throws there and the
       * caller must discard everything it received. Saves the second pass and the spool.
       */
      public Builder unverifiedStreaming(boolean unverifiedStreaming) {
        this.unverifiedStreaming = unverifiedStreaming;
        return this;
      }

      /**
       * Validates and builds.
       *
       * @throws IllegalStateException if no key was added
       */
      public Options build() {
        if (keys.isEmpty()) {
          throw new IllegalStateException("at least one key is required");
        }
        if (spoolDirectory != null && !Files.isDirectory(spoolDirectory)) {
          throw new IllegalStateException("spoolDirectory " + spoolDirectory + " is not a directory");
        }
        return new Options(this);
      }
    }
  }
}
