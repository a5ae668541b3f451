package io.hellgate.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Takes archives apart and rebuilds them, to test what readers accept and reject. */
final class TestArchives {
  static final ObjectMapper JSON = new ObjectMapper();

  /** One tar entry: a name, a type flag and data. */
  record Entry(String name, byte type, byte[] data, String linkName) {
    static Entry file(String name, byte[] data) {
      return new Entry(name, TarConstants.LF_NORMAL, data, null);
    }

    static Entry dir(String name) {
      return new Entry(name, TarConstants.LF_DIR, new byte[0], null);
    }
  }

  /** How entries are written. */
  enum Format {
    USTAR,
    PAX,
    GNU
  }

  private TestArchives() {}

  static List<Entry> entries(byte[] tgz) {
    List<Entry> out = new ArrayList<>();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(tgz)))) {
      for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
        out.add(new Entry(e.getName(), e.isDirectory() ? TarConstants.LF_DIR : TarConstants.LF_NORMAL, tar.readAllBytes(), null));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  static byte[] data(byte[] tgz, String name) {
    return entries(tgz).stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow().data();
  }

  static byte[] build(List<Entry> entries, Format format) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(gz, "UTF-8")) {
      tar.setLongFileMode(format == Format.GNU ? TarArchiveOutputStream.LONGFILE_GNU : TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      if (format == Format.PAX) {
        tar.setAddPaxHeadersForNonAsciiNames(true);
      }
      for (Entry e : entries) {
        TarArchiveEntry te =
            e.linkName() != null
                ? new TarArchiveEntry(e.name(), e.type(), true)
                : new TarArchiveEntry(e.name(), e.type(), true);
        if (e.linkName() != null) {
          te.setLinkName(e.linkName());
        }
        if (e.type() == TarConstants.LF_NORMAL) {
          te.setSize(e.data().length);
        }
        if (format == Format.PAX) {
          te.addPaxHeader("comment", "written as PAX");
        }
        tar.putArchiveEntry(te);
        if (e.type() == TarConstants.LF_NORMAL) {
          tar.write(e.data());
        }
        tar.closeArchiveEntry();
      }
      tar.finish();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static byte[] replaceData(byte[] tgz, String name, byte[] data) {
    List<Entry> out = new ArrayList<>();
    for (Entry e : entries(tgz)) {
      out.add(e.name().equals(name) ? Entry.file(name, data) : e);
    }
    return build(out, Format.USTAR);
  }

  static ObjectNode manifest(byte[] tgz) {
    try {
      return (ObjectNode) JSON.readTree(data(tgz, "manifest.json"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] editManifest(byte[] tgz, Consumer<ObjectNode> edit) {
    ObjectNode m = manifest(tgz);
    edit.accept(m);
    try {
      return replaceData(tgz, "manifest.json", JSON.writeValueAsBytes(m));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ObjectNode encryption(JsonNode manifest) {
    return (ObjectNode) manifest.get("encryption");
  }
}
