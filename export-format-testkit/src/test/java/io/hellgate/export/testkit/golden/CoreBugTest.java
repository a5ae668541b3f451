package io.hellgate.export.testkit.golden;

import static org.assertj.core.api.Assertions.assertThat;

import io.hellgate.export.ExportReader;
import io.hellgate.export.ExportWriter;
import io.hellgate.export.RecipientKey;
import io.hellgate.export.TokenRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * Bugs found in export-format-core while building the vectors. Each test states the format rule and
 * fails on the current core; they stay disabled until core is fixed (core is not this module's to
 * edit). Remove the matching entry of {@link KnownCoreBugs} with the fix.
 */
class CoreBugTest {
  @Test
  @Disabled("core bug: RecordCodec.compact() uses ObjectMapper.readTree(parser) with FAIL_ON_TRAILING_TOKENS,"
      + " so every unknown record member is rejected as 'not valid JSON' (format: unknown members are kept)")
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

  @Test
  @Disabled("core bug or spec drift: the agreed layout pads the tar to 10240-byte records (as tar(1) does);"
      + " ArchiveLayout uses commons-compress 1.28's default record size of 512, so valid-small's tar is 4608 bytes")
  void writerPadsTheTarTo10240ByteRecords() throws Exception {
    byte[] archive = GoldenSet.writerArchive("valid-small", GoldenArchivesTest.recipient());
    byte[] tar = new GZIPInputStream(new ByteArrayInputStream(archive)).readAllBytes();
    assertThat(tar.length % 10240).isZero();
  }
}
