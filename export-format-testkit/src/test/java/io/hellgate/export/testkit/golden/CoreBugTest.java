package io.hellgate.export.testkit.golden;

import static org.assertj.core.api.Assertions.assertThat;

import io.hellgate.export.ExportReader;
import io.hellgate.export.ExportWriter;
import io.hellgate.export.RecipientKey;
import io.hellgate.export.TokenRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** Regression tests for bugs found in export-format-core while building the vectors. */
class CoreBugTest {
  /** Regression: RecordCodec used FAIL_ON_TRAILING_TOKENS inside a record, rejecting unknown members. */
  @Test
  void unknownRecordMembersAreKept() throws Exception {
    String line = GoldenSet.UNKNOWN_MEMBER_LINES.get(0);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ExportWriter w = ExportWriter.open(out, GoldenSet.options("bug-unknown", GoldenArchivesTest.recipient()))) {
      w.writeLine(line);
      w.finish();
    }
    RecipientKey key = RecipientKey.of(Pem.privateKey(GoldenArchivesTest.resource("keys/recipient-key.pem")));
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(out.toByteArray()), ExportReader.options().key(key).build())) {
      TokenRecord record = r.nextRecord();
      assertThat(record.extraFields()).containsKeys("loyalty", "note");
      assertThat(record.card().extraFields()).containsKey("issuer_country");
    }
  }

  /** The format (docs/format.md) pads the tar to 512-byte blocks, not tar(1)'s 10240-byte records. */
  @Test
  void writerPadsTheTarTo512ByteBlocksOnly() throws Exception {
    byte[] archive = GoldenSet.writerArchive("valid-small", GoldenArchivesTest.recipient());
    byte[] tar = new GZIPInputStream(new ByteArrayInputStream(archive)).readAllBytes();
    assertThat(tar.length % 512).isZero();
    assertThat(java.util.Arrays.copyOfRange(tar, tar.length - 1024, tar.length)).containsOnly(0);
  }
}
