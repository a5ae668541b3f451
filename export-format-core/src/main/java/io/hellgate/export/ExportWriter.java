package io.hellgate.export;

import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.hellgate.export.ExportFormatException.Reason;
import io.hellgate.export.internal.AesGcm;
import io.hellgate.export.internal.ChunkedGcm;
import io.hellgate.export.internal.FastRecordCheck;
import io.hellgate.export.internal.Fingerprints;
import io.hellgate.export.internal.Hex;
import io.hellgate.export.internal.LineCheck;
import io.hellgate.export.internal.RsaOaep;
import io.hellgate.export.internal.SharingPipeline;
import io.hellgate.export.internal.Spool;
import io.hellgate.export.internal.StoredBlocks;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;

/**
 * Writes an export archive (format v1.0): {@code manifest.json} and {@code tokens.jsonl.enc} in a
 * gzip'd tar, the JSON Lines encrypted with AES-256-GCM under a fresh random key and IV, the key
 * wrapped with RSA-OAEP-256 to the recipient's certificate.
 *
 * <p><b>Guarantees.</b> Memory stays constant whatever the export size: plaintext is hashed and
 * encrypted as it arrives and only <em>ciphertext</em> is stored until {@link #finish()}, because
 * the manifest, which must come first in the archive, holds the tag, checksum and count that are
 * known only at the end. For a {@link Path} target the ciphertext goes straight into an owner-only
 * temporary file beside the target ({@code .NAME.*.partial}), behind space reserved for the
 * manifest, and {@code finish()} fills that space in; for an {@code OutputStream} target it is
 * spooled (in memory up to {@link Options.Builder#memorySpoolBytes}, then in an owner-only
 * temporary file) and copied out by {@code finish()}. Either temporary file is deleted on
 * {@link #close()}. Both targets receive identical bytes. Plaintext never touches disk. Nothing is
 * written to the target until {@link #finish()}; a {@link Path} target appears, atomically, only
 * when complete. The writer's copy of the data key is zeroed after use (the JDK's cipher objects
 * keep their own key schedule until they are garbage-collected; no API clears it). Every record is validated (see {@link Card} and
 * {@link TokenRecord}) and raw lines are parsed as records too (unless the caller opts out with
 * {@link Options.Builder#unvalidatedLines}), with messages that never contain
 * an account number. The writer refuses to exceed GCM's limit of 2^36 − 32 plaintext bytes.
 * With pinned {@link Options.Builder#exportId}, {@link Options.Builder#clock} and
 * {@link Options.Builder#random}, the archive bytes are identical on every run and JVM.
 *
 * <p><b>Format 1.1.</b> With {@link Options.Builder#request} the manifest records the export
 * request's ID and scope and every record must be in scope; with {@link Options.Builder#signer} the
 * manifest is signed (CMS SignedData, docs/format.md section 13). Either makes the manifest
 * version {@code "1.1"}; without both the output is exactly format 1.0.
 *
 * <p><b>Lifecycle.</b> {@link #finish()} completes the export; {@link #close()} without
 * {@code finish()} aborts it and writes nothing, so an exception inside a try-with-resources block
 * never produces a truncated export. After any failure the writer is unusable.
 *
 * <p>Not thread-safe: one thread writes one export. Exports larger than one 512 KiB chunk are
 * encrypted and stored on a second, internal daemon thread while the caller fills the next chunk
 * (SHA-256 runs on whichever of the two threads has time for it); it ends with {@link #finish()} or
 * {@link #close()}.
 *
 * <pre>{@code
 * ExportWriter.Options options = ExportWriter.options()
 *     .recipient(policy.evaluate(certificatePem).acceptedRecipient())
 *     .guardianInstance("my-cluster-id.on-hellgate.cloud")
 *     .build();
 * try (ExportWriter writer = ExportWriter.open(Path.of("export.tgz"), options)) {
 *   for (TokenRecord record : records) {
 *     writer.write(record);
 *   }
 *   ExportManifest manifest = writer.finish();
 * }
 * }</pre>
 */
public final class ExportWriter implements Closeable {
  /** Entry name of the manifest. */
  static final String MANIFEST_ENTRY = "manifest.json";
  /** Entry name of the encrypted JSON Lines, as written. */
  static final String DATA_ENTRY = "tokens.jsonl.enc";
  /** The longest line (without its newline) the writer accepts; readers accept it by default. */
  static final int MAX_LINE_BYTES = 1 << 20;

  private static final int CHUNK = 512 * 1024;
  /**
   * Buffers of {@link #CHUNK} the encrypting worker's pipeline adds to the caller's first one:
   * five circulate (2.5 MiB of plaintext, wiped at the end), plus one chunk of ciphertext.
   */
  private static final int PIPELINE_BUFFERS = 4;

  private final Options options;
  /**
   * Whether lines are tried against the canonical layout first ({@link FastRecordCheck#acceptsCanonical}):
   * when records are validated and no request's scope needs them parsed.
   */
  private final boolean canonicalFirst;
  /** The stream an {@code OutputStream} target gets at the end; null for a {@code Path} target. */
  private final OutputStream stream;
  /** Ciphertext for an {@code OutputStream} target, until {@link #finish()}; null for a {@code Path}. */
  private final Spool spool;
  /** A {@code Path} target, written as the ciphertext arrives; null for an {@code OutputStream}. */
  private final InPlaceArchive inPlace;
  /** Where ciphertext goes: {@link #spool} or {@link #inPlace}. */
  private final StoredBlocks.Sink sink;
  private final MessageDigest sha256;
  private final ChunkedGcm gcm;
  private final byte[] dataKey;
  private final byte[] iv;
  private byte[] plain = new byte[CHUNK];
  private Encryptor encryptor;
  private final ByteArrayBuilder lineBuffer = new ByteArrayBuilder(512);
  private byte[] scratch = new byte[512];

  private int fill;
  private long plaintextLimit = AesGcm.MAX_PLAINTEXT_BYTES;
  private long plaintextBytes;
  private long records;
  private boolean finished;
  private boolean failed;
  private boolean closed;

  private ExportWriter(Options options, OutputStream stream, Path path) throws IOException {
    this.options = options;
    this.canonicalFirst = options.request == null && !options.unvalidatedLines;
    this.stream = stream;
    this.dataKey = new byte[AesGcm.KEY_BYTES];
    this.iv = new byte[AesGcm.IV_BYTES];
    options.random.nextBytes(dataKey);
    options.random.nextBytes(iv);
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
      this.gcm = ChunkedGcm.encryptor(dataKey, iv);
    } catch (GeneralSecurityException e) {
      Arrays.fill(dataKey, (byte) 0);
      throw new IllegalStateException("this JDK lacks AES-GCM or SHA-256", e);
    }
    if (path != null) {
      this.spool = null;
      try {
        this.inPlace = new InPlaceArchive(path, sign(templateManifest()).toJson().length);
      } catch (IOException | RuntimeException e) {
        Arrays.fill(dataKey, (byte) 0);
        throw e;
      }
      this.sink = inPlace::write;
    } else {
      this.inPlace = null;
      this.spool = new Spool(options.spoolDirectory, options.memorySpoolBytes);
      this.sink = spool::write;
    }
  }

  /**
   * A manifest as long as the final one can be: every field but the count and the values known only
   * at the end has its final length, the count has the most digits any count can have.
   */
  private ExportManifest templateManifest() {
    int modulusBytes = (((java.security.interfaces.RSAKey) options.recipient.certificate().getPublicKey()).getModulus().bitLength() + 7) / 8;
    return manifest(
        options.clock.instant().truncatedTo(ChronoUnit.SECONDS),
        options.exportId != null ? options.exportId : new UUID(0, 0),
        new byte[modulusBytes],
        new byte[AesGcm.TAG_BYTES],
        InPlaceArchive.WIDEST_RECORD_COUNT,
        new byte[32]);
  }

  private ExportManifest manifest(Instant created, UUID exportId, byte[] wrapped, byte[] tag, long count, byte[] digest) {
    var cert = options.recipient.certificate();
    ExportRequest request = options.request;
    return new ExportManifest(
        request != null || options.signer != null ? ExportManifest.VERSION_1_1 : ExportManifest.CURRENT_VERSION,
        exportId,
        created,
        DateTimeFormatter.ISO_INSTANT.format(created),
        options.guardianInstance,
        Fingerprints.distinguishedName(cert.getSubjectX500Principal()),
        Fingerprints.distinguishedName(cert.getIssuerX500Principal()),
        Fingerprints.serial(cert.getSerialNumber()),
        options.recipient.fingerprint(),
        wrapped,
        iv,
        tag,
        count,
        "sha256:" + Hex.encode(digest),
        request == null ? null : request.requestId(),
        request == null ? null : request.scope(),
        null,
        null);
  }

  /**
   * Format 1.1: the manifest with its {@code signature} over the manifest's JSON without it, if a
   * signer is configured; otherwise the manifest as it is.
   */
  private ExportManifest sign(ExportManifest unsigned) throws IOException {
    if (options.signer == null) {
      return unsigned;
    }
    byte[] signature = options.signer.sign(unsigned.unsignedJson(), unsigned.createdAt());
    if (signature == null || signature.length == 0 || signature.length > ManifestCodec.MAX_MANIFEST_BYTES / 2) {
      throw new IOException("the ManifestSigner returned no signature or an oversized one");
    }
    return unsigned.withSignature(signature);
  }

  /** A builder for writer options. */
  public static Options.Builder options() {
    return new Options.Builder();
  }

  /**
   * Starts an export that {@link #finish()} writes to {@code out}. The stream is flushed, not closed.
   *
   * @param out where the archive goes; nothing is written before {@code finish()}
   * @param options the options
   * @return the writer
   * @throws IOException if the spool cannot be prepared
   */
  public static ExportWriter open(OutputStream out, Options options) throws IOException {
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(options, "options");
    return new ExportWriter(options, out, null);
  }

  /**
   * Starts an export that {@link #finish()} writes to {@code path}: into a temporary file in the
   * same directory as the ciphertext arrives, completed, synced, then atomically renamed. An
   * existing regular file is replaced; a directory, symbolic link, device or pipe at {@code path}
   * is refused, here and again before the rename.
   *
   * @param path the archive to create
   * @param options the options
   * @return the writer
   * @throws java.nio.file.FileSystemException if something other than a regular file is at
   *     {@code path}
   * @throws IOException if the temporary file beside {@code path} cannot be created
   */
  public static ExportWriter open(Path path, Options options) throws IOException {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(options, "options");
    Path parent = path.toAbsolutePath().getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new IOException("directory of " + path + " does not exist");
    }
    InPlaceArchive.requireReplaceable(path);
    return new ExportWriter(options, null, path);
  }

  /**
   * Appends a record as one line of canonical JSON.
   *
   * @param record the record
   * @throws ExportFormatException with {@link Reason#LIMIT_EXCEEDED} if the line or the export is
   *     too large
   * @throws IOException if spooling fails
   * @throws IllegalStateException after {@link #finish()}, {@link #close()} or a failure
   */
  public void write(TokenRecord record) throws IOException {
    Objects.requireNonNull(record, "record");
    checkOpen();
    checkScope(record);
    lineBuffer.reset();
    RecordCodec.write(record, lineBuffer);
    append(lineBuffer.getCurrentSegment(), 0, lineBuffer.getCurrentSegmentLength(), lineBuffer);
  }

  /**
   * Appends a JSON Lines record as given, byte for byte, after checking that it is one valid token
   * record (the same rules as {@link TokenRecord.Builder#build()}) with no line break. With
   * {@link Options.Builder#unvalidatedLines} only the framing is checked (non-empty, no line break,
   * encodable as UTF-8).
   *
   * @param jsonLine one JSON object, without a trailing newline
   * @throws ExportFormatException with {@link Reason#MALFORMED_RECORD} if it is not a valid record
   *     (the message names the problem and the line number, never the content), or
   *     {@link Reason#LIMIT_EXCEEDED}
   * @throws IOException if spooling fails
   * @throws IllegalStateException after {@link #finish()}, {@link #close()} or a failure
   */
  public void writeLine(String jsonLine) throws IOException {
    Objects.requireNonNull(jsonLine, "jsonLine");
    checkOpen();
    byte[] bytes = jsonLine.getBytes(StandardCharsets.UTF_8);
    // A line in the writer's own layout that the fast path accepts has no control character, line
    // break, NUL or byte order mark; only an unpaired surrogate, which getBytes turned into '?', is
    // left to rule out.
    if (canonicalFirst && bytes.length <= MAX_LINE_BYTES && FastRecordCheck.acceptsCanonical(bytes, 0, bytes.length)) {
      if (LineCheck.mayHoldReplacedSurrogates(bytes) && LineCheck.surrogates(jsonLine) != null) {
        throw new ExportFormatException(Reason.MALFORMED_RECORD, "line " + (records + 1) + ": " + LineCheck.SURROGATE);
      }
      append(bytes, 0, bytes.length, null);
      return;
    }
    String problem = LineCheck.encoded(bytes, bytes.length, jsonLine);
    if (problem != null) {
      throw new ExportFormatException(Reason.MALFORMED_RECORD, "line " + (records + 1) + ": " + problem);
    }
    if (bytes.length > MAX_LINE_BYTES) {
      throw fail(Reason.LIMIT_EXCEEDED, "line " + (records + 1) + " is longer than " + MAX_LINE_BYTES + " bytes");
    }
    checkRecord(bytes, 0, bytes.length);
    append(bytes, 0, bytes.length, null);
  }

  /**
   * Appends a JSON Lines record given as UTF-8 bytes: {@link #writeLine(String)} for callers that
   * hold bytes already (a database column, another export's {@link ExportReader#nextLineBytes()}),
   * without decoding or encoding. Takes the buffer's remaining bytes, byte for byte, and leaves its
   * position unchanged. The same checks as {@code writeLine}, plus strict UTF-8 (no overlongs,
   * surrogates or code points above U+10FFFF).
   *
   * <pre>{@code
   * for (ByteBuffer line; (line = reader.nextLineBytes()) != null; ) {
   *   writer.writeLineBytes(line); // re-encrypt an export to another recipient
   * }
   * }</pre>
   *
   * @param utf8 one JSON object as UTF-8, without a trailing newline
   * @throws ExportFormatException as for {@link #writeLine(String)}
   * @throws IOException if writing the ciphertext fails
   * @throws IllegalStateException after {@link #finish()}, {@link #close()} or a failure
   */
  public void writeLineBytes(java.nio.ByteBuffer utf8) throws IOException {
    Objects.requireNonNull(utf8, "utf8");
    checkOpen();
    int len = utf8.remaining();
    if (len > MAX_LINE_BYTES) {
      throw fail(Reason.LIMIT_EXCEEDED, "line " + (records + 1) + " is longer than " + MAX_LINE_BYTES + " bytes");
    }
    byte[] b;
    int off;
    if (utf8.hasArray()) {
      b = utf8.array();
      off = utf8.arrayOffset() + utf8.position();
    } else {
      // Read-only or direct: one copy into a scratch buffer that close() zeroes.
      if (scratch.length < len) {
        Arrays.fill(scratch, (byte) 0);
        scratch = new byte[Math.max(len, scratch.length * 2)];
      }
      utf8.duplicate().get(scratch, 0, len);
      b = scratch;
      off = 0;
    }
    // A line in the writer's own layout that the fast path accepts is valid framing too: strict
    // UTF-8, no whitespace at all (so no line break), no NUL, no byte order mark.
    if (!canonicalFirst || !FastRecordCheck.acceptsCanonical(b, off, len)) {
      String problem = LineCheck.utf8(b, off, len);
      if (problem != null) {
        throw new ExportFormatException(Reason.MALFORMED_RECORD, "line " + (records + 1) + ": " + problem);
      }
      checkRecord(b, off, len);
    }
    append(b, off, len, null);
  }

  /**
   * The record checks of a line: none with {@link Options.Builder#unvalidatedLines} (unless a
   * request's scope needs the record); otherwise the byte-level fast path, and the full parser for
   * whatever it is unsure of (its message names the problem). Both callers have already tried the
   * fast path's canonical layout when {@link #canonicalFirst} ({@link FastRecordCheck#acceptsCanonical},
   * which said no), so only its general path runs. A refused line is not fatal: the caller may skip
   * it and go on.
   */
  private void checkRecord(byte[] b, int off, int len) throws ExportFormatException {
    TokenRecord parsed;
    try {
      if (options.request == null) {
        if (options.unvalidatedLines
            || FastRecordCheck.general(b, off, len)) {
          return;
        }
        parsed = RecordCodec.parseJson(b, off, len); // the fast path, canonical layout included, said no
      } else {
        parsed = RecordCodec.parse(b, off, len); // the scope is judged on the parsed record
      }
    } catch (RecordCodec.InvalidRecord e) {
      throw new ExportFormatException(Reason.MALFORMED_RECORD, "line " + (records + 1) + ": " + e.getMessage());
    }
    checkScope(parsed);
  }

  /**
   * Refuses a record outside the request's scope: nothing of it is written and, as for a malformed
   * line, the writer stays usable (the caller may skip it and go on).
   */
  private void checkScope(TokenRecord record) throws ExportFormatException {
    if (options.request != null) {
      String why = options.request.scope().mismatch(record);
      if (why != null) {
        throw new ExportFormatException(
            Reason.RECORD_OUT_OF_SCOPE,
            "record " + (records + 1) + " is outside the scope of request " + options.request.requestId() + ": " + why);
      }
    }
  }

  private void append(byte[] b, int off, int len, ByteArrayBuilder reused) throws IOException {
    if (reused != null && reused.size() != len) {
      // Canonical JSON longer than one segment: fall back to a contiguous copy, zeroed after use.
      byte[] copy = reused.toByteArray();
      try {
        append(copy, 0, copy.length, null);
      } finally {
        Arrays.fill(copy, (byte) 0);
      }
      return;
    }
    if (len > MAX_LINE_BYTES) {
      throw fail(Reason.LIMIT_EXCEEDED, "line " + (records + 1) + " is longer than " + MAX_LINE_BYTES + " bytes");
    }
    if (plaintextBytes + len + 1 > plaintextLimit) {
      throw fail(
          Reason.LIMIT_EXCEEDED,
          "export would exceed AES-GCM's limit of 2^36 - 32 bytes for one key and IV; split it");
    }
    while (len > 0) {
      int n = Math.min(len, CHUNK - fill);
      System.arraycopy(b, off, plain, fill, n);
      fill += n;
      off += n;
      len -= n;
      plaintextBytes += n;
      if (fill == CHUNK) {
        flushChunk();
      }
    }
    plain[fill++] = '\n';
    plaintextBytes++;
    if (fill == CHUNK) {
      flushChunk();
    }
    records++;
  }

  private void flushChunk() throws IOException {
    flushChunk(false);
  }

  /** Hands the chunk to the encrypting pipeline (or, for a last chunk alone, hashes and encrypts it here). */
  private void flushChunk(boolean last) throws IOException {
    if (encryptor == null && last) {
      AesGcm.digest(sha256, plain, 0, fill);
      byte[] out = new byte[fill + AesGcm.TAG_BYTES];
      int n = 0;
      try {
        n = gcm.update(plain, 0, fill, out, 0);
      } catch (GeneralSecurityException e) {
        failed = true;
        throw new IllegalStateException("encryption failed", e);
      }
      sink.write(out, 0, n);
      fill = 0;
      return;
    }
    if (encryptor == null) {
      encryptor = new Encryptor();
    }
    plain = encryptor.submit(plain, fill);
    fill = 0;
  }

  /**
   * Hashes, encrypts and stores full chunks on a second thread while the caller keeps filling the
   * next one ({@link SharingPipeline}): encryption and storage run on the worker; SHA-256, which
   * must see the chunks in order, runs on whichever thread has nothing better to do, so the split
   * follows the load (typed records leave the hashing to the worker, raw byte lines share it).
   * Storage errors surface on the caller's next call. Started at the first full chunk, so small
   * exports stay on one thread.
   */
  private final class Encryptor {
    private final byte[] cipherOut = new byte[CHUNK + AesGcm.TAG_BYTES];
    private final SharingPipeline pipeline =
        new SharingPipeline(
            PIPELINE_BUFFERS,
            CHUNK,
            "export-writer-encrypt",
            (p, n) -> AesGcm.digest(sha256, p, 0, n),
            (p, n) -> sink.write(cipherOut, 0, gcm.update(p, 0, n, cipherOut, 0)));

    /** Hands over a full buffer; returns an empty one to fill next. */
    byte[] submit(byte[] buffer, int length) throws IOException {
      checkFailure();
      pipeline.submit(buffer, length);
      try {
        byte[] next = pipeline.take();
        checkFailure();
        return next;
      } catch (java.io.InterruptedIOException e) {
        failed = true;
        throw e;
      }
    }

    /** Waits until every submitted chunk is hashed, encrypted and stored (hashing here meanwhile). */
    void drain() throws IOException {
      try {
        pipeline.drain();
      } catch (java.io.InterruptedIOException e) {
        failed = true;
        throw e;
      }
      stop();
      checkFailure();
    }

    /** Ends the worker once its work is done, waiting uninterruptibly; wipes the buffers. */
    void stop() {
      pipeline.stop(false);
    }

    /** Ends the worker without starting pending work (an abandoned export); wipes the buffers. */
    void abort() {
      pipeline.stop(true);
    }

    private void checkFailure() throws IOException {
      Throwable t = pipeline.failure();
      if (t != null) {
        failed = true;
        if (t instanceof IOException) {
          throw new IOException("storing ciphertext failed: " + t.getMessage(), t);
        }
        throw new IllegalStateException("encryption failed", t);
      }
    }
  }

  /** Lowers the GCM limit, so tests can reach it without writing 64 GiB. */
  /** Whether the caller-side plaintext buffers hold only zeros; for tests. */
  boolean lineBuffersWipedForTesting() {
    for (byte[] b : new byte[][] {plain, scratch, lineBuffer.getCurrentSegment()}) {
      for (byte x : b) {
        if (x != 0) {
          return false;
        }
      }
    }
    return true;
  }

  /** Whether a {@code Path} target had to be copied because its reservation did not fit; for tests. */
  boolean copiedForTesting() {
    return inPlace != null && inPlace.copied();
  }

  ExportWriter plaintextLimitForTesting(long limit) {
    this.plaintextLimit = limit;
    return this;
  }

  /** Records written so far. */
  public long recordCount() {
    return records;
  }

  /**
   * Completes the export: seals the encryption, wraps the key, and writes the archive to the
   * target. Call exactly once.
   *
   * @return the manifest that was written
   * @throws IOException if writing fails; a {@link Path} target is then left untouched
   * @throws IllegalStateException if already finished, closed or failed
   */
  public ExportManifest finish() throws IOException {
    checkOpen();
    try {
      if (fill > 0) {
        flushChunk(true);
      }
      if (encryptor != null) {
        encryptor.drain();
      }
      byte[] tail = new byte[AesGcm.TAG_BYTES];
      sink.write(tail, 0, gcm.finish(tail, 0));
      byte[] tag = gcm.tag();
      byte[] wrapped = RsaOaep.wrap(options.recipient.certificate().getPublicKey(), dataKey, options.random);
      Arrays.fill(dataKey, (byte) 0);
      Instant created = options.clock.instant().truncatedTo(ChronoUnit.SECONDS);
      ExportManifest manifest =
          manifest(
              created,
              options.exportId != null ? options.exportId : randomUuid(options.random),
              wrapped,
              tag,
              records,
              sha256.digest());
      manifest = sign(manifest);
      if (inPlace != null) {
        inPlace.finish(manifest);
      } else {
        spool.seal();
        try (java.io.InputStream ciphertext = spool.openInput()) {
          ArchiveLayout.write(stream, manifest, spool.size(), ciphertext);
        }
        stream.flush();
      }
      finished = true;
      return manifest;
    } catch (GeneralSecurityException e) {
      failed = true;
      throw new IOException("sealing the export failed: " + e.getClass().getSimpleName(), e);
    } catch (IOException | RuntimeException e) {
      failed = true;
      throw e;
    } finally {
      if (encryptor != null) {
        encryptor.stop();
      }
      Arrays.fill(dataKey, (byte) 0);
      wipeLines();
      closeStorage();
    }
  }

  /** Zeroes the caller-side plaintext buffers (the worker's are wiped when it stops). */
  private void wipeLines() {
    Arrays.fill(plain, (byte) 0);
    Arrays.fill(lineBuffer.getCurrentSegment(), (byte) 0);
    Arrays.fill(scratch, (byte) 0);
  }

  private void closeStorage() throws IOException {
    if (spool != null) {
      spool.close();
    } else {
      inPlace.close();
    }
  }

  /** A version-4 UUID drawn from the writer's random source, so a pinned source pins the id. */
  private static UUID randomUuid(SecureRandom random) {
    byte[] b = new byte[16];
    random.nextBytes(b);
    b[6] = (byte) ((b[6] & 0x0f) | 0x40);
    b[8] = (byte) ((b[8] & 0x3f) | 0x80);
    long msb = 0;
    long lsb = 0;
    for (int i = 0; i < 8; i++) {
      msb = (msb << 8) | (b[i] & 0xff);
      lsb = (lsb << 8) | (b[8 + i] & 0xff);
    }
    return new UUID(msb, lsb);
  }

  private ExportFormatException fail(Reason reason, String message) {
    failed = true;
    return new ExportFormatException(reason, message);
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("writer is closed");
    }
    if (finished) {
      throw new IllegalStateException("export already finished");
    }
    if (failed) {
      throw new IllegalStateException("writer failed earlier; start a new export");
    }
  }

  /** Releases the spool and zeroes the key; without a prior {@link #finish()} nothing is written. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    if (encryptor != null) {
      encryptor.abort();
    }
    Arrays.fill(dataKey, (byte) 0);
    wipeLines();
    closeStorage();
  }

  /** Where {@link #finish()} writes. */
  public static final class Options {
    private final Recipient recipient;
    private final String guardianInstance;
    private final UUID exportId;
    private final Clock clock;
    private final SecureRandom random;
    private final Path spoolDirectory;
    private final int memorySpoolBytes;
    private final boolean unvalidatedLines;
    private final ExportRequest request;
    private final ManifestSigner signer;

    private Options(Builder b) {
      this.recipient = b.recipient;
      this.guardianInstance = b.guardianInstance;
      this.exportId = b.exportId;
      this.clock = b.clock;
      this.random = b.random;
      this.spoolDirectory = b.spoolDirectory;
      this.memorySpoolBytes = b.memorySpoolBytes;
      this.unvalidatedLines = b.unvalidatedLines;
      this.request = b.request;
      this.signer = b.signer;
    }


    /**
     * Builds {@link Options}; {@link #build()} validates. Not thread-safe.
     *
     * <pre>{@code
     * ExportWriter.options().recipient(r).guardianInstance("c1.on-hellgate.cloud").clock(fixedClock).build();
     * }</pre>
     */
    public static final class Builder {
      private Recipient recipient;
      private String guardianInstance;
      private UUID exportId;
      private Clock clock = Clock.systemUTC();
      private SecureRandom random;
      private Path spoolDirectory;
      private int memorySpoolBytes = 8 << 20;
      private boolean unvalidatedLines;
      private ExportRequest request;
      private ManifestSigner signer;

      private Builder() {}

      /** The recipient (required); see {@link Recipient} for how to get a checked one. */
      public Builder recipient(Recipient recipient) {
        this.recipient = recipient;
        return this;
      }

      /** {@code guardian_instance} (required), for example {@code my-cluster-id.on-hellgate.cloud}. */
      public Builder guardianInstance(String guardianInstance) {
        this.guardianInstance = guardianInstance;
        return this;
      }

      /** {@code export_id}; by default a random (version 4) UUID drawn from {@link #random}. */
      public Builder exportId(UUID exportId) {
        this.exportId = exportId;
        return this;
      }

      /** The clock for {@code created_at} (truncated to seconds); by default UTC system time. */
      public Builder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
      }

      /**
       * The source of the data key, IV, OAEP seed and default export id; by default a new
       * {@link SecureRandom}. Pin it only in tests: a repeated key and IV destroys GCM's security.
       */
      public Builder random(SecureRandom random) {
        this.random = Objects.requireNonNull(random, "random");
        return this;
      }

      /**
       * Where ciphertext may be spooled for an {@code OutputStream} target; by default
       * {@code java.io.tmpdir}. A {@code Path} target keeps its ciphertext beside the target instead.
       */
      public Builder spoolDirectory(Path spoolDirectory) {
        this.spoolDirectory = spoolDirectory;
        return this;
      }

      /**
       * {@code OutputStream} targets: ciphertext kept in memory before spooling to disk; default
       * 8 MiB, at most 64 MiB. A {@code Path} target writes its ciphertext in place.
       */
      public Builder memorySpoolBytes(int memorySpoolBytes) {
        if (memorySpoolBytes < 0 || memorySpoolBytes > (64 << 20)) {
          throw new IllegalArgumentException("memorySpoolBytes must be 0 to 64 MiB");
        }
        this.memorySpoolBytes = memorySpoolBytes;
        return this;
      }

      /**
       * <b>Risky:</b> skip parsing raw lines as token records in {@link ExportWriter#writeLine}:
       * only framing (non-empty, no line break, encodable as UTF-8) is checked, so a line with a
       * malformed PAN, a missing field or invalid JSON is exported as given and surfaces only at
       * the recipient. For trusted producers that validated the lines already; it makes raw-line
       * writing several times faster (docs/performance.md). Typed {@link ExportWriter#write}
       * always validates.
       */
      public Builder unvalidatedLines(boolean unvalidatedLines) {
        this.unvalidatedLines = unvalidatedLines;
        return this;
      }

      /**
       * The export request this export answers (format 1.1): the manifest records its
       * {@code request_id} and {@code scope} (never its contacts or use case) and is written as
       * version {@code "1.1"}; every record must be in {@link ExportRequest#scope()}, or
       * {@link ExportWriter#write} and the line methods refuse it with
       * {@link Reason#RECORD_OUT_OF_SCOPE} (raw lines are then parsed even with
       * {@link #unvalidatedLines}). {@link #build()} requires the recipient to be the request's
       * certificate. By default none: a 1.0 export.
       */
      public Builder request(ExportRequest request) {
        this.request = request;
        return this;
      }

      /**
       * Format 1.1 origin authentication: {@link ExportWriter#finish()} signs the manifest (without
       * its {@code signature} member) with {@code signer} and adds the CMS SignedData as
       * {@code signature}; the manifest is written as version {@code "1.1"}. Because the manifest
       * holds the tag, the wrapped key and the plaintext checksum, a valid signature binds the
       * whole export. Get one from {@code io.hellgate.export.crypto.ManifestSignatures#signer()}.
       * For a {@code Path} target the signer is also called once when the writer opens, to size
       * the manifest's reserved space. By default none: unsigned.
       */
      public Builder signer(ManifestSigner signer) {
        this.signer = signer;
        return this;
      }

      /**
       * Validates and builds.
       *
       * @throws IllegalStateException if the recipient or guardian instance is missing, or the
       *     recipient is not the request's certificate
       */
      public Options build() {
        if (recipient == null) {
          throw new IllegalStateException("recipient is required");
        }
        if (guardianInstance == null || guardianInstance.isBlank()) {
          throw new IllegalStateException("guardianInstance is required");
        }
        if (spoolDirectory != null && !Files.isDirectory(spoolDirectory)) {
          throw new IllegalStateException("spoolDirectory " + spoolDirectory + " is not a directory");
        }
        if (request != null && !request.recipientFingerprint().equals(recipient.fingerprint())) {
          throw new IllegalStateException(
              "recipient " + recipient.fingerprint() + " is not the certificate of request " + request.requestId()
                  + " (" + request.recipientFingerprint() + ")");
        }
        if (random == null) {
          random = new SecureRandom();
        }
        return new Options(this);
      }
    }
  }
}
