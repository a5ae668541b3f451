package io.hellgate.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** Whatever records go in come out, whatever the content and however the input is chunked. */
class RoundTripProperties {
  /** Hands out one byte per read call, the worst case for every buffering layer. */
  static InputStream oneByteAtATime(byte[] bytes) {
    return new FilterInputStream(new ByteArrayInputStream(bytes)) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return super.read(b, off, Math.min(len, 1));
      }
    };
  }

  @Provide
  Arbitrary<String> text() {
    return Arbitraries.strings().all().ofMaxLength(40).filter(s -> !s.isBlank())
        .map(s -> RecordValidation.isWellFormed(s) ? s : "x");
  }

  @Provide
  Arbitrary<String> jsonValue() {
    return Arbitraries.oneOf(
        Arbitraries.of("null", "true", "false", "0", "-1.5e3", "12345678901234567890", "[]", "{}",
            "{\"nested\":{\"deep\":[1,2,{\"x\":\"é\\u0000\"}]}}", "\"\\ud83d\\ude00 emoji\""),
        Arbitraries.strings().all().ofMaxLength(20).filter(RecordValidation::isWellFormed).map(s -> "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"")
            .chars().mapToObj(c -> c < 0x20 ? String.format("\\u%04x", c) : String.valueOf((char) c))
            .reduce("", String::concat) + "\""));
  }

  @Provide
  Arbitrary<TokenRecord> records() {
    Arbitrary<String> pan = Arbitraries.strings().numeric().ofMinLength(12).ofMaxLength(19);
    Arbitrary<Card> card = Combinators.combine(
            pan,
            Arbitraries.integers().between(1, 12),
            Arbitraries.integers().between(1970, 9999),
            text().injectNull(0.3),
            Arbitraries.of("visa", "mastercard", "amex").injectNull(0.3),
            Arbitraries.maps(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8).map(s -> "x_" + s), jsonValue()).ofMaxSize(3))
        .as((p, m, y, name, scheme, extra) -> {
          Card.Builder b = Card.builder().accountNumber(p).expiryMonth(m).expiryYear(y).cardholderName(name).scheme(scheme);
          extra.forEach(b::extraField);
          return b.build();
        });
    Arbitrary<Map<String, String>> metadata = Arbitraries.oneOf(
        Arbitraries.maps(text(), text()).ofMaxSize(20),
        Arbitraries.maps(Arbitraries.strings().alpha().ofLength(4), Arbitraries.strings().all().ofLength(20_000).map(s -> RecordValidation.isWellFormed(s) ? s : "y")).ofSize(2));
    return Combinators.combine(
            text(),
            card,
            Arbitraries.longs().between(0, 4_102_444_800L).map(Instant::ofEpochSecond),
            Arbitraries.longs().between(0, 4_102_444_800L).map(s -> Instant.ofEpochSecond(s, 123_000_000)).injectNull(0.5),
            metadata.injectNull(0.3),
            Arbitraries.maps(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8).map(s -> "u_" + s), jsonValue()).ofMaxSize(3))
        .as((id, c, created, expires, meta, extra) -> {
          TokenRecord.Builder b = TokenRecord.builder().id(id).card(c).createdAt(created).expiresAt(expires).metadata(meta);
          extra.forEach(b::extraField);
          return b.build();
        });
  }

  @Property(tries = 60)
  void recordsSurviveTheRoundTrip(@ForAll @Size(max = 25) List<@From("records") TokenRecord> records) throws Exception {
    byte[] archive = Fixtures.writeArchive(Fixtures.writerOptions(), records);
    List<TokenRecord> read = new ArrayList<>();
    try (ExportReader r = ExportReader.open(oneByteAtATime(archive), Fixtures.readerOptions())) {
      assertThat(r.manifest().recordCount()).isEqualTo(records.size());
      for (TokenRecord t; (t = r.nextRecord()) != null; ) {
        read.add(t);
      }
    }
    assertThat(read).isEqualTo(records);
  }

  @Property(tries = 40)
  void rawLinesComeBackByteForByte(@ForAll @Size(max = 10) List<@From("records") TokenRecord> records) throws Exception {
    List<String> lines = new ArrayList<>();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ExportWriter w = ExportWriter.open(out, Fixtures.writerOptions())) {
      for (TokenRecord t : records) {
        // Re-serialise through Jackson with a different layout to prove bytes, not values, are kept.
        String line = TestArchives.JSON.writeValueAsString(TestArchives.JSON.readTree(canonical(t))).replace(",\"", ", \"");
        lines.add(line);
        w.writeLine(line);
      }
      w.finish();
    }
    List<String> read = new ArrayList<>();
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(out.toByteArray()), Fixtures.readerOptions())) {
      for (String l; (l = r.nextLine()) != null; ) {
        read.add(l);
      }
    }
    assertThat(read).isEqualTo(lines);
    List<String> asBytes = new ArrayList<>();
    try (ExportReader r = ExportReader.open(oneByteAtATime(out.toByteArray()), Fixtures.readerOptions())) {
      for (java.nio.ByteBuffer b; (b = r.nextLineBytes()) != null; ) {
        assertThat(b.isReadOnly()).isTrue();
        asBytes.add(java.nio.charset.StandardCharsets.UTF_8.decode(b).toString());
      }
    }
    assertThat(asBytes).isEqualTo(lines);
  }

  @Property(tries = 100)
  void parsingThenWritingIsLossless(@ForAll("records") TokenRecord record) throws Exception {
    String json = canonical(record);
    byte[] bytes = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    TokenRecord parsed = RecordCodec.parse(bytes, 0, bytes.length);
    assertThat(parsed).isEqualTo(record);
    assertThat(canonical(parsed)).isEqualTo(json);
  }

  private static String canonical(TokenRecord t) {
    com.fasterxml.jackson.core.util.ByteArrayBuilder b = new com.fasterxml.jackson.core.util.ByteArrayBuilder();
    RecordCodec.write(t, b);
    return new String(b.toByteArray(), java.nio.charset.StandardCharsets.UTF_8);
  }
}

class UnpairedSurrogateTest {
  @org.junit.jupiter.api.Test
  void rejectsUnpairedSurrogatesInStrings() {
    Card card = Fixtures.record(1).card();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> card.toBuilder().cardholderName("a\ud800b").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cardholder_name");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> Fixtures.record(1).toBuilder().metadata(java.util.Map.of("k", "\udc00")).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("metadata");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Fixtures.record(1).toBuilder().id("\ud83d").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("id");
  }
}
