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
    return ArchiveBytes.tgz(entries, mtime());
  }

  private void readerVariants() throws GeneralSecurityException {
    byte[] text = plaintextOf("valid-small");
    layout("valid-records-entry-name", "data entry named records.jsonl.enc, as in the seed's prose",
        Layout.builder().recordsEntryName(true), text);
    layout("valid-dot-slash-and-directories", "a ./ directory entry and ./ prefixes on both files",
        Layout.builder().dotSlash(true), text);
    layout("valid-pax-headers", "PAX extended headers (path, fractional mtime, size) before each entry",
        Layout.builder().headers(Layout.Headers.PAX), text);
    layout("valid-gnu-headers", "GNU tar headers (magic 'ustar  '), the data entry's name in a ././@LongLink entry",
        Layout.builder().headers(Layout.Headers.GNU), text);
    layout("valid-manifest-after-data", "tokens.jsonl.enc before manifest.json", Layout.builder().manifestFirst(false), text);
    layout("valid-tar-czf-style", "gzip as tar czf makes it: compressed deflate blocks, FNAME, MTIME, OS 3",
        Layout.builder().gzip(Layout.Gzip.TAR_CZF), text);

    String id = "valid-unknown-record-members";
    byte[] unknown = String.join("\n", GoldenSet.UNKNOWN_MEMBER_LINES).concat("\n").getBytes(StandardCharsets.UTF_8);
    valid(id, "records with members the format does not define (top level and card): kept, not rejected",
        "generator", pack(seal(id, unknown, recipient)), unknown);

    id = "valid-version-1-7";
    Seal s = seal(id, text, recipient);
    s.manifest.put("version", "1.7");
    valid(id, "a later minor version (1.7) is read as 1.x", "generator", pack(s), text);

    id = "valid-unknown-manifest-fields";
    s = seal(id, text, recipient);
    s.manifest.put("x_future", Map.of("nested", "object"));
    s.object("encryption").put("x_hint", "ignored");
    s.object("content").put("compression", "none");
    valid(id, "unknown manifest members at three levels are ignored", "generator", pack(s), text);
  }

  private void layout(String id, String description, Layout.Builder layout, byte[] text) throws GeneralSecurityException {
    valid(id, description, "generator", layout.build().archive(seal(id, text, recipient), mtime()), text);
  }

  private static byte[] pack(Seal s) {
    return ArchiveBytes.pack(s, mtime());
  }

  // ---------------------------------------------------------------- invalid

  /** One vector per {@link Tampering} kind, at its golden position, in the enum's order. */
  private void invalid() throws GeneralSecurityException {
    byte[] text = plaintextOf("valid-small");
    for (Tampering t : Tampering.values()) {
      String id = t.goldenVector();
      Tampering.Source source = new Tampering.Source() {
        @Override
        byte[] plaintext() {
          return text;
        }

        @Override
        Seal seal(byte[] content) throws GeneralSecurityException {
          return GoldenGenerator.this.seal(id, content, recipient);
        }

        @Override
        Seal sealToOther(byte[] content) throws GeneralSecurityException {
          return GoldenGenerator.this.seal(id, content, other);
        }

        @Override
        byte[] validArchive() {
          try {
            return GoldenSet.writerArchive("valid-small", recipient);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }
      };
      boolean cut = t == Tampering.TRUNCATED || t == Tampering.TRUNCATED_GZIP_TRAILER || t == Tampering.GZIP_TRAILER_BIT;
      String description = t.isContentDefect() && t != Tampering.CIPHERTEXT_BIT
          ? t.description() + "; tag, checksum and count are correct" : t.description();
      invalid(id, description, t.reason(), cut ? CUT : "generator", t.make(source, t.goldenPosition()));
    }
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
