package io.hellgate.export.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class LineScannerProperties {
  private static boolean jdkSaysUtf8(byte[] b) {
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  @Provide
  Arbitrary<byte[]> lineBytes() {
    Arbitrary<Byte> interesting = Arbitraries.of((byte) 'a', (byte) 0xc3, (byte) 0xa9, (byte) 0xe0, (byte) 0xa0, (byte) 0x80,
        (byte) 0xed, (byte) 0xa0, (byte) 0xf0, (byte) 0x90, (byte) 0xf4, (byte) 0x8f, (byte) 0xbf, (byte) 0xc0, (byte) 0xff);
    return Arbitraries.oneOf(interesting, Arbitraries.bytes()).filter(b -> b != '\n').array(byte[].class).ofMinSize(1).ofMaxSize(40);
  }

  @Property(tries = 2000)
  void agreesWithTheJdkOnUtf8WhateverTheChunking(@ForAll("lineBytes") byte[] line, @ForAll @IntRange(min = 1, max = 17) int chunk) {
    byte[] stream = new byte[line.length * 2 + 2];
    System.arraycopy(line, 0, stream, 0, line.length);
    stream[line.length] = '\n';
    System.arraycopy(line, 0, stream, line.length + 1, line.length);
    stream[stream.length - 1] = '\n';
    LineScanner s = new LineScanner(1 << 20);
    for (int i = 0; i < stream.length; i += chunk) {
      s.scan(stream, i, Math.min(chunk, stream.length - i));
    }
    s.finish();
    boolean valid = jdkSaysUtf8(line) && line[line.length - 1] != '\r';
    assertThat(s.error() == null).as(java.util.HexFormat.of().formatHex(line)).isEqualTo(valid);
    if (valid) {
      assertThat(s.lines()).isEqualTo(2);
    }
  }

  @Property(tries = 500)
  void findsTheFirstNewline(@ForAll byte[] bytes, @ForAll @IntRange(min = 0, max = 8) int from) {
    int f = Math.min(from, bytes.length);
    int expected = -1;
    for (int i = f; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        expected = i;
        break;
      }
    }
    assertThat(LineScanner.indexOfNewline(bytes, f, bytes.length)).isEqualTo(expected);
  }

  /**
   * Bytes next to '\n' in value: in the SWAR test a newline's byte borrows from the byte above it,
   * so a 0x0b right above a newline also looks like one; only the lowest hit may count.
   */
  @Property(tries = 1000)
  void findsTheFirstNewlineAmongLookalikes(
      @ForAll @net.jqwik.api.constraints.Size(max = 70) List<@net.jqwik.api.constraints.IntRange(max = 5) Integer> picks,
      @ForAll @IntRange(min = 0, max = 20) int from,
      @ForAll @IntRange(min = 0, max = 20) int cut) {
    byte[] alphabet = {'\n', 0x0b, 0x09, (byte) 0x8a, 'a', 0x00};
    byte[] bytes = new byte[picks.size()];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = alphabet[picks.get(i)];
    }
    int to = Math.max(0, bytes.length - cut);
    int f = Math.min(from, to);
    int expected = -1;
    for (int i = f; i < to; i++) {
      if (bytes[i] == '\n') {
        expected = i;
        break;
      }
    }
    assertThat(LineScanner.indexOfNewline(bytes, f, to)).isEqualTo(expected);
  }

  @Test
  void rejectsEmptyLinesCrLfOverlongLinesAndMissingFinalNewline() {
    assertThat(scan("a\n\nb\n", 100)).isEqualTo("line 2 is empty");
    assertThat(scan("a\r\n", 100)).contains("\\r\\n");
    assertThat(scan("abcdefghijk\n", 10)).isEqualTo("line 1 is longer than 10 bytes");
    assertThat(scan("a\nb", 100)).isEqualTo("line 2 does not end in \\n");
    assertThat(scan("a\n\u00e9\n", 100)).isNull();
    assertThat(scan("", 100)).isNull();
  }

  private static String scan(String s, int max) {
    LineScanner scanner = new LineScanner(max);
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    scanner.scan(b, 0, b.length);
    scanner.finish();
    return scanner.error();
  }
}
