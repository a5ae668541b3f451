package io.hellgate.export.testkit.jqwik;

import io.hellgate.export.ExportReader;
import io.hellgate.export.ExportWriter;
import io.hellgate.export.Recipient;
import io.hellgate.export.TokenRecord;
import io.hellgate.export.testkit.SyntheticRecords;
import io.hellgate.export.testkit.golden.GoldenKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The decrypted content of an export: records as the reference writer ({@link ExportWriter})
 * serializes them, optionally with one hand-made line of an exact length near the 1 MiB line limit
 * inserted among them. What {@link ExportArbitraries#plaintexts()} generates for the contracts.
 *
 * <p>Immutable and thread-safe. {@link #toString()} shows counts and line lengths, never content
 * (the lines hold account numbers, test ones here).
 *
 * <pre>{@code
 * Plaintext p = Plaintext.of(List.of(SyntheticRecords.seeded(1).next()));
 * Vector v = Layout.builder().build().pack(p.bytes());
 * }</pre>
 */
public final class Plaintext {
  /** The format's line limit, 1 MiB without the line end (docs/format.md, 6.1). */
  public static final int MAX_LINE_BYTES = 1 << 20;
  /** The shortest line {@link #withLongLine} can make. */
  public static final int MIN_LONG_LINE_BYTES = 256;

  private final List<TokenRecord> records;
  private final int longLineAt;
  private final int longLineBytes;
  private final byte[] bytes;
  private final int[] lengths;

  private Plaintext(List<TokenRecord> records, int longLineAt, int longLineBytes, byte[] bytes) {
    this.records = List.copyOf(records);
    this.longLineAt = longLineAt;
    this.longLineBytes = longLineBytes;
    this.bytes = bytes;
    List<Integer> l = new ArrayList<>();
    for (int i = 0, start = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        l.add(i - start);
        start = i + 1;
      }
    }
    this.lengths = l.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * The records, one line each, exactly as the reference writer writes them.
   *
   * @param records any records (none makes an empty plaintext)
   * @return the plaintext
   */
  public static Plaintext of(List<TokenRecord> records) {
    return new Plaintext(records, -1, 0, referenceLines(records));
  }

  /**
   * This plaintext with one more line of exactly {@code bytes} bytes (without its {@code \n})
   * before line {@code at}: a valid record whose {@code metadata.padding} fills it.
   *
   * @param at 0 to {@link #lineCount()}
   * @param bytes {@link #MIN_LONG_LINE_BYTES} to {@link #MAX_LINE_BYTES}
   * @return the new plaintext
   * @throws IllegalArgumentException if out of range, or this plaintext has a long line already
   */
  public Plaintext withLongLine(int at, int bytes) {
    if (longLineAt >= 0 || at < 0 || at > lengths.length || bytes < MIN_LONG_LINE_BYTES || bytes > MAX_LINE_BYTES) {
      throw new IllegalArgumentException("one long line of " + MIN_LONG_LINE_BYTES + " to " + MAX_LINE_BYTES
          + " bytes, at 0 to " + lengths.length);
    }
    String head = "{\"id\":\"long-line-" + bytes + "\",\"card\":{\"expiry_month\":12,\"expiry_year\":2030,"
        + "\"account_number\":\"" + SyntheticRecords.luhnComplete("411111000000000") + "\"},"
        + "\"created_at\":\"2024-01-01T00:00:00Z\",\"metadata\":{\"padding\":\"";
    String tail = "\"}}\n";
    byte[] line = (head + "x".repeat(bytes - head.length() - tail.length() + 1) + tail).getBytes(StandardCharsets.US_ASCII);
    int offset = 0;
    for (int i = 0; i < at; i++) {
      offset += lengths[i] + 1;
    }
    byte[] b = new byte[this.bytes.length + line.length];
    System.arraycopy(this.bytes, 0, b, 0, offset);
    System.arraycopy(line, 0, b, offset, line.length);
    System.arraycopy(this.bytes, offset, b, offset + line.length, this.bytes.length - offset);
    return new Plaintext(records, at, bytes, b);
  }

  /** The JSON Lines bytes (a copy), every line with its {@code \n}. */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** The number of lines. */
  public int lineCount() {
    return lengths.length;
  }

  /** The records written by the reference writer (the long line, if any, is not among them). */
  public List<TokenRecord> records() {
    return records;
  }

  /** Whether a long line was added, and where. */
  public boolean hasLongLine() {
    return longLineAt >= 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Plaintext && java.util.Arrays.equals(bytes, ((Plaintext) o).bytes);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(bytes);
  }

  /** For example {@code Plaintext[2 records, a 1048576-byte line at 1; line lengths 231, 1048576, 98]}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Plaintext[").append(records.size()).append(records.size() == 1 ? " record" : " records");
    if (longLineAt >= 0) {
      sb.append(", a ").append(longLineBytes).append("-byte line at ").append(longLineAt);
    }
    if (lengths.length > 0) {
      sb.append("; line lengths");
      for (int i = 0; i < Math.min(lengths.length, 12); i++) {
        sb.append(i == 0 ? " " : ", ").append(lengths[i]);
      }
      sb.append(lengths.length > 12 ? ", ..." : "");
    }
    return sb.append(']').toString();
  }

  /** The records written by {@link ExportWriter} to the golden recipient, read back as raw lines. */
  private static byte[] referenceLines(List<TokenRecord> records) {
    Objects.requireNonNull(records, "records");
    try {
      byte[] archive = Reference.write(records);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (ExportReader r = ExportReader.open(new ByteArrayInputStream(archive),
          ExportReader.options().key(GoldenKeys.recipientKey()).build())) {
        for (String line; (line = r.nextLine()) != null; ) {
          out.writeBytes(line.getBytes(StandardCharsets.UTF_8));
          out.write('\n');
        }
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("the reference writer and reader disagree", e);
    }
  }

  /** The reference writer, to the golden recipient. */
  static final class Reference {
    private Reference() {}

    static ExportWriter.Options options() {
      return ExportWriter.options()
          .recipient(Recipient.unverified(GoldenKeys.recipientCertificate()))
          .guardianInstance("contracts.testkit.example")
          .build();
    }

    static byte[] write(List<TokenRecord> records) throws IOException {
      return write(records, options());
    }

    /** Signed with {@code signer}: a format 1.1 export. */
    static byte[] write(List<TokenRecord> records, io.hellgate.export.ManifestSigner signer) throws IOException {
      return write(records, ExportWriter.options()
          .recipient(Recipient.unverified(GoldenKeys.recipientCertificate()))
          .guardianInstance("contracts.testkit.example")
          .signer(signer)
          .build());
    }

    static byte[] write(List<TokenRecord> records, ExportWriter.Options options) throws IOException {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (ExportWriter w = ExportWriter.open(out, options)) {
        for (TokenRecord t : records) {
          w.write(t);
        }
        w.finish();
      }
      return out.toByteArray();
    }
  }
}
