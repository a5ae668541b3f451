package io.hellgate.export.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class LineCheckProperties {
  /** The rules, spelled out slowly: what LineCheck must agree with. */
  private static String reference(byte[] b) {
    if (b.length == 0) {
      return LineCheck.EMPTY;
    }
    String s;
    try {
      s = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b)).toString();
    } catch (CharacterCodingException e) {
      s = null;
    }
    for (byte c : b) {
      if (c == '\n' || c == '\r') {
        return LineCheck.LINE_BREAK;
      }
    }
    for (byte c : b) {
      if (c == 0) {
        return LineCheck.BOM_OR_NUL;
      }
    }
    if (s == null) {
      return LineCheck.NOT_UTF8;
    }
    return s.startsWith("\uFEFF") ? LineCheck.BOM_OR_NUL : null;
  }

  @Provide
  Arbitrary<byte[]> lineBytes() {
    // Mostly text (so that valid lines are common), sometimes raw bytes.
    Arbitrary<byte[]> text = Arbitraries.strings().all().ofMaxLength(40).map(t -> t.getBytes(StandardCharsets.UTF_8));
    Arbitrary<byte[]> raw = Arbitraries.bytes().array(byte[].class).ofMaxSize(40);
    Arbitrary<byte[]> spliced = Arbitraries.strings().all().ofMaxLength(20).flatMap(t -> Arbitraries.bytes().array(byte[].class).ofMaxSize(3).map(x -> {
      byte[] a = t.getBytes(StandardCharsets.UTF_8);
      byte[] out = new byte[a.length + x.length];
      System.arraycopy(x, 0, out, 0, x.length);
      System.arraycopy(a, 0, out, x.length, a.length);
      return out;
    }));
    return Arbitraries.oneOf(text, raw, spliced);
  }

  @Property(tries = 3000)
  void utf8AgreesWithAStrictDecoder(@ForAll("lineBytes") byte[] line) {
    String expected = reference(line);
    String got = LineCheck.utf8(line, 0, line.length);
    if (expected == null || got == null) {
      assertThat(got).isEqualTo(expected);
    } else {
      // Both reject; which problem is named first may differ when a line has several.
      assertThat(got).isNotNull();
    }
  }

  @Property(tries = 1000)
  void utf8ChecksOnlyTheGivenRange(@ForAll("lineBytes") byte[] line) {
    byte[] padded = new byte[line.length + 10];
    java.util.Arrays.fill(padded, (byte) '\n');
    System.arraycopy(line, 0, padded, 5, line.length);
    assertThat(LineCheck.utf8(padded, 5, line.length) == null).isEqualTo(LineCheck.utf8(line, 0, line.length) == null);
  }

  @Property(tries = 3000)
  void encodedAcceptsExactlyTheEncodableStringsWithoutBreaksOrNul(@ForAll String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    boolean encodable = StandardCharsets.UTF_8.newEncoder().canEncode(s);
    boolean ok = !s.isEmpty() && encodable && s.indexOf('\n') < 0 && s.indexOf('\r') < 0 && s.indexOf('\0') < 0
        && !s.startsWith("\uFEFF");
    assertThat(LineCheck.encoded(b, b.length, s) == null).isEqualTo(ok);
  }

  @Example
  void rejectsOverlongsSurrogatesAndTruncatedSequences() {
    for (byte[] bad : new byte[][] {
        {(byte) 0xc0, (byte) 0xaf}, {(byte) 0xe0, (byte) 0x80, (byte) 0xaf}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
        {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {'a', (byte) 0xe2, (byte) 0x82}, {(byte) 0xff}}) {
      assertThat(LineCheck.utf8(bad, 0, bad.length)).isEqualTo(LineCheck.NOT_UTF8);
    }
    byte[] euro = "price: \u20ac and \uD83D\uDE00 here".getBytes(StandardCharsets.UTF_8);
    assertThat(LineCheck.utf8(euro, 0, euro.length)).isNull();
  }

  @Example
  void findsAQuestionMarkStandInForAnUnpairedSurrogateInAnyPosition() {
    for (int pos = 0; pos < 20; pos++) {
      String s = "x".repeat(pos) + '\uD800' + "y".repeat(19 - pos);
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      assertThat(LineCheck.encoded(b, b.length, s)).isEqualTo(LineCheck.SURROGATE);
    }
  }

  @Property
  void seesAQuestionMarkExactlyWhenThereIsOne(@ForAll("lineBytes") byte[] b) {
    boolean any = false;
    for (byte c : b) {
      any |= c == '?';
    }
    assertThat(LineCheck.mayHoldReplacedSurrogates(b)).isEqualTo(any);
  }

  @Property
  void aStringWithoutQuestionMarksEncodesToNone(@ForAll String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (LineCheck.surrogates(s) != null) {
      assertThat(LineCheck.mayHoldReplacedSurrogates(b)).as("getBytes turns an unpaired surrogate into '?'").isTrue();
    } else if (s.indexOf('?') < 0) {
      assertThat(LineCheck.mayHoldReplacedSurrogates(b)).isFalse();
    }
  }
}
