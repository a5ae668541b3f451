package io.hellgate.export;

import io.hellgate.export.ExportFormatException.Reason;
import io.hellgate.export.internal.AesGcm;
import io.hellgate.export.internal.ChunkedGcm;
import io.hellgate.export.internal.Spool;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
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
 * when it computes the checksum; each ends with its pass or at {@link #close()}. On a machine with
 * two processors or more, {@link #nextRecord()} decodes the released lines of each chunk ahead, on
 * this thread and a second daemon thread, and hands the records out one by one in order; that
 * thread ends at the end of the records, at {@link #close()}, or after 5 idle seconds. It takes no
 * inherited thread-local values from the caller. Whatever it throws decoding a line reaches the
 * caller from {@code nextRecord()} in that line's place, and fails the reader.
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
  // The read path, one class per pass or responsibility (all package-private):
  // DataKeyUnwrap (step 3 of docs/format.md section 8), VerificationPass (step 4: tag, framing,
  // count, optionally checksum and records; RecordCheck), ContentChecks (the decisions),
  // ReleasePass (step 5: chunks re-authenticated, optionally the checksum) reading ReleaseSource
  // (the file again) or the spool, StreamingPass (unverified streaming), LineCursor (lines).
  // This class holds the state machine and the public API.
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
  /** Whether pass 2 read the file's stored blocks in place; for tests. */
  boolean releaseReadInPlace;

  // Release machinery.
  private ReleasePass release; // verified mode: pass 2
  private StreamingPass streaming; // unverified streaming mode
  private PlaintextChunks chunks; // whichever of the two releases
  private final LineCursor lines;
  /** The verified signature, or null without a verifier. */
  private final ManifestVerifier.Verified signature;

  private ExportReader(Options options, ArchiveScanner scanner, Path sourcePath) throws IOException {
    this.options = options;
    this.sourcePath = sourcePath;
    this.scanner = scanner;
    this.lines = new LineCursor(options.maxLineBytes);
    this.spool = new Spool(options.spoolDirectory, options.memorySpoolBytes);
    try {
      this.manifest = ManifestCodec.parse(scanner.readManifest(spool));
      // Format 1.1: the signature, before any key is used (docs/format.md section 13.3).
      this.signature = options.signatureVerifier == null ? null : SignatureCheck.check(manifest, options.signatureVerifier);
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

  /**
   * The manifest's verified signature (format 1.1): who signed it, when, with the validated chain.
   * Present only with {@link Options.Builder#signatureVerifier}, which then has already required a
   * valid signature covering this manifest, before any decryption; empty without it (a signature
   * the manifest carries is then not checked: see {@link ExportManifest#signature()}).
   */
  public java.util.Optional<ManifestVerifier.Verified> verifiedSignature() {
    return java.util.Optional.ofNullable(signature);
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
      ExportRequest.Scope scope = null;
      if (options.checkScope) {
        scope = manifest.scope().orElseThrow(() -> new ExportFormatException(
            Reason.RECORD_OUT_OF_SCOPE, "the manifest records no request scope to check the records against"));
      }
      byte[] key = DataKeyUnwrap.unwrap(manifest, options.keys);
      VerificationPass v;
      Cipher releaseKeystream;
      ChunkedGcm releaseTags;
      try {
        v = new VerificationPass(key, manifest.ivUnsafe(), options.maxLineBytes, content, true, options.validateRecords, scope);
        releaseKeystream = AesGcm.keystream(key, manifest.ivUnsafe());
        releaseTags = ChunkedGcm.recordingEncryptor(key, manifest.ivUnsafe());
      } finally {
        Arrays.fill(key, (byte) 0);
      }
      boolean reread = sourcePath != null && scanner.dataPending();
      ReleaseSource file = reread ? new ReleaseSource(sourcePath, scanner, options.maxDataBytes) : null;
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
          new ReleasePass(
              reread ? () -> reopen(file) : spool::openInput,
              releaseKeystream,
              releaseTags,
              v.tagger,
              content ? null : new ReleasePass.Checksum(v.tagger.bytes()));
      chunks = release;
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

  /** The archive file again, for the release pass (every chunk is re-authenticated there). */
  private InputStream reopen(ReleaseSource file) throws IOException {
    InputStream in = file.open();
    releaseReadInPlace = file.readInPlace();
    return in;
  }

  private void startStreaming() throws IOException {
    try {
      streaming = StreamingPass.start(
          DataKeyUnwrap.unwrap(manifest, options.keys), manifest, options.maxLineBytes, options.validateRecords, scanner, spool);
      chunks = streaming;
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
    return lines.string();
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
    return lines.bytes();
  }

  /**
   * The next record, or {@code null} at the end.
   *
   * @throws ExportFormatException with {@link Reason#MALFORMED_RECORD} if the line is not a valid
   *     token record (the message gives the line number, never content), and as for
   *     {@link #nextLine()}; the reader has then failed, and nothing after that line is given out
   * @throws IOException if reading fails
   */
  public TokenRecord nextRecord() throws IOException {
    if (!advance(true, true)) {
      return null;
    }
    return parseLine();
  }

  /** The current line as a record; a line that is not one fails the reader. */
  private TokenRecord parseLine() throws ExportFormatException {
    try {
      return lines.record();
    } catch (RecordCodec.InvalidRecord e) {
      state = State.FAILED;
      throw new ExportFormatException(Reason.MALFORMED_RECORD, "line " + lines.lines() + ": " + e.getMessage());
    } catch (RuntimeException | Error e) { // a bug, or out of memory: nothing after this line either
      state = State.FAILED;
      throw e;
    }
  }

  /** Lines (records) released so far. */
  public long linesRead() {
    return lines.lines();
  }

  /**
   * @param records whether the caller parses records: that costs far more than the checks, so the
   *     checksum then runs in pass 1 on two cores too (as {@link #verify()}), leaving the second
   *     core idle for the parsing's garbage collection instead of hashing beside it
   */
  private boolean advance(boolean records) throws IOException {
    return advance(records, false);
  }

  /** @param typed whether the line is read as a record ({@link LineCursor#advanceRecord}) */
  private boolean advance(boolean records, boolean typed) throws IOException {
    start(records);
    if (state == State.DONE) {
      return false;
    }
    if (state != State.RELEASING) {
      throw new IllegalStateException("reader is " + state.name().toLowerCase());
    }
    try {
      if (typed ? lines.advanceRecord(chunks) : lines.advance(chunks)) {
        return true;
      }
      finishRelease();
      return false;
    } catch (IOException | RuntimeException | Error e) {
      state = State.FAILED;
      throw e;
    }
  }

  /** Pass 1 (or unverified streaming), if nothing has started yet. */
  private void start(boolean records) throws IOException {
    if (state == State.OPEN) {
      if (options.unverifiedStreaming) {
        startStreaming();
      } else {
        authenticate(records);
      }
    }
  }

  /**
   * Writes all the JSON Lines to {@code out}, exactly as written, each line with its newline, in
   * chunks of up to 1 MiB, without splitting them into lines: the fastest way to copy an export's
   * plaintext (as {@code export-tool decrypt} does). Returns the number of lines (the verified
   * record count). The guarantees are those of {@link #nextLineBytes()}: only authenticated bytes
   * are written, and without {@link #verify()} first the checksum is confirmed at the end, where
   * this method throws instead of returning; with {@link Options.Builder#unverifiedStreaming},
   * the bytes are written as they are decrypted and everything is verified at the end, where it
   * throws if anything failed: {@code out} must then be discarded.
   *
   * <pre>{@code
   * try (ExportReader reader = ExportReader.open(archive, options);
   *     FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
   *   reader.verify();
   *   long records = reader.transferTo(out);
   * }
   * }</pre>
   *
   * @throws IllegalStateException if a line was read already, or the reader is done, failed or closed
   * @throws ExportFormatException (and subtypes) as for {@link #nextLine()}
   * @throws IOException if reading the archive or writing to {@code out} fails
   */
  public long transferTo(java.nio.channels.WritableByteChannel out) throws IOException {
    Objects.requireNonNull(out, "out");
    if (state == State.RELEASING && !lines.untouched()) {
      throw new IllegalStateException("transferTo must come before the first line is read");
    }
    if (state != State.OPEN && state != State.RELEASING) {
      throw new IllegalStateException("reader is " + state.name().toLowerCase());
    }
    start(options.validateRecords);
    try {
      for (byte[] chunk; (chunk = chunks.next()) != null; ) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(chunk, 0, chunks.length());
        while (b.hasRemaining()) {
          out.write(b);
        }
      }
      finishRelease();
    } catch (IOException | RuntimeException e) {
      state = State.FAILED;
      throw e;
    }
    lines.released(manifest.recordCount());
    return manifest.recordCount();
  }

  private void finishRelease() throws IOException {
    if (streaming != null) {
      streaming.finish(manifest);
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
    if (streaming != null) {
      streaming.stop();
    }
    lines.wipe();
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
      if (streaming != null) {
        streaming.close();
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
    private final ManifestVerifier signatureVerifier;
    private final boolean checkScope;

    private Options(Builder b) {
      this.keys = List.copyOf(b.keys);
      this.spoolDirectory = b.spoolDirectory;
      this.memorySpoolBytes = b.memorySpoolBytes;
      this.maxLineBytes = b.maxLineBytes;
      this.unverifiedStreaming = b.unverifiedStreaming;
      this.maxDataBytes = b.maxDataBytes;
      this.progress = b.progress;
      this.validateRecords = b.validateRecords;
      this.signatureVerifier = b.signatureVerifier;
      this.checkScope = b.checkScope;
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
      private ManifestVerifier signatureVerifier;
      private boolean checkScope;

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
       * exactly as written. In unverified streaming mode the records are checked in that one pass
       * (on the second thread for exports of 1 MiB or more), and a malformed record fails, by line
       * number, when the end is reached, as the tag does: the caller discards everything then.
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
       * Format 1.1 origin authentication: require a signature that {@code verifier} accepts
       * (see {@code io.hellgate.export.crypto.ManifestSignatures#verifier()}) and whose signed
       * content is this manifest without its {@code signature} member (as a JSON value).
       * {@link ExportReader#open} checks it right after parsing the manifest, before any key is
       * used: an unsigned export fails with {@link Reason#SIGNATURE_MISSING}, a bad or untrusted
       * signature, or one over other manifest content, with {@link Reason#SIGNATURE_INVALID}.
       * The result is {@link ExportReader#verifiedSignature()}. By default none: a signature is
       * then neither required nor checked.
       */
      public Builder signatureVerifier(ManifestVerifier verifier) {
        this.signatureVerifier = verifier;
        return this;
      }

      /**
       * Format 1.1: check in the verification pass that every record is in the scope the
       * manifest records ({@link ExportManifest#scope()}, by {@link ExportRequest.Scope#includes});
       * the first record outside it, or a manifest without a scope, fails {@link ExportReader#verify()}
       * (or the first read) with {@link Reason#RECORD_OUT_OF_SCOPE}, naming the record's line and
       * the criterion, and nothing is released. Records are parsed in that pass, as with
       * {@link #validateRecords}. Not with {@link #unverifiedStreaming}. The scope is a manifest
       * claim: compare it with your request (or rely on {@link #signatureVerifier}). Default off.
       */
      public Builder checkScope(boolean checkScope) {
        this.checkScope = checkScope;
        return this;
      }

      /**
       * Validates and builds.
       *
       * @throws IllegalStateException if no key was added
       */
      public Options build() {
        if (checkScope && unverifiedStreaming) {
          throw new IllegalStateException("checkScope needs the verification pass; it cannot be combined with unverifiedStreaming");
        }
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
