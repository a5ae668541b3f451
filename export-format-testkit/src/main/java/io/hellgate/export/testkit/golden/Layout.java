package io.hellgate.export.testkit.golden;

import io.hellgate.export.testkit.golden.ArchiveBytes.Entry;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One way to pack a valid export that a conforming reader must accept (docs/format.md, section 4):
 * the tar header style, the data entry's name, the order of the two files, {@code ./} prefixes
 * with a directory entry, the gzip header style, and bytes after the end of the tar. The golden
 * generator makes its reader-side vectors ({@code valid-pax-headers}, {@code valid-gnu-headers},
 * ...) with single layouts; {@link #pack} makes any combination.
 *
 * <p>Immutable and thread-safe; built with {@link #builder()}. Archives are written by the
 * testkit's own tar and gzip code (not the writer's) and sealed to the committed golden recipient
 * key with {@link DeterministicRandom}: test keys, never for real data.
 *
 * <pre>{@code
 * Layout layout = Layout.builder().headers(Layout.Headers.GNU).manifestFirst(false).build();
 * Vector v = layout.pack(plaintext);   // valid: a reader must release exactly plaintext
 * }</pre>
 */
public final class Layout {
  /** The tar header style of both entries. */
  public enum Headers {
    /** POSIX ustar headers only. */
    USTAR,
    /** A PAX extended header before each entry: {@code path} and fractional {@code mtime}, {@code size} and {@code path}. */
    PAX,
    /** GNU headers (magic {@code "ustar  "}), the data entry's name in a {@code ././@LongLink} entry. */
    GNU
  }

  /** The gzip member's header. */
  public enum Gzip {
    /** No file name, MTIME 0, OS 255 (as the writer), compressed deflate. */
    PLAIN,
    /** As {@code tar czf} makes it: FNAME {@code export.tar}, MTIME, OS 3, compressed deflate. */
    TAR_CZF
  }

  /** The largest {@link Builder#trailingBytes}: the tar is padded to 10240 bytes, and at most 1 MiB may follow its end. */
  public static final int MAX_TRAILING_BYTES = (1 << 20) - 10240;

  private final Headers headers;
  private final boolean recordsEntryName;
  private final boolean manifestFirst;
  private final boolean dotSlash;
  private final Gzip gzip;
  private final int trailingBytes;

  private Layout(Builder b) {
    this.headers = b.headers;
    this.recordsEntryName = b.recordsEntryName;
    this.manifestFirst = b.manifestFirst;
    this.dotSlash = b.dotSlash;
    this.gzip = b.gzip;
    this.trailingBytes = b.trailingBytes;
  }

  /** A builder starting from the writer's layout: ustar, {@code tokens.jsonl.enc}, manifest first, no prefixes, plain gzip. */
  public static Builder builder() {
    return new Builder();
  }

  /** The tar header style. */
  public Headers headers() {
    return headers;
  }

  /** The data entry's name: {@code records.jsonl.enc} or {@code tokens.jsonl.enc}. */
  public String dataEntryName() {
    return recordsEntryName ? "records.jsonl.enc" : "tokens.jsonl.enc";
  }

  /** Whether {@code manifest.json} comes before the data entry. */
  public boolean manifestFirst() {
    return manifestFirst;
  }

  /** Whether names carry a {@code ./} prefix, after a {@code ./} directory entry. */
  public boolean dotSlash() {
    return dotSlash;
  }

  /** The gzip header style. */
  public Gzip gzip() {
    return gzip;
  }

  /** Bytes (a fixed non-zero pattern) after the tar's 10240-byte padding. */
  public int trailingBytes() {
    return trailingBytes;
  }

  /**
   * Seals {@code plaintext} to the golden recipient certificate and packs it in this layout.
   *
   * @param plaintext any bytes; a valid export holds valid JSON Lines
   * @return a valid vector whose expected plaintext is {@code plaintext}
   */
  public Vector pack(byte[] plaintext) {
    String label = "layout/" + this + "/" + GoldenKeys.digest(plaintext);
    try {
      byte[] archive = archive(GoldenKeys.seal(label, plaintext, GoldenKeys.recipientCertificate()), mtime());
      return Vector.generated("layout/" + this, "a valid export packed as " + this, archive, null, plaintext);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK lacks AES-GCM or RSA-OAEP", e);
    }
  }

  private static long mtime() {
    return GoldenSet.CREATED_AT.getEpochSecond();
  }

  /** The archive bytes of a sealed export in this layout. */
  byte[] archive(Seal s, long mtime) {
    String prefix = dotSlash ? "./" : "";
    Entry manifest = Entry.file(prefix + "manifest.json", s.manifestJson());
    Entry data = Entry.file(prefix + dataEntryName(), s.ciphertext);
    if (headers == Headers.PAX) {
      manifest.pax("path", manifest.name).pax("mtime", mtime + ".25");
      data.pax("size", String.valueOf(s.ciphertext.length)).pax("path", data.name);
    } else if (headers == Headers.GNU) {
      manifest.dialect(ArchiveBytes.Dialect.GNU);
      data.dialect(ArchiveBytes.Dialect.GNU).gnuLongName = true;
    }
    List<Entry> entries = new ArrayList<>();
    if (dotSlash) {
      entries.add(Entry.directory("./"));
    }
    List<Entry> files = new ArrayList<>(List.of(manifest, data));
    if (!manifestFirst) {
      Collections.reverse(files);
    }
    entries.addAll(files);
    byte[] trailing = new byte[trailingBytes];
    for (int i = 0; i < trailing.length; i++) {
      trailing[i] = (byte) (0x5a ^ i);
    }
    byte[] tar = ArchiveBytes.tar(entries, mtime, trailing);
    return gzip == Gzip.TAR_CZF ? ArchiveBytes.gzip(tar, "export.tar", mtime) : ArchiveBytes.gzip(tar, null, 0);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Layout)) {
      return false;
    }
    Layout l = (Layout) o;
    return headers == l.headers && recordsEntryName == l.recordsEntryName && manifestFirst == l.manifestFirst
        && dotSlash == l.dotSlash && gzip == l.gzip && trailingBytes == l.trailingBytes;
  }

  @Override
  public int hashCode() {
    return Objects.hash(headers, recordsEntryName, manifestFirst, dotSlash, gzip, trailingBytes);
  }

  /** For example {@code Layout[PAX, records.jsonl.enc first, ./ prefixes, TAR_CZF gzip, 100 trailing bytes]}. */
  @Override
  public String toString() {
    return "Layout[" + headers + ", " + (manifestFirst ? "manifest.json first, " + dataEntryName() : dataEntryName() + " first")
        + (dotSlash ? ", ./ prefixes" : "") + ", " + gzip + " gzip" + (trailingBytes > 0 ? ", " + trailingBytes + " trailing bytes" : "")
        + "]";
  }

  /** Builds a {@link Layout}; {@link #build()} validates. Not thread-safe. */
  public static final class Builder {
    private Headers headers = Headers.USTAR;
    private boolean recordsEntryName;
    private boolean manifestFirst = true;
    private boolean dotSlash;
    private Gzip gzip = Gzip.PLAIN;
    private int trailingBytes;

    private Builder() {}

    /** The tar header style (default {@link Headers#USTAR}). */
    public Builder headers(Headers headers) {
      this.headers = Objects.requireNonNull(headers, "headers");
      return this;
    }

    /** Names the data entry {@code records.jsonl.enc} instead of {@code tokens.jsonl.enc} (default false). */
    public Builder recordsEntryName(boolean recordsEntryName) {
      this.recordsEntryName = recordsEntryName;
      return this;
    }

    /** Puts {@code manifest.json} first (default true). */
    public Builder manifestFirst(boolean manifestFirst) {
      this.manifestFirst = manifestFirst;
      return this;
    }

    /** Prefixes both names with {@code ./} after a {@code ./} directory entry (default false). */
    public Builder dotSlash(boolean dotSlash) {
      this.dotSlash = dotSlash;
      return this;
    }

    /** The gzip header style (default {@link Gzip#PLAIN}). */
    public Builder gzip(Gzip gzip) {
      this.gzip = Objects.requireNonNull(gzip, "gzip");
      return this;
    }

    /** Bytes after the tar's padding, 0 to {@link #MAX_TRAILING_BYTES} (default 0). */
    public Builder trailingBytes(int trailingBytes) {
      this.trailingBytes = trailingBytes;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException if {@code trailingBytes} is out of range
     */
    public Layout build() {
      if (trailingBytes < 0 || trailingBytes > MAX_TRAILING_BYTES) {
        throw new IllegalArgumentException("trailingBytes must be 0 to " + MAX_TRAILING_BYTES + ", got " + trailingBytes);
      }
      return new Layout(this);
    }
  }
}
