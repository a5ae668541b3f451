package io.hellgate.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hellgate.export.ExportFormatException.Reason;
import io.hellgate.export.TestArchives.Entry;
import io.hellgate.export.TestArchives.Format;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What the reader accepts from other tar writers, and what it refuses. */
class ArchiveScannerTest {
  private static byte[] archive;
  private static byte[] manifest;
  private static byte[] data;
  private static List<TokenRecord> records;

  @BeforeAll
  static void writeArchive() throws Exception {
    records = IntStream.range(0, 5).mapToObj(Fixtures::record).collect(Collectors.toList());
    archive = Fixtures.writeArchive(Fixtures.pinnedWriterOptions(2), records);
    manifest = TestArchives.data(archive, "manifest.json");
    data = TestArchives.data(archive, "tokens.jsonl.enc");
  }

  private static List<TokenRecord> readAll(byte[] tgz) throws Exception {
    List<TokenRecord> out = new ArrayList<>();
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(tgz), Fixtures.readerOptions())) {
      for (TokenRecord t; (t = r.nextRecord()) != null; ) {
        out.add(t);
      }
    }
    return out;
  }

  private static ExportFormatException rejection(byte[] tgz) {
    return (ExportFormatException)
        org.assertj.core.api.Assertions.catchThrowableOfType(ExportFormatException.class, () -> readAll(tgz));
  }

  @ParameterizedTest
  @EnumSource(Format.class)
  void acceptsEveryHeaderFormatWithPrefixesDirectoriesAndEitherOrder(Format format) throws Exception {
    assertThat(readAll(TestArchives.build(List.of(Entry.file("manifest.json", manifest), Entry.file("tokens.jsonl.enc", data)), format)))
        .isEqualTo(records);
    assertThat(readAll(TestArchives.build(
            List.of(Entry.dir("./"), Entry.file("./tokens.jsonl.enc", data), Entry.file("./manifest.json", manifest)), format)))
        .isEqualTo(records);
  }

  @Test
  void acceptsTheSeedsOtherDataEntryName() throws Exception {
    assertThat(readAll(TestArchives.build(
            List.of(Entry.file("manifest.json", manifest), Entry.file("records.jsonl.enc", data)), Format.USTAR)))
        .isEqualTo(records);
  }

  @Test
  void writerEmitsManifestFirstThenData() {
    assertThat(TestArchives.entries(archive)).extracting(Entry::name).containsExactly("manifest.json", "tokens.jsonl.enc");
  }

  @Test
  void rejectsBothDataEntryNames() {
    byte[] tgz = TestArchives.build(List.of(
        Entry.file("manifest.json", manifest), Entry.file("tokens.jsonl.enc", data), Entry.file("records.jsonl.enc", data)), Format.USTAR);
    assertThat(rejection(tgz)).hasMessageContaining("more than one data entry").extracting(ExportFormatException::reason)
        .isEqualTo(Reason.MALFORMED_ARCHIVE);
  }

  @Test
  void rejectsDuplicateEntries() {
    assertThat(rejection(TestArchives.build(List.of(
            Entry.file("manifest.json", manifest), Entry.file("manifest.json", manifest), Entry.file("tokens.jsonl.enc", data)), Format.USTAR)))
        .hasMessageContaining("more than one manifest.json");
    assertThat(rejection(TestArchives.build(List.of(
            Entry.file("manifest.json", manifest), Entry.file("tokens.jsonl.enc", data), Entry.file("./tokens.jsonl.enc", data)), Format.USTAR)))
        .hasMessageContaining("more than one data entry");
  }

  @Test
  void rejectsMissingEntries() {
    assertThat(rejection(TestArchives.build(List.of(Entry.file("tokens.jsonl.enc", data)), Format.USTAR)))
        .hasMessageContaining("no manifest.json");
    assertThat(rejection(TestArchives.build(List.of(Entry.file("manifest.json", manifest)), Format.USTAR)))
        .hasMessageContaining("no tokens.jsonl.enc");
  }

  @Test
  void rejectsPathTraversalAndAbsolutePaths() {
    for (String name : new String[] {"../manifest.json", "/manifest.json", "a/../../tokens.jsonl.enc", "./../x"}) {
      ExportFormatException e = rejection(TestArchives.build(List.of(
          Entry.file(name, manifest), Entry.file("manifest.json", manifest), Entry.file("tokens.jsonl.enc", data)), Format.PAX));
      assertThat(e).as(name).isNotNull();
      assertThat(e.reason()).isEqualTo(Reason.MALFORMED_ARCHIVE);
    }
  }

  @Test
  void rejectsLinksDevicesAndUnexpectedFiles() {
    List<Entry> bad = List.of(
        new Entry("tokens.jsonl.enc", TarConstants.LF_SYMLINK, new byte[0], "/etc/passwd"),
        new Entry("tokens.jsonl.enc", TarConstants.LF_LINK, new byte[0], "manifest.json"),
        new Entry("tokens.jsonl.enc", TarConstants.LF_CHR, new byte[0], null),
        new Entry("tokens.jsonl.enc", TarConstants.LF_FIFO, new byte[0], null),
        Entry.file("notes.txt", new byte[] {1}),
        Entry.file("sub/tokens.jsonl.enc", data));
    for (Entry e : bad) {
      ExportFormatException ex = rejection(TestArchives.build(List.of(Entry.file("manifest.json", manifest), e), Format.USTAR));
      assertThat(ex).as(e.name() + " type " + (char) e.type()).isNotNull();
      assertThat(ex.reason()).isEqualTo(Reason.MALFORMED_ARCHIVE);
    }
  }

  @Test
  void rejectsManifestOverOneMebibyte() {
    byte[] big = Arrays.copyOf(manifest, (1 << 20) + 1);
    Arrays.fill(big, manifest.length, big.length, (byte) ' ');
    assertThat(rejection(TestArchives.build(List.of(Entry.file("manifest.json", big), Entry.file("tokens.jsonl.enc", data)), Format.USTAR)))
        .extracting(ExportFormatException::reason).isEqualTo(Reason.LIMIT_EXCEEDED);
  }

  @Test
  void honoursTheReadersDataLimitBeforeReadingTheData() throws Exception {
    ExportReader.Options small = ExportReader.options()
        .key(RecipientKey.of(Fixtures.RECIPIENT_KEY, Fixtures.RECIPIENT_CERT)).maxDataBytes(data.length - 1).build();
    byte[] dataFirst = TestArchives.build(List.of(Entry.file("tokens.jsonl.enc", data), Entry.file("manifest.json", manifest)), Format.USTAR);
    for (byte[] tgz : new byte[][] {archive, dataFirst}) {
      ExportFormatException e = org.assertj.core.api.Assertions.catchThrowableOfType(ExportFormatException.class, () -> {
        try (ExportReader r = ExportReader.open(new ByteArrayInputStream(tgz), small)) {
          r.verify();
        }
      });
      assertThat(e.reason()).isEqualTo(Reason.LIMIT_EXCEEDED);
      assertThat(e).hasMessageContaining("at most " + (data.length - 1));
    }
    ExportReader.Options exact = ExportReader.options()
        .key(RecipientKey.of(Fixtures.RECIPIENT_KEY, Fixtures.RECIPIENT_CERT)).maxDataBytes(data.length).build();
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(archive), exact)) {
      r.verify();
    }
  }

  @Test
  void rejectsEmptyNonGzipAndTruncatedInput() {
    assertThat(rejection(new byte[0])).hasMessageContaining("empty");
    assertThat(rejection("not a tgz".getBytes())).hasMessageContaining("not gzip");
    for (int cut : new int[] {10, archive.length / 2, archive.length - 9, archive.length - 1}) {
      ExportFormatException e = rejection(Arrays.copyOf(archive, cut));
      assertThat(e).as("cut at %d", cut).isNotNull();
      assertThat(e.reason()).isEqualTo(Reason.MALFORMED_ARCHIVE);
    }
  }

  @Test
  void readManifestWorksWithoutKeyAndWithDataFirst() throws Exception {
    java.nio.file.Path tmp = java.nio.file.Files.createTempFile("manifest-test", ".tgz");
    try {
      java.nio.file.Files.write(tmp, TestArchives.build(
          List.of(Entry.file("tokens.jsonl.enc", data), Entry.file("manifest.json", manifest)), Format.GNU));
      ExportManifest m = ExportReader.readManifest(tmp);
      assertThat(m.recordCount()).isEqualTo(5);
      assertThat(m.guardianInstance()).isEqualTo("my-cluster-id.on-hellgate.cloud");
    } finally {
      java.nio.file.Files.delete(tmp);
    }
  }

  @Test
  void rejectsUnsupportedVersionAndAlgorithm() {
    for (String version : new String[] {"2.0", "0.9", "10.1"}) {
      ExportFormatException e = rejection(TestArchives.editManifest(archive, m -> m.put("version", version)));
      assertThat(e).isInstanceOf(UnsupportedVersionException.class).hasMessageContaining(version);
    }
    assertThat(rejection(TestArchives.editManifest(archive, m -> m.put("version", "1.7")))).isNull();
    assertThatThrownBy(() -> readAll(TestArchives.editManifest(archive, m -> TestArchives.encryption(m).put("algorithm", "RSA-OAEP"))))
        .isInstanceOf(ExportFormatException.class)
        .extracting(e -> ((ExportFormatException) e).reason())
        .isEqualTo(Reason.UNSUPPORTED_ALGORITHM);
  }

  @Test
  void toleratesUnknownManifestFields() throws Exception {
    byte[] tgz = TestArchives.editManifest(archive, m -> {
      m.put("future", "x");
      TestArchives.encryption(m).putObject("kdf").put("name", "none");
    });
    assertThat(readAll(tgz)).isEqualTo(records);
  }

  @Test
  void rejectsMalformedManifestFields() {
    String[][] edits = {
      {"export_id", "not-a-uuid"}, {"created_at", "yesterday"}, {"guardian_instance", ""},
    };
    for (String[] edit : edits) {
      assertThat(rejection(TestArchives.editManifest(archive, m -> m.put(edit[0], edit[1]))).reason())
          .as(edit[0]).isEqualTo(Reason.MALFORMED_MANIFEST);
    }
    assertThat(rejection(TestArchives.editManifest(archive, m -> TestArchives.encryption(m).put("iv", "AAAA"))).reason())
        .isEqualTo(Reason.MALFORMED_MANIFEST);
    assertThat(rejection(TestArchives.editManifest(archive, m -> TestArchives.encryption(m).put("tag", "!!"))).reason())
        .isEqualTo(Reason.MALFORMED_MANIFEST);
    assertThat(rejection(TestArchives.editManifest(archive, m -> m.remove("content"))).reason())
        .isEqualTo(Reason.MALFORMED_MANIFEST);
    assertThat(rejection(TestArchives.editManifest(archive, m -> ((com.fasterxml.jackson.databind.node.ObjectNode) m.get("content")).put("record_count", -1))).reason())
        .isEqualTo(Reason.MALFORMED_MANIFEST);
  }

  @Test
  void rejectsDuplicateManifestKeys() {
    String json = new String(manifest, java.nio.charset.StandardCharsets.UTF_8).replaceFirst("\\{", "{\"version\": \"1.0\",");
    byte[] tgz = TestArchives.replaceData(archive, "manifest.json", json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(rejection(tgz).reason()).isEqualTo(Reason.MALFORMED_MANIFEST);
  }
}
