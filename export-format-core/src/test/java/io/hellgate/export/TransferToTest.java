package io.hellgate.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.hellgate.export.ExportFormatException.Reason;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ExportReader#transferTo}: the plaintext in chunks, with the guarantees of the line methods. */
class TransferToTest {
  private static final ExportReader.Options VERIFIED = ExportReader.options()
      .key(RecipientKey.of(Fixtures.RECIPIENT_KEY, Fixtures.RECIPIENT_CERT)).build();
  private static final ExportReader.Options VALIDATED = ExportReader.options()
      .key(RecipientKey.of(Fixtures.RECIPIENT_KEY, Fixtures.RECIPIENT_CERT)).validateRecords(true).build();
  private static final ExportReader.Options STREAMING = ExportReader.options()
      .key(RecipientKey.of(Fixtures.RECIPIENT_KEY, Fixtures.RECIPIENT_CERT)).unverifiedStreaming(true).validateRecords(true).build();

  private static List<String> lines;
  private static byte[] plaintext;
  private static byte[] archive;

  @TempDir static Path dir;

  @BeforeAll
  static void write() throws Exception {
    lines = StreamingPassTest.lines(25_000, 400); // ~8 MB: several release chunks and pipeline buffers
    plaintext = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    archive = StreamingPassTest.archive(lines);
  }

  private static byte[] transfer(byte[] tgz, ExportReader.Options options, boolean verifyFirst) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(tgz), options)) {
      if (verifyFirst) {
        r.verify();
      }
      assertThat(r.transferTo(Channels.newChannel(out))).isEqualTo(lines.size());
      assertThat(r.linesRead()).isEqualTo(lines.size());
      assertThat(r.nextLine()).as("done").isNull();
    }
    return out.toByteArray();
  }

  @Test
  void writesExactlyThePlaintextInEveryMode() throws Exception {
    assertThat(transfer(archive, VERIFIED, true)).isEqualTo(plaintext);
    assertThat(transfer(archive, VERIFIED, false)).isEqualTo(plaintext);
    assertThat(transfer(archive, VALIDATED, false)).isEqualTo(plaintext);
    assertThat(transfer(archive, STREAMING, false)).isEqualTo(plaintext);
  }

  @Test
  void readsTheFileInPlaceToo() throws Exception {
    Path file = Files.write(dir.resolve("export.tgz"), archive);
    Path out = dir.resolve("out.jsonl");
    try (ExportReader r = ExportReader.open(file, VERIFIED);
        var ch = java.nio.channels.FileChannel.open(out, java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
      assertThat(r.transferTo(ch)).isEqualTo(lines.size());
    }
    assertThat(Files.readAllBytes(out)).isEqualTo(plaintext);
  }

  @Test
  void refusesToStartAfterALineWasRead() throws Exception {
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(archive), VERIFIED)) {
      assertThat(r.nextLine()).isEqualTo(lines.get(0));
      assertThatThrownBy(() -> r.transferTo(Channels.newChannel(new ByteArrayOutputStream())))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("before the first line");
    }
  }

  @Test
  void writesNothingOfATamperedExportWhenVerified() throws Exception {
    byte[] ct = TestArchives.data(archive, "tokens.jsonl.enc");
    byte[] changed = ct.clone();
    changed[ct.length - 100] ^= 0x01;
    byte[] bad = TestArchives.replaceData(archive, "tokens.jsonl.enc", changed);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(bad), VERIFIED)) {
      ExportFormatException e = catchThrowableOfType(ExportFormatException.class, () -> r.transferTo(Channels.newChannel(out)));
      assertThat(e).isInstanceOf(AuthenticationFailedException.class);
      assertThat(e.reason()).isEqualTo(Reason.TAMPERED_CONTENT);
    }
    assertThat(out.size()).as("bytes written").isZero();

    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(bad), STREAMING)) {
      ExportFormatException e = catchThrowableOfType(ExportFormatException.class, () -> r.transferTo(Channels.newChannel(out)));
      assertThat(e.reason()).as("streaming: written first, rejected at the end").isEqualTo(Reason.TAMPERED_CONTENT);
      assertThatThrownBy(r::nextLine).isInstanceOf(IllegalStateException.class);
    }
    assertThat(out.size()).isPositive();
  }

  @Test
  void reportsAChangedChecksumAtTheEndWithoutVerifyFirst() throws Exception {
    byte[] bad = TestArchives.editManifest(archive, m -> ((com.fasterxml.jackson.databind.node.ObjectNode) m.get("content"))
        .put("checksum", "sha256:" + "0".repeat(64)));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(bad), VERIFIED)) {
      ExportFormatException e = catchThrowableOfType(ExportFormatException.class, () -> r.transferTo(Channels.newChannel(out)));
      assertThat(e.reason()).isEqualTo(Reason.CHECKSUM_MISMATCH);
    }
    assertThat(out.toByteArray()).as("only authentic bytes (the tag covers them)").isEqualTo(plaintext);
  }
}
