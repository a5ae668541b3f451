package io.hellgate.export.testkit.golden;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/** Test helper: the manifest of a writer-made archive, and the archive with its manifest edited. */
public final class GoldenEdits {
  private static final ObjectMapper JSON = new ObjectMapper();

  private GoldenEdits() {}

  /** The entry {@code name} of a writer-made archive (ustar, no PAX). */
  public static byte[] entry(byte[] tgz, String name) {
    byte[] tar = gunzip(tgz);
    for (int pos = 0; pos + 512 <= tar.length; ) {
      String n = new String(tar, pos, 100, StandardCharsets.US_ASCII).replace("\0", "");
      if (n.isEmpty()) {
        break;
      }
      long size = Long.parseLong(new String(tar, pos + 124, 11, StandardCharsets.US_ASCII).trim(), 8);
      if (n.equals(name)) {
        return Arrays.copyOfRange(tar, pos + 512, pos + 512 + (int) size);
      }
      pos += 512 + (int) ((size + 511) / 512 * 512);
    }
    throw new IllegalArgumentException("no entry " + name);
  }

  public static ObjectNode manifest(byte[] tgz) {
    try {
      return (ObjectNode) JSON.readTree(entry(tgz, "manifest.json"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The archive rebuilt (standard layout) with its manifest edited and re-serialised. */
  public static byte[] editManifest(byte[] tgz, Consumer<ObjectNode> edit) {
    ObjectNode m = manifest(tgz);
    edit.accept(m);
    try {
      return replaceManifest(tgz, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(m));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The archive rebuilt with {@code manifest} as its manifest bytes. */
  public static byte[] replaceManifest(byte[] tgz, byte[] manifest) {
    byte[] data = entry(tgz, "tokens.jsonl.enc");
    return ArchiveBytes.gzip(ArchiveBytes.tar(ArchiveBytes.standard(manifest, "tokens.jsonl.enc", data), 1736937780L, new byte[0]), null, 0);
  }

  private static byte[] gunzip(byte[] tgz) {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(tgz))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
