package io.hellgate.export.testkit.golden;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Tar and gzip bytes written by hand, independently of the writer (which uses commons-compress and
 * stored deflate blocks), so that vectors can hold every header style and every defect the reader
 * must tell apart. Not thread-safe; immutable results.
 */
final class ArchiveBytes {
  private ArchiveBytes() {}

  /** Header dialect of one entry. */
  enum Dialect {
    USTAR,
    GNU
  }

  /** One tar entry as it will be written. */
  static final class Entry {
    final String name;
    final char type;
    final byte[] content;
    long declaredSize;
    Dialect dialect = Dialect.USTAR;
    final Map<String, String> pax = new LinkedHashMap<>();
    boolean gnuLongName;
    String linkName = "";

    Entry(String name, char type, byte[] content) {
      this.name = name;
      this.type = type;
      this.content = content;
      this.declaredSize = content.length;
    }

    static Entry file(String name, byte[] content) {
      return new Entry(name, '0', content);
    }

    static Entry directory(String name) {
      return new Entry(name, '5', new byte[0]);
    }

    Entry dialect(Dialect d) {
      this.dialect = d;
      return this;
    }

    Entry pax(String key, String value) {
      pax.put(key, value);
      return this;
    }
  }

  /** A tar stream: the entries, two zero blocks, padded to 10240-byte records; then {@code trailing}. */
  static byte[] tar(List<Entry> entries, long mtime, byte[] trailing) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Entry e : entries) {
      if (!e.pax.isEmpty()) {
        StringBuilder records = new StringBuilder();
        for (Map.Entry<String, String> kv : e.pax.entrySet()) {
          records.append(paxRecord(kv.getKey(), kv.getValue()));
        }
        byte[] body = records.toString().getBytes(StandardCharsets.UTF_8);
        writeEntry(out, new Entry("PaxHeaders/" + tail(e.name), 'x', body), mtime);
      }
      if (e.gnuLongName) {
        byte[] longName = (e.name + "\0").getBytes(StandardCharsets.UTF_8);
        writeEntry(out, new Entry("././@LongLink", 'L', longName).dialect(Dialect.GNU), mtime);
      }
      writeEntry(out, e, mtime);
    }
    out.writeBytes(new byte[1024]);
    int pad = (10240 - out.size() % 10240) % 10240;
    out.writeBytes(new byte[pad]);
    out.writeBytes(trailing);
    return out.toByteArray();
  }

  private static String tail(String name) {
    String n = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
    int slash = n.lastIndexOf('/');
    return slash < 0 ? n : n.substring(slash + 1);
  }

  /** A PAX record: {@code "<length> <key>=<value>\n"}, the length counting itself. */
  private static String paxRecord(String key, String value) {
    int body = (" " + key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8).length;
    int len = body + 1;
    while (String.valueOf(len).length() + body != len) {
      len++;
    }
    return len + " " + key + "=" + value + "\n";
  }

  private static void writeEntry(ByteArrayOutputStream out, Entry e, long mtime) {
    byte[] h = new byte[512];
    byte[] name = e.name.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(name, 0, h, 0, Math.min(100, name.length));
    octal(h, 100, 8, e.type == '5' ? 0755 : 0644);
    octal(h, 108, 8, 0);
    octal(h, 116, 8, 0);
    octal(h, 124, 12, e.declaredSize < (1L << 33) ? e.declaredSize : 0);
    octal(h, 136, 12, mtime);
    h[156] = (byte) e.type;
    byte[] link = e.linkName.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(link, 0, h, 157, link.length);
    byte[] magic = (e.dialect == Dialect.GNU ? "ustar  \0" : "ustar\0" + "00").getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(magic, 0, h, 257, 8);
    if (e.type == '3' || e.type == '4') {
      octal(h, 329, 8, 1);
      octal(h, 337, 8, 3);
    }
    for (int i = 148; i < 156; i++) {
      h[i] = ' ';
    }
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    byte[] chk = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(chk, 0, h, 148, 8);
    out.writeBytes(h);
    out.writeBytes(e.content);
    out.writeBytes(new byte[(int) ((512 - e.content.length % 512) % 512)]);
  }

  /** Zero-padded octal digits and a NUL in {@code width} bytes. */
  private static void octal(byte[] h, int off, int width, long value) {
    String s = String.format("%0" + (width - 1) + "o", value);
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, h, off, width - 1);
    h[off + width - 1] = 0;
  }

  /**
   * One gzip member (RFC 1952) with a compressed deflate stream at the default level, as
   * {@code tar czf} makes it. With {@code fileName}, the header carries FNAME, MTIME and OS 3 (Unix),
   * as GNU gzip writes them; without, MTIME 0 and OS 255.
   */
  static byte[] gzip(byte[] data, String fileName, long mtime) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    boolean named = fileName != null;
    out.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, (byte) (named ? 0x08 : 0)});
    long t = named ? mtime : 0;
    out.writeBytes(new byte[] {(byte) t, (byte) (t >>> 8), (byte) (t >>> 16), (byte) (t >>> 24), 0, (byte) (named ? 3 : 255)});
    if (named) {
      out.writeBytes((fileName + "\0").getBytes(StandardCharsets.ISO_8859_1));
    }
    Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    deflater.setInput(data);
    deflater.finish();
    byte[] buf = new byte[1 << 16];
    while (!deflater.finished()) {
      int n = deflater.deflate(buf);
      out.write(buf, 0, n);
    }
    deflater.end();
    CRC32 crc = new CRC32();
    crc.update(data);
    out.writeBytes(le32(crc.getValue()));
    out.writeBytes(le32(data.length));
    return out.toByteArray();
  }

  private static byte[] le32(long v) {
    return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
  }

  /** The entries as a tar ({@link #tar}, nothing after it) in a plain gzip member ({@link #gzip}, no name). */
  static byte[] tgz(List<Entry> entries, long mtime) {
    return gzip(tar(entries, mtime, new byte[0]), null, 0);
  }

  /** A sealed export in the writer's order, data entry {@code tokens.jsonl.enc}: {@link #tgz} of {@link #standard}. */
  static byte[] pack(Seal s, long mtime) {
    return tgz(standard(s.manifestJson(), "tokens.jsonl.enc", s.ciphertext), mtime);
  }

  /** Entries in the writer's order: manifest, then data. */
  static List<Entry> standard(byte[] manifest, String dataName, byte[] ciphertext) {
    List<Entry> list = new ArrayList<>();
    list.add(Entry.file("manifest.json", manifest));
    list.add(Entry.file(dataName, ciphertext));
    return list;
  }
}
