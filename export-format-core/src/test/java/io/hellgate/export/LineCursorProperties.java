package io.hellgate.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * {@link LineCursor} with {@link RecordBatch}: records decoded ahead on two threads are exactly
 * the lines parsed one by one, in order, under their own line numbers, whatever the chunk sizes
 * and however record and text reads are mixed; a line that is no record fails at its own number.
 * The chunks come from one buffer that is overwritten at every {@code next()}, as the release
 * pass's own buffer is, so a batch that outlived its chunk would give wrong records.
 */
class LineCursorProperties {
  private final FastRecordCheckProperties generators = new FastRecordCheckProperties();

  /** Chunks of {@code size} bytes of {@code data}, each copied into the same buffer. */
  static final class ReusedBuffer implements PlaintextChunks {
    private final byte[] data;
    private final byte[] buf;
    private int pos;
    private int len;

    ReusedBuffer(byte[] data, int size) {
      this.data = data;
      this.buf = new byte[size];
    }

    @Override
    public byte[] next() {
      if (pos == data.length) {
        return null;
      }
      Arrays.fill(buf, (byte) '#');
      len = Math.min(buf.length, data.length - pos);
      System.arraycopy(data, pos, buf, 0, len);
      pos += len;
      return buf;
    }

    @Override
    public int length() {
      return len;
    }
  }

  @Provide
  Arbitrary<List<byte[]>> lineLists() {
    Arbitrary<byte[]> written = generators.plainRecords().map(FastRecordCheckProperties::write);
    Arbitrary<byte[]> any = generators.lines().filter(l -> l.length > 0 && indexOf(l, (byte) '\n') < 0);
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(20, written), net.jqwik.api.Tuple.of(1, any))
        .list().ofMinSize(1).ofMaxSize(300);
  }

  @Property(tries = 300)
  void givesEachLineInOrderWhateverTheChunksAndTheMixOfReads(
      @ForAll("lineLists") List<byte[]> lines,
      @ForAll @IntRange(min = 1, max = 8192) int chunkBytes,
      @ForAll long callSeed)
      throws Exception {
    LineCursor cursor = new LineCursor(1 << 20, new RecordBatch(true, 1));
    PlaintextChunks chunks = new ReusedBuffer(joined(lines), chunkBytes);
    Random calls = new Random(callSeed);
    try {
      for (int i = 0; i < lines.size(); i++) {
        byte[] line = lines.get(i);
        int kind = calls.nextInt(8); // mostly records, as typed reads are
        if (kind >= 2) {
          assertThat(cursor.advanceRecord(chunks)).isTrue();
          assertThat(cursor.lines()).isEqualTo(i + 1);
          TokenRecord expected;
          try {
            expected = RecordCodec.parse(line, 0, line.length);
          } catch (RecordCodec.InvalidRecord e) {
            assertThatThrownBy(cursor::record).isInstanceOf(RecordCodec.InvalidRecord.class).hasMessage(e.getMessage());
            return; // the reader fails here
          }
          assertThat(cursor.record()).isEqualTo(expected);
        } else {
          assertThat(cursor.advance(chunks)).isTrue();
          assertThat(cursor.lines()).isEqualTo(i + 1);
          if (kind == 0) {
            assertThat(cursor.string()).isEqualTo(new String(line, StandardCharsets.UTF_8));
          } else {
            ByteBuffer b = cursor.bytes();
            byte[] got = new byte[b.remaining()];
            b.get(got);
            assertThat(got).isEqualTo(line);
          }
        }
      }
      assertThat(calls.nextBoolean() ? cursor.advanceRecord(chunks) : cursor.advance(chunks)).isFalse();
    } finally {
      cursor.wipe();
    }
  }

  @Test
  void aLineThatIsNoRecordFailsAtItsOwnNumberInEitherShare() throws Exception {
    byte[] valid = FastRecordCheckProperties.MINIMAL.getBytes(StandardCharsets.UTF_8);
    for (int bad : new int[] {3, 50, 97}) { // the caller's share, near the split, the worker's share
      List<byte[]> lines = new ArrayList<>();
      for (int i = 1; i <= 100; i++) {
        lines.add(i == bad ? "{\"id\":\"a\"}".getBytes(StandardCharsets.UTF_8) : valid);
      }
      RecordBatch batch = new RecordBatch(true, 1);
      LineCursor cursor = new LineCursor(1 << 20, batch);
      PlaintextChunks chunks = new ReusedBuffer(joined(lines), 1 << 20);
      for (int i = 1; i < bad; i++) {
        assertThat(cursor.advanceRecord(chunks)).isTrue();
        assertThat(cursor.record().id()).isEqualTo("a");
      }
      assertThat(cursor.advanceRecord(chunks)).isTrue();
      assertThat(cursor.lines()).isEqualTo(bad);
      assertThatThrownBy(cursor::record).as("line " + bad).isInstanceOf(RecordCodec.InvalidRecord.class)
          .hasMessageContaining("card");
      assertThat(batch.hasNext()).as("nothing after the failure").isFalse();
      assertThat(batch.worker()).as("the worker was used").isNotNull();
      cursor.wipe();
    }
  }

  @Test
  void keepsTheSplitWithinBoundsAndStopEndsTheWorker() throws Exception {
    RecordBatch batch = new RecordBatch(true, 1);
    byte[] data = joined(java.util.Collections.nCopies(500, FastRecordCheckProperties.MINIMAL.getBytes(StandardCharsets.UTF_8)));
    for (int round = 0; round < 200; round++) {
      batch.decode(data, 0, data.length);
      int n = 0;
      while (batch.hasNext()) {
        assertThat(batch.next()).isNotNull();
        n++;
      }
      assertThat(n).isEqualTo(500);
      assertThat(batch.split()).isBetween(RecordBatch.SPLIT_STEPS / 8, RecordBatch.SPLIT_STEPS * 7 / 8);
    }
    Thread worker = batch.worker();
    assertThat(worker).isNotNull();
    batch.stop();
    worker.join(10_000);
    assertThat(worker.isAlive()).isFalse();
    assertThat(batch.worker()).isNull();
  }

  @Test
  void withoutASecondProcessorDecodesOnTheCallersThreadOnly() throws Exception {
    RecordBatch batch = new RecordBatch(false, 1);
    byte[] data = joined(java.util.Collections.nCopies(100, FastRecordCheckProperties.MINIMAL.getBytes(StandardCharsets.UTF_8)));
    batch.decode(data, 0, data.length);
    assertThat(batch.worker()).isNull();
    assertThat(batch.hasNext()).isTrue();
    batch.stop();
  }

  private static byte[] joined(List<byte[]> lines) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] l : lines) {
      out.writeBytes(l);
      out.write('\n');
    }
    return out.toByteArray();
  }

  private static int indexOf(byte[] b, byte v) {
    for (int i = 0; i < b.length; i++) {
      if (b[i] == v) {
        return i;
      }
    }
    return -1;
  }
}
