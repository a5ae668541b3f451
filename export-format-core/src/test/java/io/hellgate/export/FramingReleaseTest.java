package io.hellgate.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.hellgate.export.ExportFormatException.Reason;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.RepeatedTest;

/**
 * Raw lines: pass 1 checks the framing and the count with the tag, so an authentic archive whose
 * plaintext is not valid JSON Lines releases no line at all, wherever the fault lies; the release
 * pass then only hashes (the checksum), on a worker while the lines flow.
 */
class FramingReleaseTest {
  private static final int CHUNK = 1 << 20;
  private static final String LINE =
      "{\"id\":\"a\",\"card\":{\"expiry_month\":12,\"expiry_year\":2030,\"account_number\":\"4111111111111111\"},"
          + "\"created_at\":\"2023-10-01T12:00:00Z\"}";

  /**
   * An authentic archive (right tag, checksum and count) whose plaintext has one invalid UTF-8 byte
   * in its third 1 MiB chunk: sealed with the data key that the pinned writer draws.
   */
  private static byte[] archiveWithBadByteInChunk2() throws Exception {
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    while (plain.size() < 3 * CHUNK + 1000) {
      plain.write((LINE + "\n").getBytes(StandardCharsets.UTF_8));
    }
    byte[] p = plain.toByteArray();
    int bad = 2 * CHUNK + 500;
    while (p[bad] != 'a') {
      bad++;
    }
    p[bad] = (byte) 0xff;
    long count = 0;
    for (byte b : p) {
      count += b == '\n' ? 1 : 0;
    }

    byte[] template = Fixtures.writeArchive(Fixtures.pinnedWriterOptions(5), List.of(Fixtures.record(1)));
    var random = Fixtures.pinnedRandom(5);
    byte[] key = new byte[32];
    byte[] iv = new byte[12];
    random.nextBytes(key);
    random.nextBytes(iv);
    Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
    gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
    byte[] sealed = gcm.doFinal(p);
    byte[] ciphertext = java.util.Arrays.copyOf(sealed, p.length);
    byte[] tag = java.util.Arrays.copyOfRange(sealed, p.length, sealed.length);
    String checksum = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(p));
    long records = count;
    byte[] withData = TestArchives.replaceData(template, "tokens.jsonl.enc", ciphertext);
    return TestArchives.editManifest(withData, m -> {
      TestArchives.encryption(m).put("tag", Base64.getEncoder().encodeToString(tag));
      var content = (com.fasterxml.jackson.databind.node.ObjectNode) m.get("content");
      content.put("checksum", checksum);
      content.put("record_count", records);
    });
  }

  @org.junit.jupiter.api.Test
  void releasesNoLineWhenAnyChunkIsBadlyFramed() throws Exception {
    byte[] tgz = archiveWithBadByteInChunk2();
    for (boolean fromFile : new boolean[] {false, true}) {
      java.nio.file.Path file = fromFile ? java.nio.file.Files.createTempFile("framing", ".tgz") : null;
      try {
        if (file != null) {
          java.nio.file.Files.write(file, tgz);
        }
        try (ExportReader r = file != null
            ? ExportReader.open(file, Fixtures.readerOptions())
            : ExportReader.open(new ByteArrayInputStream(tgz), Fixtures.readerOptions())) {
          ExportFormatException e = catchThrowableOfType(ExportFormatException.class, r::nextLineBytes);
          assertThat(e).isNotNull();
          assertThat(e.reason()).isEqualTo(Reason.MALFORMED_RECORD);
          assertThat(e.getMessage()).contains("not valid JSON Lines").doesNotContain("4111111111");
          assertThat(r.linesRead()).isZero();
        }
      } finally {
        if (file != null) {
          java.nio.file.Files.delete(file);
        }
      }
    }
  }

  @RepeatedTest(2)
  void verifyRejectsTheSameArchiveUpFront() throws Exception {
    byte[] tgz = archiveWithBadByteInChunk2();
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(tgz), Fixtures.readerOptions())) {
      ExportFormatException e = catchThrowableOfType(ExportFormatException.class, r::verify);
      assertThat(e.reason()).isEqualTo(Reason.MALFORMED_RECORD);
    }
  }

  /**
   * The release pass hashes on the worker, several chunks in flight: a wrong checksum is found at
   * the end whether the archive comes from a file (re-read) or a stream (spooled).
   */
  @RepeatedTest(2)
  void checksumOnTheReleaseWorkerDetectsAMismatch() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long written = 0;
    try (ExportWriter w = ExportWriter.open(out, Fixtures.writerOptions())) {
      for (int i = 0; out.size() == 0 && written < 6L * CHUNK; i++) {
        w.writeLine(LINE.replace("\"a\"", "\"" + i + "\""));
        written += LINE.length() + 3;
      }
      w.finish();
    }
    byte[] good = out.toByteArray();
    String zeros = "sha256:" + "0".repeat(64);
    byte[] bad = TestArchives.editManifest(good, m -> ((com.fasterxml.jackson.databind.node.ObjectNode) m.get("content")).put("checksum", zeros));
    for (boolean fromFile : new boolean[] {false, true}) {
      assertThat(drain(good, fromFile)).isNull();
      ExportFormatException e = drain(bad, fromFile);
      assertThat(e).isNotNull();
      assertThat(e.reason()).isEqualTo(Reason.CHECKSUM_MISMATCH);
    }
  }

  private static ExportFormatException drain(byte[] tgz, boolean fromFile) throws Exception {
    java.nio.file.Path file = null;
    try {
      ExportReader r;
      if (fromFile) {
        file = java.nio.file.Files.createTempFile("framing", ".tgz");
        java.nio.file.Files.write(file, tgz);
        r = ExportReader.open(file, Fixtures.readerOptions());
      } else {
        r = ExportReader.open(new ByteArrayInputStream(tgz), Fixtures.readerOptions());
      }
      try (r) {
        while (r.nextLineBytes() != null) {
          // drain
        }
        return null;
      } catch (ExportFormatException e) {
        return e;
      }
    } finally {
      if (file != null) {
        java.nio.file.Files.deleteIfExists(file);
      }
    }
  }
}
