package io.hellgate.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.hellgate.export.ExportFormatException.Reason;
import java.io.ByteArrayInputStream;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every single-byte change to what the format protects is rejected. A change to what the GCM tag
 * covers (ciphertext, IV, tag, wrapped key) or to the record count is rejected before any line is
 * released; a change to the manifest's checksum (which restates what the tag covers) before any
 * line with {@link ExportReader#verify()}, and otherwise at the end, after only authentic lines.
 */
class ReaderTamperTest {
  private static byte[] archive;

  @BeforeAll
  static void writeArchive() throws Exception {
    List<TokenRecord> records = IntStream.range(0, 3).mapToObj(Fixtures::record).collect(Collectors.toList());
    archive = Fixtures.writeArchive(Fixtures.pinnedWriterOptions(1), records);
  }

  private static ExportFormatException readAll(byte[] tgz) throws Exception {
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(tgz), Fixtures.readerOptions())) {
      ExportFormatException e = catchThrowableOfType(ExportFormatException.class, r::nextLine);
      assertThat(r.linesRead()).as("lines released before the failure").isZero();
      return e;
    }
  }

  /** verify() first: the failure comes before any line. */
  private static ExportFormatException verifyFirst(byte[] tgz) throws Exception {
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(tgz), Fixtures.readerOptions())) {
      ExportFormatException e = catchThrowableOfType(ExportFormatException.class, r::verify);
      assertThat(r.linesRead()).as("lines released before the failure").isZero();
      assertThatThrownBy(r::nextLine).isInstanceOf(IllegalStateException.class);
      return e;
    }
  }

  /** Implicit verification: only the original, authentic lines come out before the failure. */
  private static ExportFormatException drainAuthenticLines(byte[] tgz) throws Exception {
    List<String> original = new java.util.ArrayList<>();
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(archive), Fixtures.readerOptions())) {
      for (String line; (line = r.nextLine()) != null; ) {
        original.add(line);
      }
    }
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(tgz), Fixtures.readerOptions())) {
      List<String> released = new java.util.ArrayList<>();
      ExportFormatException e = catchThrowableOfType(ExportFormatException.class, () -> {
        for (String line; (line = r.nextLine()) != null; ) {
          released.add(line);
        }
      });
      if (!released.isEmpty()) {
        assertThat(original).startsWith(released.toArray(new String[0]));
      }
      return e;
    }
  }

  @Test
  void untouchedArchiveVerifies() throws Exception {
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(archive), Fixtures.readerOptions())) {
      r.verify();
      int n = 0;
      while (r.nextLine() != null) {
        n++;
      }
      assertThat(n).isEqualTo(3);
    }
  }

  @Test
  void rejectsEverySingleByteChangeToTheCiphertext() throws Exception {
    byte[] ct = TestArchives.data(archive, "tokens.jsonl.enc");
    for (int i = 0; i < ct.length; i++) {
      for (int mask : new int[] {0x01, 0x80}) {
        byte[] changed = ct.clone();
        changed[i] ^= (byte) mask;
        ExportFormatException e = readAll(TestArchives.replaceData(archive, "tokens.jsonl.enc", changed));
        assertThat(e).as("byte %d mask %x", i, mask).isInstanceOf(AuthenticationFailedException.class);
        assertThat(e.reason()).isEqualTo(Reason.TAMPERED_CONTENT);
      }
    }
  }

  @Test
  void rejectsTruncatedAndExtendedCiphertext() throws Exception {
    byte[] ct = TestArchives.data(archive, "tokens.jsonl.enc");
    assertThat(readAll(TestArchives.replaceData(archive, "tokens.jsonl.enc", java.util.Arrays.copyOf(ct, ct.length - 1))).reason())
        .isEqualTo(Reason.TAMPERED_CONTENT);
    assertThat(readAll(TestArchives.replaceData(archive, "tokens.jsonl.enc", java.util.Arrays.copyOf(ct, ct.length + 16))).reason())
        .isEqualTo(Reason.TAMPERED_CONTENT);
  }

  private static void forEachByteOf(String field, Check check) throws Exception {
    byte[] original = Base64.getDecoder().decode(TestArchives.encryption(TestArchives.manifest(archive)).get(field).asText());
    for (int i = 0; i < original.length; i++) {
      byte[] changed = original.clone();
      changed[i] ^= 0x01;
      byte[] tgz = TestArchives.editManifest(
          archive, m -> TestArchives.encryption(m).put(field, Base64.getEncoder().encodeToString(changed)));
      check.accept(i, readAll(tgz));
    }
  }

  interface Check {
    void accept(int index, ExportFormatException e);
  }

  @Test
  void rejectsEverySingleByteChangeToTheTag() throws Exception {
    forEachByteOf("tag", (i, e) -> assertThat(e.reason()).as("tag byte %d", i).isEqualTo(Reason.TAMPERED_CONTENT));
  }

  @Test
  void rejectsEverySingleByteChangeToTheIv() throws Exception {
    forEachByteOf("iv", (i, e) -> assertThat(e.reason()).as("iv byte %d", i).isEqualTo(Reason.TAMPERED_CONTENT));
  }

  @Test
  void rejectsEverySingleByteChangeToTheWrappedKey() throws Exception {
    forEachByteOf("encrypted_key", (i, e) -> {
      assertThat(e).as("encrypted_key byte %d", i).isInstanceOf(WrongKeyException.class);
      assertThat(e.getMessage()).contains(Fixtures.recipientFingerprint());
    });
  }

  @Test
  void rejectsEverySingleCharacterChangeToTheChecksum() throws Exception {
    String checksum = TestArchives.manifest(archive).get("content").get("checksum").asText();
    for (int i = "sha256:".length(); i < checksum.length(); i++) {
      char c = checksum.charAt(i) == '0' ? '1' : '0';
      String changed = checksum.substring(0, i) + c + checksum.substring(i + 1);
      byte[] tgz = TestArchives.editManifest(archive, m -> ((com.fasterxml.jackson.databind.node.ObjectNode) m.get("content")).put("checksum", changed));
      for (ExportFormatException e : List.of(verifyFirst(tgz), drainAuthenticLines(tgz))) {
        assertThat(e).isInstanceOf(AuthenticationFailedException.class);
        assertThat(e.reason()).as("checksum char %d", i).isEqualTo(Reason.CHECKSUM_MISMATCH);
      }
    }
  }

  @Test
  void rejectsAnyOtherRecordCount() throws Exception {
    for (long count : new long[] {0, 2, 4, 1L << 40}) {
      byte[] tgz = TestArchives.editManifest(archive, m -> ((com.fasterxml.jackson.databind.node.ObjectNode) m.get("content")).put("record_count", count));
      for (ExportFormatException e : List.of(verifyFirst(tgz), drainAuthenticLines(tgz))) {
        assertThat(e.reason()).as("count %d", count).isEqualTo(Reason.RECORD_COUNT_MISMATCH);
        assertThat(e.getMessage()).contains("3 records").contains("says " + count);
      }
      // The count is checked in pass 1 with the framing, so even raw lines never start flowing.
      try (ExportReader r = ExportReader.open(new ByteArrayInputStream(tgz), Fixtures.readerOptions())) {
        assertThat(catchThrowableOfType(ExportFormatException.class, r::nextLineBytes).reason())
            .isEqualTo(Reason.RECORD_COUNT_MISMATCH);
        assertThat(r.linesRead()).isZero();
      }
    }
  }

  @Test
  void rejectsWrongKeyNamingTheExpectedFingerprint() throws Exception {
    ExportReader.Options other = ExportReader.options().key(RecipientKey.of(Fixtures.OTHER_KEY, Fixtures.OTHER_CERT)).build();
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(archive), other)) {
      assertThatThrownBy(r::verify)
          .isInstanceOf(WrongKeyException.class)
          .hasMessageContaining("no configured key is for this export")
          .hasMessageContaining(Fixtures.recipientFingerprint());
    }
    ExportReader.Options bare = ExportReader.options().key(RecipientKey.of(Fixtures.OTHER_KEY)).build();
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(archive), bare)) {
      assertThatThrownBy(r::verify).isInstanceOf(WrongKeyException.class).hasMessageContaining("could unwrap the data key").hasMessageContaining(Fixtures.recipientFingerprint());
    }
  }

  @Test
  void picksTheMatchingKeyAmongSeveral() throws Exception {
    ExportReader.Options rotated = ExportReader.options()
        .key(RecipientKey.of(Fixtures.OTHER_KEY, Fixtures.OTHER_CERT))
        .key(RecipientKey.of(Fixtures.RECIPIENT_KEY, Fixtures.RECIPIENT_CERT))
        .build();
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(archive), rotated)) {
      r.verify();
      assertThat(r.nextRecord()).isEqualTo(Fixtures.record(0));
    }
    ExportReader.Options bare = ExportReader.options()
        .key(RecipientKey.of(Fixtures.OTHER_KEY))
        .key(RecipientKey.of(Fixtures.RECIPIENT_KEY))
        .build();
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(archive), bare)) {
      r.verify();
    }
  }

  @Test
  void unverifiedStreamingReleasesFirstThenFailsAtTheEnd() throws Exception {
    byte[] ct = TestArchives.data(archive, "tokens.jsonl.enc");
    byte[] changed = ct.clone();
    changed[ct.length - 5] ^= 0x01; // inside the last line's JSON
    byte[] tgz = TestArchives.replaceData(archive, "tokens.jsonl.enc", changed);
    ExportReader.Options risky = ExportReader.options()
        .key(RecipientKey.of(Fixtures.RECIPIENT_KEY, Fixtures.RECIPIENT_CERT))
        .unverifiedStreaming(true)
        .build();
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(tgz), risky)) {
      assertThat(r.nextLine()).isNotNull();
      assertThatThrownBy(() -> {
            while (r.nextLine() != null) {
              // drain
            }
          })
          .isInstanceOf(AuthenticationFailedException.class)
          .extracting(e -> ((ExportFormatException) e).reason())
          .isEqualTo(Reason.TAMPERED_CONTENT);
      assertThat(r.linesRead()).isGreaterThan(0);
    }
  }
}
