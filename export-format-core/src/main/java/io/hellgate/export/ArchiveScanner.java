package io.hellgate.export;

import io.hellgate.export.ExportFormatException.Reason;
import io.hellgate.export.internal.AesGcm;
import io.hellgate.export.internal.Spool;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import io.hellgate.export.internal.StoredBlockFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Walks an export archive with the reader's rules (docs/format.md, "Reading the archive"): gzip
 * required; ustar, PAX and GNU headers; {@code ./} prefixes and directory entries allowed; exactly
 * one {@code manifest.json} (at most 1 MiB) and exactly one data entry ({@code tokens.jsonl.enc}
 * or {@code records.jsonl.enc}), in either order; anything else (duplicates, other files, absolute
 * or {@code ..} paths, links, devices, FIFOs, sparse files) is rejected. Not thread-safe.
 */
final class ArchiveScanner {
  static final String LEGACY_DATA_ENTRY = "records.jsonl.enc";
  private static final int MAX_TRAILING_BYTES = 1 << 20;
  /** What one header (including PAX and GNU long-name records and skipped padding) may consume. */
  static final int MAX_HEADER_BYTES = 1 << 20;
  /** The most entries (directories included) an archive may have. */
  static final int MAX_ENTRIES = 64;

  private final InputStream inflated;
  private final InputStream compressed;
  private final Budget budget;
  private final StrictTar tar;
  private int entries;
  private long maxDataBytes = AesGcm.MAX_PLAINTEXT_BYTES;
  private byte[] manifestJson;
  private String dataName;
  private long dataSize = -1;
  private boolean dataIsCurrentEntry;
  private boolean readInPlace;

  private ArchiveScanner(InputStream compressed, InputStream inflated, Budget budget) {
    this.compressed = compressed;
    this.inflated = inflated;
    this.budget = budget;
    this.tar = new StrictTar(budget);
  }

  /**
   * commons-compress, made strict where the format requires it: every header record's checksum is
   * verified (commons-compress only records it, and not at all for PAX and GNU long-name headers);
   * 512-byte blocks, so nothing after the end-of-archive blocks is skipped uncounted; and the raw
   * names of PAX {@code path}/{@code linkpath} records and GNU long names are kept, since
   * commons-compress strips a leading '/' from them before the scanner sees the entry.
   */
  private static final class StrictTar extends TarArchiveInputStream {
    private final java.io.ByteArrayOutputStream paxData = new java.io.ByteArrayOutputStream();
    /** An absolute raw name seen since the last entry, or null. */
    String absoluteName;
    /** Whether PAX data since the last entry was not a clean sequence of records. */
    boolean paxUnparsable;
    /** All-zero records read: the end of the archive is two of them. */
    int endRecords;

    StrictTar(InputStream in) {
      super(in, TarConstants.DEFAULT_RCDSIZE, TarConstants.DEFAULT_RCDSIZE, "UTF-8");
    }

    @Override
    protected byte[] readRecord() throws IOException {
      byte[] record = super.readRecord();
      if (record != null && isEOFRecord(record)) {
        endRecords++;
      }
      if (record != null && record.length == TarConstants.DEFAULT_RCDSIZE && !isEOFRecord(record)
          && !org.apache.commons.compress.archivers.tar.TarUtils.verifyCheckSum(record)) {
        throw new IOException("a tar header has a wrong checksum");
      }
      return record;
    }

    @Override
    protected byte[] getLongNameData() throws IOException {
      byte[] name = super.getLongNameData();
      if (name != null && name.length > 0 && name[0] == '/') {
        absoluteName = new String(name, StandardCharsets.UTF_8);
      }
      return name;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      TarArchiveEntry current = getCurrentEntry();
      if (n > 0 && current != null && (current.isPaxHeader() || current.isGlobalPaxHeader())) {
        paxData.write(b, off, n); // bounded by the header budget
      }
      return n;
    }

    /**
     * Checks the PAX records read since the last call for an absolute path; then forgets them.
     * Anything that is not a clean sequence of {@code LEN key=value\n} records makes
     * {@link #paxUnparsable} true: commons-compress is more lenient (it skips a stray newline where
     * a length should start), and a record it reads but this parser does not must not slip past.
     */
    void checkPaxNames() {
      byte[] d = paxData.toByteArray();
      paxData.reset();
      int pos = 0;
      while (pos < d.length) {
        int space = pos;
        int len = 0;
        while (space < d.length && d[space] >= '0' && d[space] <= '9' && len < (1 << 24)) {
          len = len * 10 + (d[space] - '0');
          space++;
        }
        if (space >= d.length || d[space] != ' ' || space == pos || len <= space - pos + 1
            || pos + len > d.length || d[pos + len - 1] != '\n') {
          paxUnparsable = true;
          return;
        }
        String record = new String(d, space + 1, pos + len - space - 1, StandardCharsets.UTF_8);
        int eq = record.indexOf('=');
        if (eq > 0) {
          String key = record.substring(0, eq);
          if ((key.equals("path") || key.equals("linkpath")) && record.startsWith("/", eq + 1)) {
            absoluteName = record.substring(eq + 1).strip();
          }
        }
        pos += len;
      }
    }
  }

  /**
   * Counts the decompressed bytes commons-compress reads and stops it at a limit while it parses
   * a header: it reads PAX and GNU long-name records into memory whole, so a small, compressed
   * archive could otherwise declare a header of gigabytes. Entry bodies are bounded separately,
   * by their checked sizes.
   */
  private static final class Budget extends java.io.FilterInputStream {
    private long consumed;
    private long limit = Long.MAX_VALUE;

    Budget(InputStream in) {
      super(in);
    }

    void limitNext(long bytes) {
      limit = consumed + bytes;
    }

    void unlimited() {
      limit = Long.MAX_VALUE;
    }

    private void count(long n) throws ExportFormatException {
      consumed += n;
      if (consumed > limit) {
        throw new ExportFormatException(
            Reason.LIMIT_EXCEEDED, "a tar header is larger than " + (MAX_HEADER_BYTES >> 20) + " MiB");
      }
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, (int) Math.min(len, Math.max(1, Math.min(Integer.MAX_VALUE, limit - consumed + 1))));
      if (n > 0) {
        count(n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long k = super.skip(Math.min(n, Math.max(1, limit - consumed + 1)));
      if (k > 0) {
        count(k);
      }
      return k;
    }
  }

  /**
   * Opens an archive file: read straight from its stored blocks when it is in the reference writer's
   * layout (no inflating; CRC-32 and ISIZE still checked), else as {@link #open(InputStream)}.
   * {@code progress} (nullable) is told the archive bytes read so far.
   */
  static ArchiveScanner open(Path path, java.util.function.LongConsumer progress) throws IOException {
    InputStream stored = StoredBlockFile.openWhole(path, progress);
    if (stored != null) {
      ArchiveScanner s = new ArchiveScanner(InputStream.nullInputStream(), stored, new Budget(stored));
      s.readInPlace = true;
      return s;
    }
    InputStream in = SourceFailure.marking(Files.newInputStream(path));
    if (progress != null) {
      in = counting(in, progress);
    }
    try {
      return open(in);
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  /** {@code in}, telling {@code progress} the bytes read through it so far. */
  static InputStream counting(InputStream in, java.util.function.LongConsumer progress) {
    return new java.io.FilterInputStream(in) {
      private long total;

      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          progress.accept(++total);
        }
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
          progress.accept(total += n);
        }
        return n;
      }

      @Override
      public long skip(long n) throws IOException {
        long k = super.skip(n);
        if (k > 0) {
          progress.accept(total += k);
        }
        return k;
      }
    };
  }

  static ArchiveScanner open(InputStream in) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(SourceFailure.marking(in), 1 << 16);
    buffered.mark(2);
    int b0 = buffered.read();
    int b1 = buffered.read();
    buffered.reset();
    if (b0 != 0x1f || b1 != 0x8b) {
      throw malformed(b0 < 0 ? "archive is empty" : "archive is not gzip-compressed (expected a .tgz)");
    }
    try {
      // Concatenated members are one stream (format.md: SHOULD accept); anything after the last
      // member that is not another member is an error, where java.util.zip silently dropped it.
      GzipCompressorInputStream gzip = GzipCompressorInputStream.builder()
          .setInputStream(buffered).setDecompressConcatenated(true).get();
      return new ArchiveScanner(buffered, gzip, new Budget(gzip));
    } catch (IOException e) {
      throw corrupt(e);
    }
  }

  /** Lowers the largest data entry accepted (default: the format's limit, 2^36 − 32 bytes). */
  ArchiveScanner maxDataBytes(long max) {
    this.maxDataBytes = Math.min(max, AesGcm.MAX_PLAINTEXT_BYTES);
    return this;
  }

  /**
   * Reads entries until the manifest has been read. A data entry met first is copied into
   * {@code dataSpool} (or skipped when it is null). Afterwards, if {@link #dataPending()}, the tar
   * stream is positioned at the start of the data entry.
   */
  byte[] readManifest(Spool dataSpool) throws IOException {
    while (manifestJson == null) {
      TarArchiveEntry e = next();
      if (e == null) {
        throw malformed("archive has no manifest.json");
      }
      String name = checkedName(e);
      if (name == null) {
        continue;
      }
      if (name.equals(ExportWriter.MANIFEST_ENTRY)) {
        readManifestEntry(e);
      } else {
        startData(name, e);
        dataIsCurrentEntry = false;
        copyData(dataSpool);
      }
    }
    return manifestJson;
  }

  /** Whether the data entry is still ahead (or current) in the stream, rather than spooled. */
  boolean dataPending() throws IOException {
    if (dataName != null) {
      return dataIsCurrentEntry;
    }
    while (true) {
      TarArchiveEntry e = next();
      if (e == null) {
        throw malformed("archive has no tokens.jsonl.enc (or records.jsonl.enc)");
      }
      String name = checkedName(e);
      if (name == null) {
        continue;
      }
      if (name.equals(ExportWriter.MANIFEST_ENTRY)) {
        throw malformed("archive has more than one manifest.json");
      }
      startData(name, e);
      dataIsCurrentEntry = true;
      return true;
    }
  }

  /** The current data entry's bytes; valid while {@link #dataPending()} and until they are read. */
  InputStream dataStream() {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        try {
          return tar.read(b, off, len);
        } catch (IOException e) {
          throw corrupt(e);
        }
      }
    };
  }

  /**
   * Where the data entry's bytes start in the decompressed (tar) stream: valid while
   * {@link #dataPending()} and before any of them are read. (commons-compress reads tar headers
   * record by record and entry bodies on demand, so what it has consumed is exactly what precedes
   * the body; {@code ReleasePassTest} checks the figure against the writer's layout.)
   */
  long dataOffset() {
    return budget.consumed;
  }

  /** Whether the archive is read from its stored blocks in place (the reference layout), not inflated. */
  boolean readInPlace() {
    return readInPlace;
  }

  /** The data entry's size in bytes, as its header declares it. */
  long dataSize() {
    return dataSize;
  }

  /** The data entry's name, as normalized. */
  String dataName() {
    return dataName;
  }

  /** Reads the rest of the archive, which may hold only directories, then the gzip trailer. */
  void finish() throws IOException {
    if (dataName == null) {
      dataPending();
    }
    TarArchiveEntry e;
    while ((e = next()) != null) {
      String name = checkedName(e);
      if (name == null) {
        continue;
      }
      if (name.equals(ExportWriter.MANIFEST_ENTRY)) {
        throw malformed("archive has more than one manifest.json");
      }
      throw malformed("archive has more than one data entry (" + dataName + " and " + name + ")");
    }
    if (tar.endRecords < 2) {
      throw malformed("the tar stream ends without its two end-of-archive blocks (truncated?)");
    }
    // Drain what follows the end-of-archive blocks, so the gzip CRC and length are checked.
    try {
      byte[] buf = new byte[8192];
      long trailing = 0;
      for (int n; (n = inflated.read(buf)) > 0; ) {
        trailing += n;
        if (trailing > MAX_TRAILING_BYTES) {
          throw malformed("archive has more than 1 MiB of data after the end of the tar");
        }
      }
    } catch (ExportFormatException ex) {
      throw ex;
    } catch (IOException ex) {
      throw corrupt(ex);
    }
    int extra = compressed.read();
    if (extra >= 0) {
      throw malformed("archive has data after its gzip member");
    }
  }

  private void startData(String name, TarArchiveEntry e) throws ExportFormatException {
    if (dataName != null) {
      throw malformed("archive has more than one data entry (" + dataName + " and " + name + ")");
    }
    if (e.getSize() > AesGcm.MAX_PLAINTEXT_BYTES) {
      throw new ExportFormatException(
          Reason.LIMIT_EXCEEDED, name + " is larger than AES-GCM's limit of 2^36 - 32 bytes");
    }
    if (e.getSize() > maxDataBytes) {
      throw new ExportFormatException(
          Reason.LIMIT_EXCEEDED, name + " is " + e.getSize() + " bytes; this reader accepts at most " + maxDataBytes);
    }
    dataName = name;
    dataSize = e.getSize();
  }

  private void copyData(Spool spool) throws IOException {
    byte[] buf = new byte[1 << 16];
    try {
      for (int n; (n = tar.read(buf)) > 0; ) {
        if (spool != null) {
          spool.write(buf, 0, n);
        }
      }
    } catch (IOException ex) {
      throw corrupt(ex);
    }
  }

  private void readManifestEntry(TarArchiveEntry e) throws IOException {
    if (e.getSize() > ManifestCodec.MAX_MANIFEST_BYTES) {
      throw new ExportFormatException(
          Reason.LIMIT_EXCEEDED, "manifest.json is " + e.getSize() + " bytes; the limit is 1 MiB");
    }
    try {
      manifestJson = tar.readNBytes((int) e.getSize());
    } catch (IOException ex) {
      throw corrupt(ex);
    }
    if (manifestJson.length != e.getSize()) {
      throw malformed("archive is truncated inside manifest.json");
    }
  }

  private TarArchiveEntry next() throws IOException {
    budget.limitNext(MAX_HEADER_BYTES);
    TarArchiveEntry e;
    try {
      e = tar.getNextEntry();
    } catch (IOException | IllegalArgumentException ex) {
      throw corrupt(ex);
    } finally {
      budget.unlimited();
    }
    tar.checkPaxNames();
    if (tar.paxUnparsable) {
      throw malformed("a PAX extended header is not a sequence of 'LENGTH key=value' records");
    }
    if (tar.absoluteName != null) {
      throw malformed("entry '" + RecordValidation.printable(tar.absoluteName) + "' has an absolute or unsafe path");
    }
    if (e != null && ++entries > MAX_ENTRIES) {
      throw new ExportFormatException(Reason.LIMIT_EXCEEDED, "archive has more than " + MAX_ENTRIES + " entries");
    }
    return e;
  }

  /**
   * The entry's normalized name if it is a regular file of the format, null for an acceptable
   * directory; throws for anything else.
   */
  private String checkedName(TarArchiveEntry e) throws ExportFormatException {
    String raw = e.getName();
    String shown = RecordValidation.printable(raw);
    String name = raw;
    while (name.startsWith("./")) {
      name = name.substring(2);
    }
    if (name.startsWith("/") || name.contains("\\") || name.indexOf('\0') >= 0) {
      throw malformed("entry '" + shown + "' has an absolute or unsafe path");
    }
    for (String segment : name.split("/", -1)) {
      if (segment.equals("..")) {
        throw malformed("entry '" + shown + "' leaves the archive (..)");
      }
    }
    // Types first: commons-compress calls any name ending in '/' a directory, links included.
    if (e.isSymbolicLink() || e.isLink()) {
      throw malformed("entry '" + shown + "' is a link; only regular files and directories are allowed");
    }
    if (e.isCharacterDevice() || e.isBlockDevice() || e.isFIFO()) {
      throw malformed("entry '" + shown + "' is a device or FIFO; only regular files are allowed");
    }
    byte type = e.getLinkFlag();
    boolean oldStyleDirectory =
        (type == TarConstants.LF_NORMAL || type == TarConstants.LF_OLDNORM) && raw.endsWith("/") && e.getSize() == 0;
    if (type == TarConstants.LF_DIR || oldStyleDirectory) {
      return null;
    }
    // Only the two regular-file type flags: commons-compress's isFile() also says yes to unknown
    // types (GNU volume headers, multi-volume continuations, dump directories, ...).
    if (e.isSparse() || (type != TarConstants.LF_NORMAL && type != TarConstants.LF_OLDNORM)) {
      throw malformed("entry '" + shown + "' is not a regular file (type flag "
          + (type >= 0x20 && type < 0x7f ? "'" + (char) type + "'" : String.valueOf(type & 0xff)) + ")");
    }
    if (name.equals(ExportWriter.MANIFEST_ENTRY) && manifestJson != null) {
      throw malformed("archive has more than one manifest.json");
    }
    if (!name.equals(ExportWriter.MANIFEST_ENTRY)
        && !name.equals(ExportWriter.DATA_ENTRY)
        && !name.equals(LEGACY_DATA_ENTRY)) {
      throw malformed("archive has an unexpected entry '" + shown + "'");
    }
    return name;
  }

  void close() throws IOException {
    tar.close();
  }

  /**
   * An I/O error of the archive's source (the file or stream), marked as such before the gzip and
   * tar layers see it, so that {@link #corrupt} passes it on as the I/O error it is instead of
   * calling the archive malformed (found by fault injection: EIO read as "malformed_archive").
   */
  static final class SourceFailure extends IOException {
    private static final long serialVersionUID = 1L;

    private SourceFailure(IOException cause) {
      super(cause.getMessage(), cause);
    }

    static InputStream marking(InputStream in) {
      return new java.io.FilterInputStream(in) {
        @Override
        public int read() throws IOException {
          try {
            return super.read();
          } catch (IOException e) {
            throw new SourceFailure(e);
          }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          try {
            return super.read(b, off, len);
          } catch (IOException e) {
            throw new SourceFailure(e);
          }
        }

        @Override
        public long skip(long n) throws IOException {
          try {
            return super.skip(n);
          } catch (IOException e) {
            throw new SourceFailure(e);
          }
        }
      };
    }
  }

  private static ExportFormatException malformed(String message) {
    return new ExportFormatException(Reason.MALFORMED_ARCHIVE, message);
  }

  static IOException corrupt(Exception e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ExportFormatException) {
        return (ExportFormatException) t; // ours, possibly wrapped by commons-compress
      }
      if (t instanceof SourceFailure) {
        return (IOException) t.getCause(); // reading failed (EIO, a broken pipe): not the archive's fault
      }
      if (t instanceof java.io.InterruptedIOException || t instanceof java.nio.channels.ClosedByInterruptException) {
        // Not the archive's fault: the reading thread was interrupted.
        java.io.InterruptedIOException x = new java.io.InterruptedIOException("interrupted while reading the archive");
        x.initCause(t);
        return x;
      }
    }
    String detail = e.getMessage() == null ? e.getClass().getSimpleName() : RecordValidation.printable(e.getMessage());
    return new ExportFormatException(
        Reason.MALFORMED_ARCHIVE, "archive is corrupt or truncated (" + detail + ")", e);
  }
}
