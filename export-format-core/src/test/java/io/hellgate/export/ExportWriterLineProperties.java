package io.hellgate.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.hellgate.export.internal.LineCheck;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * {@link ExportWriter#writeLineBytes}, whichever of its paths a line takes (the canonical layout
 * without the raw-line check, the fast path's general rules, or Jackson), accepts exactly the
 * lines that pass the raw-line check and Jackson's parse ({@link RecordCodec#parseJson}), the
 * independent oracle.
 */
class ExportWriterLineProperties {
  private final FastRecordCheckProperties generators = new FastRecordCheckProperties();

  @Provide
  Arbitrary<byte[]> lines() {
    return generators.lines();
  }

  @Property(tries = 3_000)
  void writeLineBytesAcceptsExactlyWhatTheParserAccepts(@ForAll("lines") byte[] line) throws Exception {
    boolean expected = LineCheck.utf8(line, 0, line.length) == null && FastRecordCheckProperties.full(line);
    boolean written;
    try (ExportWriter w = ExportWriter.open(new ByteArrayOutputStream(), Fixtures.writerOptions())) {
      try {
        w.writeLineBytes(ByteBuffer.wrap(line));
        written = true;
      } catch (ExportFormatException e) {
        assertThat(e.reason()).isEqualTo(ExportFormatException.Reason.MALFORMED_RECORD);
        written = false;
      }
      assertThat(w.recordCount()).isEqualTo(written ? 1 : 0);
    }
    Statistics.collect(written ? "written" : "refused");
    Statistics.coverage(c -> {
      c.check("written").percentage(p -> p > 10);
      c.check("refused").percentage(p -> p > 10);
    });
    assertThat(written).as(new String(line, StandardCharsets.UTF_8)).isEqualTo(expected);
  }
}
