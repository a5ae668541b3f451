package io.hellgate.export.testkit.golden;

import io.hellgate.export.testkit.golden.ArchiveBytes.Entry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes the golden archives and conformance vectors of format v1.0 into a directory: archives in
 * {@code archives/}, expected plaintext in {@code plaintext/}, the index {@code vectors.json}. The
 * test keys in {@code keys/} are inputs (made once with openssl and committed). Output is
 * deterministic: every random byte comes from a {@link DeterministicRandom} labelled with the case.
 *
 * <p>Run from the repository root with {@code export-format-testkit/generate-golden.sh}, which
 * builds the module and calls this class with {@code export-format-testkit/src/main/resources/golden}.
 * The writer-made goldens come from {@code ExportWriter}; every other case is sealed and packed by
 * this generator's own code ({@code Seal}, {@code ArchiveBytes}), so it can hold defects the
 * writer refuses to produce, each with a correct tag and checksum unless the defect is the tag or
 * checksum. Test keys only; never reuse them.
 *
 * <pre>{@code
 * GoldenGenerator.generate(Path.of("export-format-testkit/src/main/resources/golden"));
 * }</pre>
 */
public final class GoldenGenerator {
  private static final String CUT = "ExportWriter, then cut";
  private final Path dir;
  private final X509Certificate recipient;
  private final X509Certificate other;
  private final List<Map<String, Object>> index = new ArrayList<>();

  private GoldenGenerator(Path dir) throws IOException {
    this.dir = dir;
    this.recipient = Pem.certificate(Files.readAllBytes(dir.resolve("keys/recipient-cert.pem")));
    this.other = Pem.certificate(Files.readAllBytes(dir.resolve("keys/other-cert.pem")));
  }

  /**
   * Entry point.
   *
   * @param args one argument: the golden directory (holding {@code keys/})
   * @throws Exception if generation fails
   */
  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: GoldenGenerator <golden directory with keys/>");
      System.exit(2);
    }
    int n = generate(Path.of(args[0]));
    System.out.println("wrote " + n + " vectors to " + args[0]);
  }

  /**
   * Replaces {@code archives/}, {@code plaintext/} and {@code vectors.json} under {@code dir}.
   *
   * @param dir the golden directory; must hold {@code keys/recipient-cert.pem} and {@code keys/other-cert.pem}
   * @return the number of vectors written
   * @throws IOException if writing fails
   * @throws GeneralSecurityException if the JDK lacks AES-GCM or RSA-OAEP
   */
  public static int generate(Path dir) throws IOException, GeneralSecurityException {
    GoldenGenerator g = new GoldenGenerator(dir);
    for (String sub : List.of("archives", "plaintext")) {
      Path p = dir.resolve(sub);
      if (Files.isDirectory(p)) {
        try (Stream<Path> files = Files.list(p)) {
          for (Path f : (Iterable<Path>) files::iterator) {
            Files.delete(f);
          }
        }
      }
      Files.createDirectories(p);
    }
    g.writerMade();
    g.readerVariants();
    g.invalid();
    g.formatOneOne();
    Files.write(dir.resolve("vectors.json"), g.indexJson());
    return g.index.size();
  }

  // ---------------------------------------------------------------- valid, writer-made

  private void writerMade() throws IOException {
    Map<String, String> what =
        Map.of(
            "valid-small", "3 records as the writer makes them (stored deflate, ustar, manifest first)",
            "valid-large", GoldenSet.LARGE_RECORDS + " records: many GCM counter blocks, stored blocks and reader chunks",
            "valid-unicode", "non-ASCII in names, metadata keys and values, JSON escapes, explicit nulls",
            "valid-empty", "an export of 0 records: empty ciphertext, tag over nothing");
    for (String name : GoldenSet.WRITER_MADE) {
      byte[] archive = GoldenSet.writerArchive(name, recipient);
      valid(name, what.get(name), "ExportWriter", archive, plaintextOf(name));
    }
  }

  private static byte[] plaintextOf(String name) {
    StringBuilder sb = new StringBuilder();
    switch (name) {
      case "valid-small":
      case "valid-large":
        int n = name.equals("valid-small") ? 3 : GoldenSet.LARGE_RECORDS;
        for (int i = 0; i < n; i++) {
          sb.append(canonical(i)).append('\n');
        }
        break;
      case "valid-unicode":
        GoldenSet.UNICODE_LINES.forEach(l -> sb.append(l).append('\n'));
        break;
      default:
        break;
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The expected line of record i, written out by hand from the format's record rules. */
  private static String canonical(int i) {
    var r = GoldenSet.record(i);
    var c = r.card();
    StringBuilder sb = new StringBuilder("{\"id\":\"").append(r.id()).append("\",\"card\":{");
    c.cardholderName().ifPresent(h -> sb.append("\"cardholder_name\":\"").append(h).append("\","));
    sb.append("\"expiry_month\":").append(c.expiryMonth())
        .append(",\"expiry_year\":").append(c.expiryYear())
        .append(",\"account_number\":\"").append(c.accountNumber()).append('"');
    c.scheme().ifPresent(s -> sb.append(",\"scheme\":\"").append(s).append('"'));
    sb.append("},\"created_at\":\"").append(r.createdAt()).append('"');
    r.expiresAt().ifPresent(e -> sb.append(",\"expires_at\":\"").append(e).append('"'));
    if (r.hasMetadata()) {
      sb.append(",\"metadata\":{");
      String sep = "";
      for (var e : r.metadata().entrySet()) {
        sb.append(sep).append('"').append(e.getKey()).append("\":\"").append(e.getValue()).append('"');
        sep = ",";
      }
      sb.append('}');
    }
    return sb.append('}').toString();
  }

  // ---------------------------------------------------------------- valid, reader-side variants

  private Seal seal(String id, byte[] plaintext, X509Certificate to) throws GeneralSecurityException {
    return Seal.of(
        plaintext, to, DeterministicRandom.fromLabel("vector/" + id), GoldenSet.exportId(id), GoldenSet.CREATED_AT, GoldenSet.GUARDIAN);
  }

  private static long mtime() {
    return GoldenSet.CREATED_AT.getEpochSecond();
  }

  private static byte[] tgz(List<Entry> entries) {
    return ArchiveBytes.gzip(ArchiveBytes.tar(entries, mtime(), new byte[0]), null, 0);
  }

  private void readerVariants() throws GeneralSecurityException {
    byte[] text = plaintextOf("valid-small");
    String id = "valid-records-entry-name";
    Seal s = seal(id, text, recipient);
    valid(id, "data entry named records.jsonl.enc, as in the seed's prose", "generator",
        tgz(ArchiveBytes.standard(s.manifestJson(), "records.jsonl.enc", s.ciphertext)), text);

    id = "valid-dot-slash-and-directories";
    s = seal(id, text, recipient);
    valid(id, "a ./ directory entry and ./ prefixes on both files", "generator",
        tgz(List.of(Entry.directory("./"), Entry.file("./manifest.json", s.manifestJson()),
            Entry.file("./tokens.jsonl.enc", s.ciphertext))), text);

    id = "valid-pax-headers";
    s = seal(id, text, recipient);
    valid(id, "PAX extended headers (path, fractional mtime, size) before each entry", "generator",
        tgz(List.of(
            Entry.file("manifest.json", s.manifestJson()).pax("path", "manifest.json").pax("mtime", mtime() + ".25"),
            Entry.file("tokens.jsonl.enc", s.ciphertext).pax("size", String.valueOf(s.ciphertext.length))
                .pax("path", "tokens.jsonl.enc"))), text);

    id = "valid-gnu-headers";
    s = seal(id, text, recipient);
    Entry gnuData = Entry.file("tokens.jsonl.enc", s.ciphertext).dialect(ArchiveBytes.Dialect.GNU);
    gnuData.gnuLongName = true;
    valid(id, "GNU tar headers (magic 'ustar  '), the data entry's name in a ././@LongLink entry", "generator",
        tgz(List.of(Entry.file("manifest.json", s.manifestJson()).dialect(ArchiveBytes.Dialect.GNU), gnuData)), text);

    id = "valid-manifest-after-data";
    s = seal(id, text, recipient);
    List<Entry> reversed = new ArrayList<>(ArchiveBytes.standard(s.manifestJson(), "tokens.jsonl.enc", s.ciphertext));
    java.util.Collections.reverse(reversed);
    valid(id, "tokens.jsonl.enc before manifest.json", "generator", tgz(reversed), text);

    id = "valid-tar-czf-style";
    s = seal(id, text, recipient);
    byte[] tar = ArchiveBytes.tar(ArchiveBytes.standard(s.manifestJson(), "tokens.jsonl.enc", s.ciphertext), mtime(), new byte[0]);
    valid(id, "gzip as tar czf makes it: compressed deflate blocks, FNAME, MTIME, OS 3", "generator",
        ArchiveBytes.gzip(tar, "export.tar", mtime()), text);

    id = "valid-unknown-record-members";
    byte[] unknown = String.join("\n", GoldenSet.UNKNOWN_MEMBER_LINES).concat("\n").getBytes(StandardCharsets.UTF_8);
    valid(id, "records with members the format does not define (top level and card): kept, not rejected",
        "generator", pack(seal(id, unknown, recipient)), unknown);

    id = "valid-version-1-7";
    s = seal(id, text, recipient);
    s.manifest.put("version", "1.7");
    valid(id, "a later minor version (1.7) is read as 1.x", "generator", pack(s), text);

    id = "valid-unknown-manifest-fields";
    s = seal(id, text, recipient);
    s.manifest.put("x_future", Map.of("nested", "object"));
    s.object("encryption").put("x_hint", "ignored");
    s.object("content").put("compression", "none");
    valid(id, "unknown manifest members at three levels are ignored", "generator", pack(s), text);
  }

  private static byte[] pack(Seal s) {
    return tgz(ArchiveBytes.standard(s.manifestJson(), "tokens.jsonl.enc", s.ciphertext));
  }

  // ---------------------------------------------------------------- invalid

  private void invalid() throws IOException, GeneralSecurityException {
    byte[] text = plaintextOf("valid-small");
    Seal s = seal("tampered-ciphertext", text, recipient);
    s.ciphertext[10] ^= 1;
    invalid("tampered-ciphertext", "one ciphertext bit flipped", "tampered_content", pack(s));

    s = seal("tampered-tag", text, recipient);
    s.flipBase64("tag");
    invalid("tampered-tag", "one bit of encryption.tag flipped", "tampered_content", pack(s));

    s = seal("tampered-iv", text, recipient);
    s.flipBase64("iv");
    invalid("tampered-iv", "one bit of encryption.iv flipped", "tampered_content", pack(s));

    s = seal("tampered-encrypted-key", text, recipient);
    s.flipBase64("encrypted_key");
    invalid("tampered-encrypted-key", "one bit of encryption.encrypted_key flipped: OAEP decoding fails", "wrong_key", pack(s));

    s = seal("wrong-key", text, other);
    invalid("wrong-key", "encrypted to the 'other' certificate, read with the recipient key", "wrong_key", pack(s));

    byte[] small = GoldenSet.writerArchive("valid-small", recipient);
    invalid("truncated-archive", "valid-small cut in the middle of the data entry", "malformed_archive", CUT,
        Arrays.copyOf(small, 1600));
    invalid("truncated-gzip-trailer", "valid-small without the last 4 bytes (ISIZE)", "malformed_archive", CUT,
        Arrays.copyOf(small, small.length - 4));
    byte[] badCrc = small.clone();
    badCrc[badCrc.length - 8] ^= 1;
    invalid("gzip-crc-mismatch", "valid-small with a wrong gzip CRC32", "malformed_archive", CUT, badCrc);

    s = seal("wrong-record-count", text, recipient);
    s.object("content").put("record_count", 4L);
    invalid("wrong-record-count", "content.record_count is 4, the content has 3 lines", "record_count_mismatch", pack(s));

    s = seal("wrong-checksum", text, recipient);
    s.object("content").put("checksum", "sha256:" + Seal.hex(Seal.sha256("other".getBytes(StandardCharsets.UTF_8))));
    invalid("wrong-checksum", "content.checksum of other bytes", "checksum_mismatch", pack(s));

    s = seal("version-2-0", text, recipient);
    s.manifest.put("version", "2.0");
    invalid("version-2-0", "version 2.0: unknown major version", "unsupported_version", pack(s));

    s = seal("unknown-algorithm", text, recipient);
    s.object("encryption").put("algorithm", "RSA-OAEP");
    invalid("unknown-algorithm", "encryption.algorithm RSA-OAEP (SHA-1) instead of RSA-OAEP-256", "unsupported_algorithm", pack(s));

    s = seal("manifest-duplicate-key", text, recipient);
    String json = new String(s.manifestJson(), StandardCharsets.UTF_8)
        .replace("  \"export_id\"", "  \"version\": \"1.0\",\n  \"export_id\"");
    invalid("manifest-duplicate-key", "manifest.json has \"version\" twice", "malformed_manifest",
        tgz(ArchiveBytes.standard(json.getBytes(StandardCharsets.UTF_8), "tokens.jsonl.enc", s.ciphertext)));

    s = seal("manifest-not-json", text, recipient);
    byte[] cut = Arrays.copyOf(s.manifestJson(), 200);
    invalid("manifest-not-json", "manifest.json cut after 200 bytes", "malformed_manifest",
        tgz(ArchiveBytes.standard(cut, "tokens.jsonl.enc", s.ciphertext)));

    s = seal("manifest-tag-unpadded-base64", text, recipient);
    String tag = (String) s.object("encryption").get("tag");
    s.object("encryption").put("tag", tag.replace("=", ""));
    invalid("manifest-tag-unpadded-base64", "encryption.tag without its base64 padding", "malformed_manifest", pack(s));

    s = seal("manifest-iv-16-bytes", text, recipient);
    s.object("encryption").put("iv", "AAAAAAAAAAAAAAAAAAAAAA==");
    invalid("manifest-iv-16-bytes", "encryption.iv decodes to 16 bytes, not 12", "malformed_manifest", pack(s));

    s = seal("manifest-record-count-string", text, recipient);
    s.object("content").put("record_count", "3");
    invalid("manifest-record-count-string", "content.record_count is the string \"3\"", "malformed_manifest", pack(s));

    s = seal("manifest-missing-checksum", text, recipient);
    s.object("content").remove("checksum");
    invalid("manifest-missing-checksum", "content.checksum is missing", "malformed_manifest", pack(s));

    archiveStructure(text);
    framing();
  }

  private void archiveStructure(byte[] text) throws GeneralSecurityException {
    String id = "duplicate-manifest";
    Seal s = seal(id, text, recipient);
    List<Entry> e = new ArrayList<>(ArchiveBytes.standard(s.manifestJson(), "tokens.jsonl.enc", s.ciphertext));
    e.add(Entry.file("manifest.json", s.manifestJson()));
    invalid(id, "manifest.json twice", "malformed_archive", tgz(e));

    id = "duplicate-data-entry";
    s = seal(id, text, recipient);
    e = new ArrayList<>(ArchiveBytes.standard(s.manifestJson(), "tokens.jsonl.enc", s.ciphertext));
    e.add(Entry.file("tokens.jsonl.enc", s.ciphertext));
    invalid(id, "tokens.jsonl.enc twice", "malformed_archive", tgz(e));

    id = "both-data-names";
    s = seal(id, text, recipient);
    e = new ArrayList<>(ArchiveBytes.standard(s.manifestJson(), "tokens.jsonl.enc", s.ciphertext));
    e.add(Entry.file("records.jsonl.enc", s.ciphertext));
    invalid(id, "tokens.jsonl.enc and records.jsonl.enc: exactly one is allowed", "malformed_archive", tgz(e));

    id = "missing-manifest";
    s = seal(id, text, recipient);
    invalid(id, "only tokens.jsonl.enc", "malformed_archive", tgz(List.of(Entry.file("tokens.jsonl.enc", s.ciphertext))));

    id = "missing-data-entry";
    s = seal(id, text, recipient);
    invalid(id, "only manifest.json", "malformed_archive", tgz(List.of(Entry.file("manifest.json", s.manifestJson()))));

    id = "extra-file";
    s = seal(id, text, recipient);
    e = new ArrayList<>(ArchiveBytes.standard(s.manifestJson(), "tokens.jsonl.enc", s.ciphertext));
    e.add(Entry.file("README.txt", "hello\n".getBytes(StandardCharsets.UTF_8)));
    invalid(id, "a third regular file README.txt", "malformed_archive", tgz(e));

    id = "path-traversal";
    s = seal(id, text, recipient);
    invalid(id, "data entry named ../tokens.jsonl.enc", "malformed_archive",
        tgz(ArchiveBytes.standard(s.manifestJson(), "../tokens.jsonl.enc", s.ciphertext)));

    id = "absolute-path";
    s = seal(id, text, recipient);
    invalid(id, "data entry named /tokens.jsonl.enc", "malformed_archive",
        tgz(ArchiveBytes.standard(s.manifestJson(), "/tokens.jsonl.enc", s.ciphertext)));

    id = "symlink-entry";
    s = seal(id, text, recipient);
    Entry link = new Entry("tokens.jsonl.enc", '2', new byte[0]);
    link.linkName = "/etc/passwd";
    invalid(id, "tokens.jsonl.enc is a symbolic link", "malformed_archive",
        tgz(List.of(Entry.file("manifest.json", s.manifestJson()), link)));

    id = "device-entry";
    s = seal(id, text, recipient);
    e = new ArrayList<>(ArchiveBytes.standard(s.manifestJson(), "tokens.jsonl.enc", s.ciphertext));
    e.add(new Entry("null", '3', new byte[0]));
    invalid(id, "a character device entry", "malformed_archive", tgz(e));

    id = "oversize-manifest";
    s = seal(id, text, recipient);
    s.manifest.put("x_padding", "x".repeat(1 << 20));
    invalid(id, "manifest.json over 1 MiB (an unknown member of 1 MiB)", "limit_exceeded", pack(s));

    id = "oversize-data-entry";
    s = seal(id, text, recipient);
    Entry huge = Entry.file("tokens.jsonl.enc", s.ciphertext).pax("size", String.valueOf(1L << 36));
    huge.declaredSize = 1L << 36;
    invalid(id, "data entry declares 2^36 bytes (PAX size), over GCM's 2^36-32; the content is cut short",
        "limit_exceeded", tgz(List.of(Entry.file("manifest.json", s.manifestJson()), huge)));

    id = "trailing-data";
    s = seal(id, text, recipient);
    invalid(id, "1 MiB + 1 byte after the end of the tar", "malformed_archive", ArchiveBytes.gzip(
        ArchiveBytes.tar(ArchiveBytes.standard(s.manifestJson(), "tokens.jsonl.enc", s.ciphertext), mtime(),
            new byte[(1 << 20) + 1]), null, 0));

    invalid("empty-file", "a file of 0 bytes", "malformed_archive", new byte[0]);

    id = "not-gzip";
    s = seal(id, text, recipient);
    invalid(id, "a valid tar without gzip", "malformed_archive",
        ArchiveBytes.tar(ArchiveBytes.standard(s.manifestJson(), "tokens.jsonl.enc", s.ciphertext), mtime(), new byte[0]));
  }

  /** Content that decrypts, authenticates and matches checksum and count, but breaks JSON Lines. */
  private void framing() throws GeneralSecurityException {
    String good = new String(plaintextOf("valid-small"), StandardCharsets.UTF_8);
    String first = good.substring(0, good.indexOf('\n') + 1);
    String second = good.substring(first.length());
    byte[] nonUtf8 = (first + second).getBytes(StandardCharsets.UTF_8);
    int at = first.indexOf("Test Holder");
    nonUtf8[at] = (byte) 0xff;
    sealed("non-utf8-line", "byte 0xff inside line 1", nonUtf8);
    byte[] overlong = (first + second).getBytes(StandardCharsets.UTF_8);
    overlong[at] = (byte) 0xc1;
    overlong[at + 1] = (byte) 0xa5;
    sealed("overlong-utf8", "overlong UTF-8 sequence c1 a5 inside line 1", overlong);
    byte[] surrogate = (first + second).getBytes(StandardCharsets.UTF_8);
    surrogate[at] = (byte) 0xed;
    surrogate[at + 1] = (byte) 0xa0;
    surrogate[at + 2] = (byte) 0x80;
    sealed("utf8-surrogate", "UTF-8-encoded surrogate ed a0 80 inside line 1", surrogate);
    sealed("crlf-line-end", "line 1 ends in \\r\\n", (first.replace("\n", "\r\n") + second).getBytes(StandardCharsets.UTF_8));
    sealed("empty-line", "an empty line between records", (first + "\n" + second).getBytes(StandardCharsets.UTF_8));
    sealed("missing-final-newline", "the last line does not end in \\n",
        good.substring(0, good.length() - 1).getBytes(StandardCharsets.UTF_8));
    sealed("invalid-json-line", "line 2 is framed correctly but is not JSON",
        (first + "{\"id\": \"broken\",\n" + second.substring(second.indexOf('\n') + 1)).getBytes(StandardCharsets.UTF_8));
    sealed("invalid-record-expiry-month", "line 1 is JSON but expiry_month is 13",
        (first.replaceFirst("\"expiry_month\":\\d+", "\"expiry_month\":13") + second).getBytes(StandardCharsets.UTF_8));
    sealed("invalid-record-pan-letters", "line 1 has letters in account_number",
        (first.replaceFirst("\"account_number\":\"4111", "\"account_number\":\"ABCD") + second).getBytes(StandardCharsets.UTF_8));
  }

  private void sealed(String id, String description, byte[] content) throws GeneralSecurityException {
    Seal s = seal(id, content, recipient);
    invalid(id, description + "; tag, checksum and count are correct", "malformed_record", pack(s));
  }

  // ---------------------------------------------------------------- format 1.1

  /**
   * Format 1.1 (docs/format.md section 13): read with signer trust {@code keys/signer-root-cert.pem}
   * and the scope check. Every one decrypts with a 1.0 reader, which ignores the new members
   * ({@code result_1_0}).
   */
  private void formatOneOne() throws IOException, GeneralSecurityException {
    FormatOneOneVectors f = new FormatOneOneVectors(dir, recipient);
    byte[] plaintext = plaintextOf("valid-small");
    byte[] valid = f.write("v11-signed", f.signer("signer", "v11-signed"));
    valid11("v11-signed", "1.1: a request (ID and scope) and an ECDSA P-256 CMS signature by a trusted signer; all records in scope",
        valid, plaintext);
    invalid11("v11-untrusted-signer", "1.1: a valid signature by a signer that does not chain to the signer trust anchor",
        "signature_invalid", f.write("v11-untrusted-signer", f.signer("untrusted-signer", "v11-untrusted-signer")), plaintext);
    String m = FormatOneOneVectors.manifest(valid);
    invalid11("v11-changed-member", "1.1: guardian_instance changed after signing",
        "signature_invalid", FormatOneOneVectors.withManifest(valid,
            FormatOneOneVectors.replaceOnce(m, GoldenSet.GUARDIAN, "evil-cluster.on-hellgate.cloud")), plaintext);
    invalid11("v11-scope-changed", "1.1: request.scope.created_until changed after signing",
        "signature_invalid", FormatOneOneVectors.withManifest(valid,
            FormatOneOneVectors.replaceOnce(m, FormatOneOneVectors.UNTIL.toString(), "2099-01-01T00:00:00Z")), plaintext);
    byte[] unsigned = f.write("v11-unsigned", null);
    invalid11("v11-unsigned", "1.1: a request but no signature, where the reader requires one",
        "signature_missing", unsigned, plaintext);
    String narrow = FormatOneOneVectors.replaceOnce(FormatOneOneVectors.manifest(unsigned),
        FormatOneOneVectors.UNTIL.toString(), FormatOneOneVectors.NARROW_UNTIL);
    invalid11("v11-record-outside-scope", "1.1: validly signed, but the third record was created after the scope's created_until",
        "record_out_of_scope", FormatOneOneVectors.withManifest(unsigned,
            FormatOneOneVectors.signed(narrow, f.signer("signer", "v11-record-outside-scope"))), plaintext);
  }

  private void valid11(String id, String description, byte[] archive, byte[] plaintext) {
    valid(id, description, "ExportWriter", archive, plaintext);
    mark11(plaintext, id);
  }

  private void invalid11(String id, String description, String reason, byte[] archive, byte[] plaintext) {
    invalid(id, description, reason, archive);
    mark11(plaintext, id);
  }

  private void mark11(byte[] plaintext, String id) {
    Map<String, Object> v = index.get(index.size() - 1);
    v.put("signer_trust", "keys/signer-root-cert.pem");
    v.put("check_scope", true);
    v.put("result_1_0", "valid");
    v.put("plaintext_1_0", "plaintext/" + id + ".jsonl");
    write("plaintext/" + id + ".jsonl", plaintext);
  }

  // ---------------------------------------------------------------- output

  private void valid(String id, String description, String madeBy, byte[] archive, byte[] plaintext) {
    Map<String, Object> v = entry(id, description, madeBy, archive, "recipient");
    v.put("result", "valid");
    v.put("record_count", (long) Seal.count(plaintext, (byte) '\n'));
    try {
      v.put("checksum", "sha256:" + Seal.hex(Seal.sha256(plaintext)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    v.put("plaintext", "plaintext/" + id + ".jsonl");
    write("plaintext/" + id + ".jsonl", plaintext);
  }

  private void invalid(String id, String description, String reason, byte[] archive) {
    invalid(id, description, reason, "generator", archive);
  }

  private void invalid(String id, String description, String reason, String madeBy, byte[] archive) {
    Map<String, Object> v = entry(id, description, madeBy, archive, "recipient");
    v.put("result", "invalid");
    v.put("reason", reason);
  }

  private Map<String, Object> entry(String id, String description, String madeBy, byte[] archive, String key) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("id", id);
    v.put("description", description);
    v.put("archive", "archives/" + id + ".tgz");
    v.put("key", key);
    v.put("made_by", madeBy);
    index.add(v);
    write("archives/" + id + ".tgz", archive);
    return v;
  }

  private void write(String relative, byte[] bytes) {
    try {
      Files.write(dir.resolve(relative), bytes);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private byte[] indexJson() {
    StringBuilder sb = new StringBuilder("{\n");
    sb.append("  \"format\": \"hellgate-export 1.0 conformance vectors\",\n");
    sb.append("  \"generator\": \"io.hellgate.export.testkit.golden.GoldenGenerator\",\n");
    sb.append("  \"keys\": {\n");
    sb.append("    \"recipient\": {\"private_key\": \"keys/recipient-key.pem\", \"certificate\": \"keys/recipient-cert.pem\"},\n");
    sb.append("    \"other\": {\"private_key\": \"keys/other-key.pem\", \"certificate\": \"keys/other-cert.pem\"}\n");
    sb.append("  },\n  \"vectors\": [\n");
    for (int i = 0; i < index.size(); i++) {
      sb.append("    {");
      String sep = "";
      for (Map.Entry<String, Object> f : index.get(i).entrySet()) {
        sb.append(sep).append('"').append(f.getKey()).append("\": ");
        Object val = f.getValue();
        sb.append(val instanceof String ? quote((String) val) : String.valueOf(val));
        sep = ", ";
      }
      sb.append(i + 1 < index.size() ? "},\n" : "}\n");
    }
    sb.append("  ]\n}\n");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
