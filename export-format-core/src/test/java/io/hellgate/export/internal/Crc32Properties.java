package io.hellgate.export.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.zip.CRC32;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

class Crc32Properties {
  private static int crc(byte[] b, int off, int len) {
    CRC32 c = new CRC32();
    c.update(b, off, len);
    return (int) c.getValue();
  }

  @Property(tries = 300)
  void combiningTheCrcsOfTwoPartsGivesTheCrcOfTheWhole(@ForAll @Size(max = 3000) byte[] data, @ForAll int cutSeed) {
    int cut = data.length == 0 ? 0 : Math.floorMod(cutSeed, data.length + 1);
    int whole = crc(data, 0, data.length);
    assertThat(Crc32.combine(crc(data, 0, cut), crc(data, cut, data.length - cut), data.length - cut)).isEqualTo(whole);
  }

  @Property(tries = 200)
  void combineIsAssociativeForLengthsBeyondWhatFitsInMemory(
      @ForAll int a, @ForAll int b, @ForAll int c,
      @ForAll @LongRange(max = 1L << 40) long lb, @ForAll @LongRange(max = 1L << 40) long lc) {
    // CRC(A||B||C) computed both ways; B and C stand for parts of up to 1 TiB.
    assertThat(Crc32.combine(Crc32.combine(a, b, lb), c, lc)).isEqualTo(Crc32.combine(a, Crc32.combine(b, c, lc), lb + lc));
  }

  @Example
  void combinesWithTheZlibKnownAnswer() {
    // CRC-32("123456789") = 0xCBF43926, the standard check value, from its two halves.
    byte[] check = "123456789".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    assertThat(Crc32.combine(crc(check, 0, 4), crc(check, 4, 5), 5)).isEqualTo(0xCBF43926);
    assertThat(Crc32.combine(crc(check, 0, 9), 0, 0)).isEqualTo(0xCBF43926);
  }
}
