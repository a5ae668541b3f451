package io.hellgate.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.hellgate.export.internal.LineScanner;
import java.io.ByteArrayOutputStream;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * {@link RecordCheck} feeding the framing scan ({@code new RecordCheck(max, null, framing)}, what
 * the verification pass runs when records are validated) against the two scans run separately over
 * the same chunks, as before session 8: the same line count, the same framing error and the same
 * record error, for any stream of valid, broken, empty, CRLF-ended, too-long or unterminated lines,
 * cut into chunks anywhere.
 */
class RecordCheckFramingProperties {
  private final FastRecordCheckProperties lines = new FastRecordCheckProperties();

  @Property(tries = 3_000)
  void fedFramingEndsAsASeparateScan(@ForAll("streams") byte[] stream, @ForAll @IntRange(min = 1, max = 700) int chunk,
      @ForAll("maxLineBytes") int maxLineBytes) {
    LineScanner separate = new LineScanner(maxLineBytes);
    RecordCheck alone = new RecordCheck(maxLineBytes, null, null);
    LineScanner fed = new LineScanner(maxLineBytes);
    RecordCheck fused = new RecordCheck(maxLineBytes, null, fed);
    for (int off = 0; off < stream.length; off += chunk) {
      int n = Math.min(chunk, stream.length - off);
      separate.scan(stream, off, n);
      alone.scan(stream, off, n);
      fused.scan(stream, off, n);
    }
    separate.finish();
    fed.finish();
    Statistics.label("framing").collect(separate.error() == null ? "ok" : "error");
    Statistics.label("records").collect(alone.error() == null ? "ok" : "error");
    Statistics.label("framing").coverage(c -> {
      c.check("ok").percentage(p -> p > 5);
      c.check("error").percentage(p -> p > 10);
    });
    assertThat(fed.error()).isEqualTo(separate.error());
    assertThat(fed.lines()).isEqualTo(separate.lines());
    assertThat(fused.error()).isEqualTo(alone.error());
  }

  /** Mostly the default limit; sometimes one that many lines exceed. */
  @Provide
  Arbitrary<Integer> maxLineBytes() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, Arbitraries.just(1 << 20)), net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(8, 400)));
  }

  /** Lines of every kind, joined by newlines (sometimes CRLF, sometimes none at the end). */
  @Provide
  Arbitrary<byte[]> streams() {
    Arbitrary<byte[]> line = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(14, lines.lines()),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(new byte[0])),
        net.jqwik.api.Tuple.of(1, Arbitraries.of(new byte[] {(byte) 0xe2, (byte) 0x82}, new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
            "{\"id\":\"a\"}\r".getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    Arbitrary<String> ending = Arbitraries.frequency(
        net.jqwik.api.Tuple.of(40, "\n"), net.jqwik.api.Tuple.of(1, "\r\n"));
    return net.jqwik.api.Combinators.combine(
            net.jqwik.api.Combinators.combine(line, ending).as((l, e) -> new byte[][] {l, e.getBytes()}).list().ofMaxSize(12),
            Arbitraries.integers().between(0, 9))
        .as((List<byte[][]> parts, Integer last) -> {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          for (int i = 0; i < parts.size(); i++) {
            out.writeBytes(parts.get(i)[0]);
            if (i < parts.size() - 1 || last > 0) {
              out.writeBytes(parts.get(i)[1]);
            }
          }
          return out.toByteArray();
        });
  }
}
