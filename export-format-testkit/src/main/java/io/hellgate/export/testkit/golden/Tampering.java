package io.hellgate.export.testkit.golden;

import io.hellgate.export.testkit.golden.ArchiveBytes.Entry;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every single defect the golden generator builds into an invalid conformance vector, as a kind
 * that can be applied at any position to any valid plaintext. Each golden invalid vector is one
 * kind at its {@link #goldenPosition()} ({@link GoldenGenerator} makes them with this enum), and
 * {@link #apply} makes the same defect elsewhere: another bit of the tag, another line, another
 * count, another cut. Every result has exactly one defect and is sealed with a correct tag,
 * checksum and count unless the defect is one of those, so a conforming reader rejects it with
 * exactly {@link #reason()} and releases no line.
 *
 * <p>A position is any non-negative {@code int}; each kind reduces it to its own range (a bit of
 * the field, a line, a byte offset) as its constant's description says, so a property can draw
 * positions freely and shrinking moves towards position 0. Some kinds need content
 * ({@link #appliesTo}): a ciphertext bit needs at least one byte, a line defect at least one line,
 * a record defect a line written as the reference writer writes records.
 *
 * <p>Immutable and thread-safe. Archives are sealed to the committed golden recipient key with
 * {@link DeterministicRandom} (label {@code tampering/<KIND>/<position>/<SHA-256 of the plaintext>}), so the same inputs give
 * the same bytes: test keys, never for real data.
 *
 * <pre>{@code
 * byte[] plaintext = ...; // valid JSON Lines, for example what ExportWriter wrote
 * Vector v = Tampering.TAG_BIT.apply(plaintext, 37);   // bit 37 of encryption.tag flipped
 * Outcome o = myReader.read(v);                         // must be invalid: tampered_content
 * }</pre>
 */
public enum Tampering {
  // ------------------------------------------------------------ tampered_content, wrong_key
  /** Flips bit {@code p % 8} of ciphertext byte {@code (p / 8) % length}; needs content. */
  CIPHERTEXT_BIT("tampered-ciphertext", "one ciphertext bit flipped", "tampered_content", 80) {
    @Override
    byte[] make(Source src, int p) throws GeneralSecurityException {
      Seal s = src.seal(src.plaintext());
      s.ciphertext[(p >>> 3) % s.ciphertext.length] ^= (byte) (1 << (p & 7));
      return src.pack(s);
    }

    @Override
    public boolean appliesTo(byte[] plaintext) {
      return plaintext.length > 0;
    }
  },
  /** Flips bit {@code p % 128} of {@code encryption.tag}. */
  TAG_BIT("tampered-tag", "one bit of encryption.tag flipped", "tampered_content", 0) {
    @Override
    byte[] make(Source src, int p) throws GeneralSecurityException {
      Seal s = src.seal(src.plaintext());
      s.flipBase64("tag", p);
      return src.pack(s);
    }
  },
  /** Flips bit {@code p % 96} of {@code encryption.iv}. */
  IV_BIT("tampered-iv", "one bit of encryption.iv flipped", "tampered_content", 0) {
    @Override
    byte[] make(Source src, int p) throws GeneralSecurityException {
      Seal s = src.seal(src.plaintext());
      s.flipBase64("iv", p);
      return src.pack(s);
    }
  },
  /** Flips bit {@code p % 2048} of {@code encryption.encrypted_key}: OAEP decoding fails. */
  ENCRYPTED_KEY_BIT("tampered-encrypted-key", "one bit of encryption.encrypted_key flipped: OAEP decoding fails",
      "wrong_key", 0) {
    @Override
    byte[] make(Source src, int p) throws GeneralSecurityException {
      Seal s = src.seal(src.plaintext());
      s.flipBase64("encrypted_key", p);
      return src.pack(s);
    }
  },
  /** Sealed to the golden {@code other} certificate, read with the recipient key; no position. */
  WRONG_KEY("wrong-key", "encrypted to the 'other' certificate, read with the recipient key", "wrong_key", 0) {
    @Override
    byte[] make(Source src, int p) throws GeneralSecurityException {
      return src.pack(src.sealToOther(src.plaintext()));
    }
  },

  // ------------------------------------------------------------ malformed_archive: a valid archive, then cut
  /** A valid archive cut to {@code p % length} bytes. */
  TRUNCATED("truncated-archive", "valid-small cut in the middle of the data entry", "malformed_archive", 1600) {
    @Override
    byte[] make(Source src, int p) throws GeneralSecurityException {
      byte[] a = src.validArchive();
      return Arrays.copyOf(a, p % a.length);
    }
  },
  /** A valid archive without its last {@code 1 + p % 8} bytes (the gzip trailer, CRC-32 and ISIZE). */
  TRUNCATED_GZIP_TRAILER("truncated-gzip-trailer", "valid-small without the last 4 bytes (ISIZE)", "malformed_archive", 3) {
    @Override
    byte[] make(Source src, int p) throws GeneralSecurityException {
      byte[] a = src.validArchive();
      return Arrays.copyOf(a, a.length - 1 - p % 8);
    }
  },
  /** Flips bit {@code p % 64} of a valid archive's gzip trailer (bits 0-31 CRC-32, 32-63 ISIZE). */
  GZIP_TRAILER_BIT("gzip-crc-mismatch", "valid-small with a wrong gzip CRC32", "malformed_archive", 0) {
    @Override
    byte[] make(Source src, int p) throws GeneralSecurityException {
      byte[] a = src.validArchive().clone();
      a[a.length - 8 + (p % 64 >>> 3)] ^= (byte) (1 << (p & 7));
      return a;
    }
  },

  // ------------------------------------------------------------ manifest claims
  /** {@code content.record_count} is {@code p} if below the true count, else {@code p + 1}. */
  WRONG_RECORD_COUNT("wrong-record-count", "content.record_count is 4, the content has 3 lines", "record_count_mismatch", 3) {
    @Override
    byte[] make(Source src, int p) throws GeneralSecurityException {
      Seal s = src.seal(src.plaintext());
      long n = Seal.count(src.plaintext(), (byte) '\n');
      s.object("content").put("record_count", p < n ? (long) p : p + 1L);
      return src.pack(s);
    }
  },
  /**
   * Position 0: {@code content.checksum} is the SHA-256 of the bytes {@code other}; position
   * {@code p > 0}: the true checksum with bit {@code (p - 1) % 256} flipped.
   */
  WRONG_CHECKSUM("wrong-checksum", "content.checksum of other bytes", "checksum_mismatch", 0) {
    @Override
    byte[] make(Source src, int p) throws GeneralSecurityException {
      Seal s = src.seal(src.plaintext());
      byte[] digest = Seal.sha256(p == 0 ? "other".getBytes(StandardCharsets.UTF_8) : src.plaintext());
      if (p > 0) {
        digest[(p - 1) % 256 >>> 3] ^= (byte) (1 << ((p - 1) & 7));
      }
      s.object("content").put("checksum", "sha256:" + Seal.hex(digest));
      return src.pack(s);
    }
  },
  /** {@code version} with major 2 (position 0), 0 (position 1), {@code p + 1} (up to 999999999) otherwise. */
  UNSUPPORTED_VERSION("version-2-0", "version 2.0: unknown major version", "unsupported_version", 0) {
    @Override
    byte[] make(Source src, int p) throws GeneralSecurityException {
      Seal s = src.seal(src.plaintext());
      long major = p == 0 ? 2 : p == 1 ? 0 : Math.min(p + 1L, 999_999_999L);
      s.manifest.put("version", major + ".0");
      return src.pack(s);
    }
  },
  /** {@code encryption.algorithm} is one of eight other names, {@code p % 8}, {@code RSA-OAEP} (SHA-1) first. */
  UNSUPPORTED_ALGORITHM("unknown-algorithm", "encryption.algorithm RSA-OAEP (SHA-1) instead of RSA-OAEP-256",
      "unsupported_algorithm", 0) {
    @Override
    byte[] make(Source src, int p) throws GeneralSecurityException {
      Seal s = src.seal(src.plaintext());
      s.object("encryption").put("algorithm", OTHER_ALGORITHMS.get(p % OTHER_ALGORITHMS.size()));
      return src.pack(s);
    }
  },

  // ------------------------------------------------------------ malformed_manifest
  /** A second copy of one top-level string member, {@code p % 4} of version, export_id, created_at, guardian_instance. */
  MANIFEST_DUPLICATE_KEY("manifest-duplicate-key", "manifest.json has \"version\" twice", "malformed_manifest", 0) {
    @Override
    byte[] make(Source src, int p) throws GeneralSecurityException {
      Seal s = src.seal(src.plaintext());
      String member = DUPLICABLE.get(p % DUPLICABLE.size());
      String json = new String(s.manifestJson(), StandardCharsets.UTF_8);
      int at = json.indexOf("\n  \"" + member + "\": ") + 1;
      String line = json.substring(at, json.indexOf('\n', at) + 1);
      json = json.substring(0, at) + line + json.substring(at);
      return src.pack(json.getBytes(StandardCharsets.UTF_8), s.ciphertext);
    }
  },
  /** {@code manifest.json} cut to {@code 1 + p % (length - 2)} bytes: never a whole JSON value. */
  MANIFEST_NOT_JSON("manifest-not-json", "manifest.json cut after 200 bytes", "malformed_manifest", 199) {
    @Override
    byte[] make(Source src, int p) throws GeneralSecurityException {
      Seal s = src.seal(src.plaintext());
      byte[] m = s.manifestJson();
      return src.pack(Arrays.copyOf(m, 1 + p % (m.length - 2)), s.ciphertext);
    }
  },
  /** {@code encryption.tag} (even {@code p}) or {@code encryption.encrypted_key} (odd) without its base64 padding. */
  MANIFEST_UNPADDED_BASE64("manifest-tag-unpadded-base64", "encryption.tag without its base64 padding", "malformed_manifest", 0) {
    @Override
    byte[] make(Source src, int p) throws GeneralSecurityException {
      Seal s = src.seal(src.plaintext());
      String field = p % 2 == 0 ? "tag" : "encrypted_key";
      s.object("encryption").put(field, ((String) s.object("encryption").get(field)).replace("=", ""));
      return src.pack(s);
    }
  },
  /** {@code encryption.iv} decodes to {@code L} zero bytes, {@code L = p % 32}, plus one from 12 on: never 12. */
  MANIFEST_IV_LENGTH("manifest-iv-16-bytes", "encryption.iv decodes to 16 bytes, not 12", "malformed_manifest", 15) {
    @Override
    byte[] make(Source src, int p) throws GeneralSecurityException {
      Seal s = src.seal(src.plaintext());
      int length = p % 32 < 12 ? p % 32 : p % 32 + 1;
      s.object("encryption").put("iv", Base64.getEncoder().encodeToString(new byte[length]));
      return src.pack(s);
    }
  },
  /**
   * {@code content.record_count} of the wrong JSON type, {@code p % 5}: the count as a string,
   * as {@code N.0}, {@code -1}, {@code true}, {@code null}.
   */
  MANIFEST_RECORD_COUNT_TYPE("manifest-record-count-string", "content.record_count is the string \"3\"", "malformed_manifest", 0) {
    @Override
    byte[] make(Source src, int p) throws GeneralSecurityException {
      Seal s = src.seal(src.plaintext());
      long n = Seal.count(src.plaintext(), (byte) '\n');
      Object[] values = {String.valueOf(n), (double) n, -1L, Boolean.TRUE, null};
      s.object("content").put("record_count", values[p % values.length]);
      return src.pack(s);
    }
  },
  /** One required manifest member removed, {@code p % 17} of {@link #REQUIRED_MEMBERS} in document order. */
  MANIFEST_MISSING_MEMBER("manifest-missing-checksum", "content.checksum is missing", "malformed_manifest", 16) {
    @Override
    byte[] make(Source src, int p) throws GeneralSecurityException {
      Seal s = src.seal(src.plaintext());
      String[] path = REQUIRED_MEMBERS.get(p % REQUIRED_MEMBERS.size()).split("\\.");
      Map<String, Object> parent = s.manifest;
      for (int i = 0; i < path.length - 1; i++) {
        parent = cast(parent.get(path[i]));
      }
      parent.remove(path[path.length - 1]);
      return src.pack(s);
    }
  },

  // ------------------------------------------------------------ malformed_archive: entries
  /** A second {@code manifest.json}, inserted at entry index {@code 2 - p % 3} (0: after the data). */
  DUPLICATE_MANIFEST("duplicate-manifest", "manifest.json twice", "malformed_archive", 0) {
    @Override
    byte[] make(Source src, int p) throws GeneralSecurityException {
      Seal s = src.seal(src.plaintext());
      return src.tgz(insert(standard(s), p, Entry.file("manifest.json", s.manifestJson())));
    }
  },
  /** A second {@code tokens.jsonl.enc}, inserted at entry index {@code 2 - p % 3}. */
  DUPLICATE_DATA_ENTRY("duplicate-data-entry", "tokens.jsonl.enc twice", "malformed_archive", 0) {
    @Override
    byte[] make(Source src, int p) throws GeneralSecurityException {
      Seal s = src.seal(src.plaintext());
      return src.tgz(insert(standard(s), p, Entry.file("tokens.jsonl.enc", s.ciphertext)));
    }
  },
  /** A {@code records.jsonl.enc} beside {@code tokens.jsonl.enc}, inserted at entry index {@code 2 - p % 3}. */
  BOTH_DATA_NAMES("both-data-names", "tokens.jsonl.enc and records.jsonl.enc: exactly one is allowed", "malformed_archive", 0) {
    @Override
    byte[] make(Source src, int p) throws GeneralSecurityException {
      Seal s = src.seal(src.plaintext());
      return src.tgz(insert(standard(s), p, Entry.file("records.jsonl.enc", s.ciphertext)));
    }
  },
  /** Only the data entry; no position. */
  MISSING_MANIFEST("missing-manifest", "only tokens.jsonl.enc", "malformed_archive", 0) {
    @Override
    byte[] make(Source src, int p) throws GeneralSecurityException {
      return src.tgz(List.of(Entry.file("tokens.jsonl.enc", src.seal(src.plaintext()).ciphertext)));
    }
  },
  /** Only {@code manifest.json}; no position. */
  MISSING_DATA_ENTRY("missing-data-entry", "only manifest.json", "malformed_archive", 0) {
    @Override
    byte[] make(Source src, int p) throws GeneralSecurityException {
      return src.tgz(List.of(Entry.file("manifest.json", src.seal(src.plaintext()).manifestJson())));
    }
  },
  /** A third regular file {@code README.txt}, inserted at entry index {@code 2 - p % 3}. */
  EXTRA_FILE("extra-file", "a third regular file README.txt", "malformed_archive", 0) {
    @Override
    byte[] make(Source src, int p) throws GeneralSecurityException {
      Seal s = src.seal(src.plaintext());
      return src.tgz(insert(standard(s), p, Entry.file("README.txt", "hello\n".getBytes(StandardCharsets.UTF_8))));
    }
  },
  /**
   * A {@code ..} segment in a name, {@code p % 4}: data {@code ../tokens.jsonl.enc}, manifest
   * {@code ../manifest.json}, data {@code x/../tokens.jsonl.enc}, manifest {@code ./../manifest.json}.
   */
  PATH_TRAVERSAL("path-traversal", "data entry named ../tokens.jsonl.enc", "malformed_archive", 0) {
    @Override
    byte[] make(Source src, int p) throws GeneralSecurityException {
      Seal s = src.seal(src.plaintext());
      String[] manifest = {"manifest.json", "../manifest.json", "manifest.json", "./../manifest.json"};
      String[] data = {"../tokens.jsonl.enc", "tokens.jsonl.enc", "x/../tokens.jsonl.enc", "tokens.jsonl.enc"};
      return src.tgz(List.of(Entry.file(manifest[p % 4], s.manifestJson()), Entry.file(data[p % 4], s.ciphertext)));
    }
  },
  /** An absolute name: data {@code /tokens.jsonl.enc} (even {@code p}) or manifest {@code /manifest.json} (odd). */
  ABSOLUTE_PATH("absolute-path", "data entry named /tokens.jsonl.enc", "malformed_archive", 0) {
    @Override
    byte[] make(Source src, int p) throws GeneralSecurityException {
      Seal s = src.seal(src.plaintext());
      boolean data = p % 2 == 0;
      return src.tgz(List.of(Entry.file(data ? "manifest.json" : "/manifest.json", s.manifestJson()),
          Entry.file(data ? "/tokens.jsonl.enc" : "tokens.jsonl.enc", s.ciphertext)));
    }
  },
  /** The data entry (even {@code p}) or the manifest (odd) is a symbolic link to {@code /etc/passwd}. */
  SYMLINK_ENTRY("symlink-entry", "tokens.jsonl.enc is a symbolic link", "malformed_archive", 0) {
    @Override
    byte[] make(Source src, int p) throws GeneralSecurityException {
      Seal s = src.seal(src.plaintext());
      boolean data = p % 2 == 0;
      Entry link = new Entry(data ? "tokens.jsonl.enc" : "manifest.json", '2', new byte[0]);
      link.linkName = "/etc/passwd";
      return src.tgz(data ? List.of(Entry.file("manifest.json", s.manifestJson()), link)
          : List.of(link, Entry.file("tokens.jsonl.enc", s.ciphertext)));
    }
  },
  /** A special entry after the two files, {@code p % 3}: character device, block device, FIFO. */
  DEVICE_ENTRY("device-entry", "a character device entry", "malformed_archive", 0) {
    @Override
    byte[] make(Source src, int p) throws GeneralSecurityException {
      List<Entry> e = standard(src.seal(src.plaintext()));
      e.add(new Entry("null", "346".charAt(p % 3), new byte[0]));
      return src.tgz(e);
    }
  },

  // ------------------------------------------------------------ limits and what surrounds the tar
  /** {@code manifest.json} over 1 MiB: an unknown member of {@code 2^20 + p % 1024} characters. */
  OVERSIZE_MANIFEST("oversize-manifest", "manifest.json over 1 MiB (an unknown member of 1 MiB)", "limit_exceeded", 0) {
    @Override
    byte[] make(Source src, int p) throws GeneralSecurityException {
      Seal s = src.seal(src.plaintext());
      s.manifest.put("x_padding", "x".repeat((1 << 20) + p % 1024));
      return src.pack(s);
    }
  },
  /** The data entry declares {@code 2^36 - 31 + p % 64} bytes (PAX size), over GCM's 2^36 - 32; the content is cut short. */
  OVERSIZE_DATA_ENTRY("oversize-data-entry",
      "data entry declares 2^36 bytes (PAX size), over GCM's 2^36-32; the content is cut short", "limit_exceeded", 31) {
    @Override
    byte[] make(Source src, int p) throws GeneralSecurityException {
      Seal s = src.seal(src.plaintext());
      long size = (1L << 36) - 31 + p % 64;
      Entry huge = Entry.file("tokens.jsonl.enc", s.ciphertext).pax("size", String.valueOf(size));
      huge.declaredSize = size;
      return src.tgz(List.of(Entry.file("manifest.json", s.manifestJson()), huge));
    }
  },
  /** {@code 2^20 + 1 + p % 1024} zero bytes after the tar's end (which ArchiveBytes pads to 10240 bytes). */
  TRAILING_DATA("trailing-data", "1 MiB + 1 byte after the end of the tar", "malformed_archive", 0) {
    @Override
    byte[] make(Source src, int p) throws GeneralSecurityException {
      Seal s = src.seal(src.plaintext());
      return ArchiveBytes.gzip(ArchiveBytes.tar(standard(s), src.mtime(), new byte[(1 << 20) + 1 + p % 1024]), null, 0);
    }
  },
  /** A file of 0 bytes; no position. */
  EMPTY_FILE("empty-file", "a file of 0 bytes", "malformed_archive", 0) {
    @Override
    byte[] make(Source src, int p) {
      return new byte[0];
    }
  },
  /** A valid tar without gzip; no position. */
  NOT_GZIP("not-gzip", "a valid tar without gzip", "malformed_archive", 0) {
    @Override
    byte[] make(Source src, int p) throws GeneralSecurityException {
      return ArchiveBytes.tar(standard(src.seal(src.plaintext())), src.mtime(), new byte[0]);
    }
  },

  // ------------------------------------------------------------ malformed_record, sealed correctly
  /** Byte {@code p % length} of the plaintext replaced by 0xff; needs content. */
  NON_UTF8_BYTE("non-utf8-line", "byte 0xff inside line 1", "malformed_record", 72) {
    @Override
    byte[] content(byte[] text, int p) {
      return overwrite(text, p, (byte) 0xff);
    }
  },
  /** The overlong UTF-8 sequence {@code c1 a5} written at byte {@code p % (length - 1)}; needs 2 bytes. */
  OVERLONG_UTF8("overlong-utf8", "overlong UTF-8 sequence c1 a5 inside line 1", "malformed_record", 72) {
    @Override
    byte[] content(byte[] text, int p) {
      return overwrite(text, p, (byte) 0xc1, (byte) 0xa5);
    }
  },
  /** The UTF-8-encoded surrogate {@code ed a0 80} written at byte {@code p % (length - 2)}; needs 3 bytes. */
  UTF8_SURROGATE("utf8-surrogate", "UTF-8-encoded surrogate ed a0 80 inside line 1", "malformed_record", 72) {
    @Override
    byte[] content(byte[] text, int p) {
      return overwrite(text, p, (byte) 0xed, (byte) 0xa0, (byte) 0x80);
    }
  },
  /** Line {@code p % lines} ends in {@code \r\n}. */
  CRLF_LINE_END("crlf-line-end", "line 1 ends in \\r\\n", "malformed_record", 0) {
    @Override
    byte[] content(byte[] text, int p) {
      int[] starts = lineStarts(text);
      int end = starts[p % (starts.length - 1) + 1] - 1;
      return splice(text, end, end, new byte[] {'\r'});
    }
  },
  /** An empty line before line {@code p % (lines + 1)} (after the last line when equal to lines). */
  EMPTY_LINE("empty-line", "an empty line between records", "malformed_record", 1) {
    @Override
    byte[] content(byte[] text, int p) {
      int[] starts = lineStarts(text);
      int at = starts[p % starts.length];
      return splice(text, at, at, new byte[] {'\n'});
    }

    @Override
    public boolean appliesTo(byte[] plaintext) {
      return true;
    }
  },
  /** The last line without its {@code \n}; no position. */
  MISSING_FINAL_NEWLINE("missing-final-newline", "the last line does not end in \\n", "malformed_record", 0) {
    @Override
    byte[] content(byte[] text, int p) {
      return Arrays.copyOf(text, text.length - 1);
    }
  },
  /** Line {@code p % lines} replaced by {@code {"id": "broken",}: framed, but not JSON. */
  INVALID_JSON_LINE("invalid-json-line", "line 2 is framed correctly but is not JSON", "malformed_record", 1) {
    @Override
    byte[] content(byte[] text, int p) {
      int[] starts = lineStarts(text);
      int line = p % (starts.length - 1);
      return splice(text, starts[line], starts[line + 1] - 1, "{\"id\": \"broken\",".getBytes(StandardCharsets.UTF_8));
    }
  },
  /** In the first record from line {@code p % lines} on, {@code expiry_month} is 13; needs a writer-made record. */
  INVALID_RECORD_EXPIRY_MONTH("invalid-record-expiry-month", "line 1 is JSON but expiry_month is 13", "malformed_record", 0) {
    @Override
    byte[] content(byte[] text, int p) {
      return replaceInLine(text, p, EXPIRY_MONTH, "\"expiry_month\":13");
    }

    @Override
    public boolean appliesTo(byte[] plaintext) {
      return EXPIRY_MONTH.matcher(new String(plaintext, StandardCharsets.UTF_8)).find();
    }
  },
  /** In the first record from line {@code p % lines} on, the account number's first four digits are {@code ABCD}. */
  INVALID_RECORD_PAN_LETTERS("invalid-record-pan-letters", "line 1 has letters in account_number", "malformed_record", 0) {
    @Override
    byte[] content(byte[] text, int p) {
      return replaceInLine(text, p, PAN_START, "\"account_number\":\"ABCD");
    }

    @Override
    public boolean appliesTo(byte[] plaintext) {
      return PAN_START.matcher(new String(plaintext, StandardCharsets.UTF_8)).find();
    }
  };

  private static final List<String> OTHER_ALGORITHMS =
      List.of("RSA-OAEP", "RSA1_5", "RSA-OAEP-384", "RSA-OAEP-512", "rsa-oaep-256", "RSA-OAEP-256 ", "A256KW", "dir");
  private static final List<String> DUPLICABLE = List.of("version", "export_id", "created_at", "guardian_instance");
  /** The manifest's required members, dotted paths in document order. */
  static final List<String> REQUIRED_MEMBERS =
      List.of("version", "export_id", "created_at", "guardian_instance", "encryption", "encryption.algorithm",
          "encryption.recipient", "encryption.recipient.subject", "encryption.recipient.issuer",
          "encryption.recipient.serial", "encryption.recipient.fingerprint", "encryption.encrypted_key",
          "encryption.iv", "encryption.tag", "content", "content.record_count", "content.checksum");
  private static final Pattern EXPIRY_MONTH = Pattern.compile("\"expiry_month\":\\d+");
  private static final Pattern PAN_START = Pattern.compile("\"account_number\":\"\\d{4}");

  private final String goldenVector;
  private final String description;
  private final String reason;
  private final int goldenPosition;

  Tampering(String goldenVector, String description, String reason, int goldenPosition) {
    this.goldenVector = goldenVector;
    this.description = description;
    this.reason = reason;
    this.goldenPosition = goldenPosition;
  }

  /** The reason code a conforming reader reports, for example {@code tampered_content}. */
  public String reason() {
    return reason;
  }

  /** The id of the golden vector that is this kind at {@link #goldenPosition()}, for example {@code tampered-tag}. */
  public String goldenVector() {
    return goldenVector;
  }

  /** What the golden vector holds. */
  public String description() {
    return description;
  }

  /** The position at which {@link #apply} makes the golden vector's defect. */
  public int goldenPosition() {
    return goldenPosition;
  }

  /**
   * Whether this kind can be applied to {@code plaintext}: a ciphertext bit needs content, a line
   * defect a line, a record defect a record as the reference writer writes it.
   *
   * @param plaintext valid JSON Lines
   * @return true if {@link #apply} accepts it
   */
  public boolean appliesTo(byte[] plaintext) {
    return isContentDefect() ? plaintext.length >= 3 : true;
  }

  /**
   * Makes an archive of {@code plaintext} with this defect at {@code position}, sealed to the golden
   * recipient certificate.
   *
   * @param plaintext valid JSON Lines (empty, or lines each ending in {@code \n})
   * @param position any non-negative number; reduced to the kind's range
   * @return an invalid vector: the archive, the golden recipient key, and {@link #reason()}
   * @throws IllegalArgumentException if {@code position} is negative or {@link #appliesTo} is false
   */
  public Vector apply(byte[] plaintext, int position) {
    if (position < 0) {
      throw new IllegalArgumentException("position must not be negative");
    }
    if (!appliesTo(plaintext)) {
      throw new IllegalArgumentException(name() + " does not apply to this plaintext (see appliesTo)");
    }
    // the content's digest in the label: no two contents share a data key and IV (test keys or not)
    String label = "tampering/" + name() + "/" + position + "/" + GoldenKeys.digest(plaintext);
    byte[] archive;
    try {
      archive = make(Source.generated(label, plaintext.clone()), position);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK lacks AES-GCM or RSA-OAEP", e);
    }
    return Vector.generated(name() + "@" + position, description + " (generated at position " + position + ")",
        archive, reason, null);
  }

  boolean isContentDefect() {
    return ordinal() >= NON_UTF8_BYTE.ordinal() || this == CIPHERTEXT_BIT;
  }

  /** The archive with this defect; content defects override {@link #content} instead. */
  byte[] make(Source src, int p) throws GeneralSecurityException {
    return src.pack(src.seal(content(src.plaintext(), p)));
  }

  /** For the content defects: the changed plaintext, sealed correctly by {@link #make}. */
  byte[] content(byte[] text, int p) {
    throw new AssertionError(name());
  }

  // ------------------------------------------------------------ helpers

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Object o) {
    return (Map<String, Object>) o;
  }

  private static List<Entry> standard(Seal s) {
    return ArchiveBytes.standard(s.manifestJson(), "tokens.jsonl.enc", s.ciphertext);
  }

  private static List<Entry> insert(List<Entry> entries, int p, Entry extra) {
    List<Entry> e = new ArrayList<>(entries);
    e.add(e.size() - p % (e.size() + 1), extra);
    return e;
  }

  private static byte[] overwrite(byte[] text, int p, byte... with) {
    byte[] b = text.clone();
    int at = p % (b.length - with.length + 1);
    System.arraycopy(with, 0, b, at, with.length);
    return b;
  }

  private static byte[] splice(byte[] text, int from, int to, byte[] with) {
    byte[] b = new byte[text.length - (to - from) + with.length];
    System.arraycopy(text, 0, b, 0, from);
    System.arraycopy(with, 0, b, from, with.length);
    System.arraycopy(text, to, b, from + with.length, text.length - to);
    return b;
  }

  /** Offsets of each line's first byte, then the length: {@code lines + 1} values. */
  private static int[] lineStarts(byte[] text) {
    int[] starts = new int[Seal.count(text, (byte) '\n') + 1];
    for (int i = 0, n = 1; i < text.length; i++) {
      if (text[i] == '\n') {
        starts[n++] = i + 1;
      }
    }
    return starts;
  }

  /** Replaces the first match of {@code pattern} in the first line from {@code p % lines} on (cyclically) that has one. */
  private static byte[] replaceInLine(byte[] text, int p, Pattern pattern, String replacement) {
    int[] starts = lineStarts(text);
    int lines = starts.length - 1;
    for (int k = 0; k < lines; k++) {
      int line = (p + k) % lines;
      String s = new String(text, starts[line], starts[line + 1] - starts[line], StandardCharsets.UTF_8);
      Matcher m = pattern.matcher(s);
      if (m.find()) {
        byte[] changed = (s.substring(0, m.start()) + replacement + s.substring(m.end())).getBytes(StandardCharsets.UTF_8);
        return splice(text, starts[line], starts[line + 1], changed);
      }
    }
    throw new IllegalArgumentException("no line matches " + pattern);
  }

  /**
   * What a kind is applied to: the plaintext, sealing to the recipient or the other certificate,
   * an intact archive to cut. The golden generator supplies its pinned labels and writer archive.
   */
  abstract static class Source {
    abstract byte[] plaintext();

    abstract Seal seal(byte[] content) throws GeneralSecurityException;

    abstract Seal sealToOther(byte[] content) throws GeneralSecurityException;

    /** An intact archive of {@link #plaintext()}. */
    abstract byte[] validArchive() throws GeneralSecurityException;

    long mtime() {
      return GoldenSet.CREATED_AT.getEpochSecond();
    }

    byte[] tgz(List<Entry> entries) {
      return ArchiveBytes.tgz(entries, mtime());
    }

    byte[] pack(Seal s) {
      return ArchiveBytes.pack(s, mtime());
    }

    byte[] pack(byte[] manifest, byte[] ciphertext) {
      return tgz(ArchiveBytes.standard(manifest, "tokens.jsonl.enc", ciphertext));
    }

    /** A source sealing with {@code DeterministicRandom.fromLabel(label)} to the golden keys. */
    static Source generated(String label, byte[] plaintext) {
      return new Source() {
        @Override
        byte[] plaintext() {
          return plaintext;
        }

        @Override
        Seal seal(byte[] content) throws GeneralSecurityException {
          return GoldenKeys.seal(label, content, GoldenKeys.recipientCertificate());
        }

        @Override
        Seal sealToOther(byte[] content) throws GeneralSecurityException {
          return GoldenKeys.seal(label, content, GoldenKeys.otherCertificate());
        }

        @Override
        byte[] validArchive() throws GeneralSecurityException {
          return pack(seal(plaintext));
        }
      };
    }
  }
}
