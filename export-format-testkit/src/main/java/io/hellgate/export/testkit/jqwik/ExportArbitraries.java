package io.hellgate.export.testkit.jqwik;

import io.hellgate.export.Card;
import io.hellgate.export.ExportRequest;
import io.hellgate.export.TokenRecord;
import io.hellgate.export.testkit.SyntheticRecords;
import io.hellgate.export.testkit.golden.Layout;
import io.hellgate.export.testkit.golden.Tampering;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;

/**
 * jqwik arbitraries for the export format: token records across the edges of the record spec
 * (docs/format.md, 6.2), whole plaintexts, archive layouts, tamperings and their positions, and
 * format 1.1 export requests and scopes. Each
 * shrinks towards a small, readable value (short ASCII text, the first test prefix and the shortest
 * PAN, few records, position 0). {@link ExportArbitraryProvider} makes them the default for
 * {@code @ForAll TokenRecord}, {@code Card}, {@code Plaintext} and {@code Layout}.
 *
 * <p>Every account number is a Luhn-valid <em>test</em> PAN (documented test prefixes, see
 * {@link SyntheticRecords}); never a real card number. Stateless and thread-safe.
 *
 * <pre>{@code
 * @Property
 * void mine(@ForAll TokenRecord record, @ForAll("plaintexts") Plaintext plaintext) { ... }
 *
 * @Provide
 * Arbitrary<Plaintext> plaintexts() {
 *   return ExportArbitraries.plaintexts();
 * }
 * }</pre>
 */
public final class ExportArbitraries {
  /** Test prefixes: Visa, Mastercard, Amex, Discover (as SyntheticRecords). */
  private static final List<String> TEST_PREFIXES = List.of("411111", "555555", "378282", "601111");
  private static final List<String> SCHEMES =
      List.of("visa", "mastercard", "amex", "discover", "jcb", "unionpay", "diners", "maestro");
  private static final long YEAR_0000 = -62_167_219_200L;
  private static final long YEAR_9999_END = 253_402_300_799L;

  private ExportArbitraries() {}

  /**
   * Luhn-valid test PANs of every length the format allows (12 to 19 digits) with the test prefixes
   * 411111, 555555, 378282 and 601111; shrinks to {@code 411111} plus zeros, 12 digits.
   */
  public static Arbitrary<String> testPans() {
    return Combinators.combine(
            Arbitraries.of(TEST_PREFIXES), Arbitraries.integers().between(12, 19), Arbitraries.strings().numeric().ofLength(12))
        .as((prefix, length, digits) -> SyntheticRecords.luhnComplete(
            prefix + (digits + "000000000000").substring(0, length - 1 - prefix.length())));
  }

  /**
   * Well-formed Unicode text of {@code minChars} to {@code maxChars} UTF-16 chars: ASCII, control
   * characters (escaped in JSON), the rest of the BMP and astral code points (surrogate pairs),
   * never a lone surrogate.
   */
  public static Arbitrary<String> text(int minChars, int maxChars) {
    Arbitrary<Integer> codePoint = Arbitraries.integers().between(0, CODE_POINTS - 1)
        .withDistribution(RandomDistribution.biased()).map(ExportArbitraries::codePoint);
    return codePoint.list().ofMinSize(minChars).ofMaxSize(maxChars).map(cps -> {
      StringBuilder sb = new StringBuilder();
      for (int cp : cps) {
        if (sb.length() + Character.charCount(cp) > maxChars) {
          break;
        }
        sb.appendCodePoint(cp);
      }
      return sb.toString();
    });
  }

  /**
   * Code point ranges in shrinking order: index 0 is {@code a}, so text shrinks to lowercase ASCII
   * first, then printable ASCII, control characters, the rest of the BMP without surrogates, and
   * astral code points (surrogate pairs in Java and JSON).
   */
  private static final int[][] RANGES = {{'a', 'z'}, {' ', '~'}, {0, 0x1f}, {0xa0, 0xd7ff}, {0xe000, 0xfffd}, {0x1_0000, 0x10_ffff}};
  private static final int CODE_POINTS = java.util.Arrays.stream(RANGES).mapToInt(r -> r[1] - r[0] + 1).sum();

  private static int codePoint(int index) {
    for (int[] r : RANGES) {
      if (index <= r[1] - r[0]) {
        return r[0] + index;
      }
      index -= r[1] - r[0] + 1;
    }
    throw new AssertionError(index);
  }

  /** Record ids: UUIDs mostly, else non-blank Unicode text up to the 256-character limit. */
  public static Arbitrary<String> ids() {
    Arbitrary<String> uuids = Combinators.combine(Arbitraries.longs(), Arbitraries.longs()).as((a, b) -> new UUID(a, b).toString());
    return Arbitraries.frequencyOf(
        Tuple.of(4, uuids),
        Tuple.of(2, text(1, 40).filter(s -> !s.isBlank())),
        Tuple.of(1, Arbitraries.of("i".repeat(256), "\ud83d\udcb3".repeat(128), "é".repeat(256))));
  }

  /** Cardholder names: Unicode (accents, CJK, RTL, emoji as surrogate pairs), empty, up to 256 characters. */
  public static Arbitrary<String> cardholderNames() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, text(0, 30)),
        Tuple.of(2, Arbitraries.of("Zoë Çelik-Østergård", "山田 太郎", "محمد بن سلمان", "Ngozi Okafor",
            "\ud83d\ude00 Smiley", "O'Brien \"Junior\" \\ Jr.")),
        Tuple.of(1, Arbitraries.of("n".repeat(256), "\ud83d\ude00".repeat(128), "")));
  }

  /** Schemes: the common names and free text up to the 64-character limit. */
  public static Arbitrary<String> schemes() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.of(SCHEMES)),
        Tuple.of(1, text(1, 64)),
        Tuple.of(1, Arbitraries.just("s".repeat(64))));
  }

  /** Timestamps over the whole RFC 3339 range the format allows (years 0000 to 9999), with and without nanoseconds. */
  public static Arbitrary<Instant> instants() {
    Arbitrary<Integer> nanos = Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.just(0)),
        Tuple.of(1, Arbitraries.integers().between(0, 999).map(ms -> ms * 1_000_000)),
        Tuple.of(1, Arbitraries.integers().between(0, 999_999_999)));
    Arbitrary<Long> seconds = Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.longs().between(1_600_000_000L, 2_000_000_000L)),
        Tuple.of(1, Arbitraries.longs().between(YEAR_0000, YEAR_9999_END)),
        Tuple.of(1, Arbitraries.of(YEAR_0000, 0L, YEAR_9999_END)));
    return Combinators.combine(seconds, nanos).as(Instant::ofEpochSecond);
  }

  /**
   * {@code metadata}: small Unicode maps, the empty map, and a maximal one (a key of exactly 1024
   * UTF-8 bytes, 40 entries, a 64 KiB value).
   */
  public static Arbitrary<Map<String, String>> metadata() {
    Map<String, String> maximal = new java.util.LinkedHashMap<>();
    maximal.put("é".repeat(512), "v");
    for (int i = 0; i < 38; i++) {
      maximal.put("k" + i, "value " + i);
    }
    maximal.put("big", "m".repeat(64 * 1024));
    return Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.maps(text(0, 12), text(0, 30)).ofMaxSize(5)),
        Tuple.of(1, Arbitraries.just(Map.of())),
        Tuple.of(1, Arbitraries.just(java.util.Collections.unmodifiableMap(maximal))));
  }

  /**
   * Values of unknown members, as JSON text: literals, numbers as written ({@code 1.0}, {@code 1e1},
   * {@code -0}), Unicode strings with escapes, nested arrays and objects.
   */
  public static Arbitrary<String> jsonValues() {
    Arbitrary<String> strings = text(0, 20).map(ExportArbitraries::jsonString);
    Arbitrary<String> numbers = Arbitraries.of("0", "-0", "1.0", "1.50", "1e1", "-1.5E-3", "12345678901234567890", "3");
    Arbitrary<String> scalars = Arbitraries.oneOf(Arbitraries.of("null", "true", "false"), numbers, strings);
    Arbitrary<String> arrays = scalars.list().ofMaxSize(3).map(l -> "[" + String.join(",", l) + "]");
    Arbitrary<String> objects = Arbitraries.maps(text(0, 8).map(ExportArbitraries::jsonString), Arbitraries.oneOf(scalars, arrays))
        .ofMaxSize(3)
        .map(m -> m.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()).collect(Collectors.joining(",", "{", "}")));
    return Arbitraries.frequencyOf(
        Tuple.of(4, scalars), Tuple.of(1, arrays), Tuple.of(1, objects),
        Tuple.of(1, Arbitraries.just("{\"deep\":[[[[{\"x\":\"\\u00e9\\ud83d\\ude00\"}]]]]}")));
  }

  /** Unknown member names: never a known member (a prefix keeps them apart), Unicode allowed. */
  private static Arbitrary<Map<String, String>> unknownMembers(String prefix) {
    return Combinators.combine(text(0, 10), jsonValues()).as((name, value) -> Map.entry(prefix + name, value))
        .list().ofMinSize(1).ofMaxSize(3).uniqueElements(Map.Entry::getKey)
        .map(entries -> {
          Map<String, String> m = new java.util.LinkedHashMap<>();
          entries.forEach(e -> m.put(e.getKey(), e.getValue()));
          return m;
        });
  }

  /** Cards: every length of test PAN, every month, years 1970 to 9999, optional name and scheme, unknown members. */
  public static Arbitrary<Card> cards() {
    return Combinators.combine(
            testPans(), Arbitraries.integers().between(1, 12),
            Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.integers().between(1970, 9999)), Tuple.of(1, Arbitraries.of(1970, 9999))),
            cardholderNames().injectNull(0.3), schemes().injectNull(0.3),
            Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(Map.<String, String>of())),
                Tuple.of(1, unknownMembers("x_"))))
        .as((pan, month, year, name, scheme, extra) -> {
          Card.Builder b = Card.builder().accountNumber(pan).expiryMonth(month).expiryYear(year).cardholderName(name).scheme(scheme);
          extra.forEach(b::extraField);
          return b.build();
        });
  }

  /**
   * Token records across the edges of the record spec: ids, cards as {@link #cards()}, created and
   * expiry times over years 0000 to 9999, absent, empty and maximal metadata, unknown top-level
   * members (kept by every conforming reader and writer).
   */
  public static Arbitrary<TokenRecord> tokenRecords() {
    return Combinators.combine(
            ids(), cards(), instants(), instants().injectNull(0.5), metadata().injectNull(0.4),
            Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(Map.<String, String>of())),
                Tuple.of(1, unknownMembers("u_"))))
        .as((id, card, created, expires, metadata, extra) -> {
          TokenRecord.Builder b = TokenRecord.builder().id(id).card(card).createdAt(created).expiresAt(expires).metadata(metadata);
          extra.forEach(b::extraField);
          return b.build();
        });
  }

  /**
   * Whole plaintexts: 0 to 4 records from {@link #tokenRecords()}, one time in ten followed by many
   * (20 to 416 from {@link SyntheticRecords}), and one time in eight a line of 1 MiB or just under
   * (up to 64 bytes less) inserted among them. Shrinks to few records and no long line.
   */
  public static Arbitrary<Plaintext> plaintexts() {
    // Single integers mapped to "none" at their low end (not frequencyOf branches), so that a
    // failing case shrinks all the way to few records and no long line. Drawn uniformly: jqwik's
    // default for a range this wide is biased towards its low end, which made the "many" and
    // "long line" branches far rarer than the one in ten and one in eight documented above
    // (a sample of 150 once held neither, and plaintextsIncludeNoRecords... failed in CI).
    Arbitrary<Integer> synthetic = Arbitraries.integers().between(0, 999).withDistribution(RandomDistribution.uniform())
        .map(k -> k < 900 ? 0 : 20 + (k - 900) * 4);
    Arbitrary<Integer> longLine = Arbitraries.integers().between(0, 8 * 65 - 1).withDistribution(RandomDistribution.uniform())
        .map(k -> k < 7 * 65 ? 0 : Plaintext.MAX_LINE_BYTES - (k - 7 * 65));
    return Combinators.combine(tokenRecords().list().ofMaxSize(4), synthetic, longLine, Arbitraries.integers().between(0, 1000))
        .as((few, many, bytes, at) -> {
          List<TokenRecord> records = new ArrayList<>(few);
          SyntheticRecords gen = SyntheticRecords.seeded(many);
          for (int i = 0; i < many; i++) {
            records.add(gen.next());
          }
          Plaintext p = Plaintext.of(records);
          return bytes == 0 ? p : p.withLongLine(at % (p.lineCount() + 1), bytes);
        });
  }

  /** Every combination of {@link Layout}'s options, trailing bytes up to {@link Layout#MAX_TRAILING_BYTES}. */
  public static Arbitrary<Layout> layouts() {
    Arbitrary<Integer> trailing = Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.just(0)),
        Tuple.of(2, Arbitraries.integers().between(1, 4096)),
        Tuple.of(1, Arbitraries.just(Layout.MAX_TRAILING_BYTES)));
    return Combinators.combine(
            Arbitraries.of(Layout.Headers.class), Arbitraries.of(false, true), Arbitraries.of(true, false),
            Arbitraries.of(false, true), Arbitraries.of(Layout.Gzip.class), trailing)
        .as((headers, records, manifestFirst, dotSlash, gzip, bytes) -> Layout.builder().headers(headers)
            .recordsEntryName(records).manifestFirst(manifestFirst).dotSlash(dotSlash).gzip(gzip).trailingBytes(bytes).build());
  }

  /** Every {@link Tampering} kind. */
  public static Arbitrary<Tampering> tamperings() {
    return Arbitraries.of(Tampering.class);
  }

  /** Positions for {@link Tampering#apply}: small ones often (the first bytes, lines, bits), up to 2^24. */
  public static Arbitrary<Integer> positions() {
    return Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.integers().between(0, 64)),
        Tuple.of(1, Arbitraries.integers().between(0, 1 << 24)));
  }

  /**
   * Format 1.1 scopes (docs/format.md, section 13): a half-open {@code created_at} window inside
   * the years most generated records fall in, mostly any scheme else one or two, sometimes a metadata filter
   * ({@code channel} is {@code web} or {@code pos}, as SyntheticRecords writes it), optional
   * {@code system} and {@code batch} labels. So generated records land both inside and outside.
   */
  public static Arbitrary<ExportRequest.Scope> scopes() {
    return Combinators.combine(
            Arbitraries.longs().between(1_600_000_000L, 2_000_000_000L), Arbitraries.longs().between(1, 400_000_000L),
            Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(java.util.Set.<String>of())),
                Tuple.of(1, Arbitraries.of(SCHEMES).set().ofMinSize(1).ofMaxSize(2))),
            Arbitraries.frequencyOf(Tuple.of(5, Arbitraries.just("")), Tuple.of(1, Arbitraries.of("web", "pos"))),
            requestText(20).injectNull(0.7), requestText(20).injectNull(0.7))
        .as((from, width, schemes, channel, system, batch) -> {
          ExportRequest.Scope.Builder b = ExportRequest.Scope.builder()
              .createdFrom(Instant.ofEpochSecond(from)).createdUntil(Instant.ofEpochSecond(from + width)).system(system).batch(batch);
          schemes.forEach(b::scheme);
          if (!channel.isEmpty()) {
            b.metadata("channel", channel);
          }
          return b.build();
        });
  }

  /**
   * Format 1.1 export requests for the golden recipient certificate
   * ({@link io.hellgate.export.testkit.golden.GoldenKeys#recipientCertificate()}), with
   * {@link #scopes()}, Unicode text fields up to their limits, and request ids of the allowed
   * alphabet ({@code A-Z a-z 0-9 . _ : -}, 1 to 128, starting with a letter or digit).
   */
  public static Arbitrary<ExportRequest> requests() {
    String pem = io.hellgate.export.testkit.Pem.certificate(io.hellgate.export.testkit.golden.GoldenKeys.recipientCertificate());
    Arbitrary<String> requestIds = Combinators.combine(
            Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').withCharRange('0', '9').ofLength(1),
            Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').withChars('.', '_', ':', '-').ofMaxLength(127))
        .as(String::concat);
    Arbitrary<String> field = Arbitraries.frequencyOf(
        Tuple.of(6, requestText(30)), Tuple.of(1, Arbitraries.just("f".repeat(256))));
    return Combinators.combine(requestIds, field, field, requestText(200), field,
            Arbitraries.integers().between(0, 3650).map(d -> java.time.LocalDate.of(2020, 1, 1).plusDays(d)), scopes(),
            Combinators.combine(field, field, field).as(List::of))
        .as((id, organization, cluster, useCase, attestation, date, scope, people) -> ExportRequest.builder()
            .requestId(id).organization(organization).clusterId(cluster).useCase(useCase).pciAttestation(attestation, date)
            .scope(scope).recipientTeam(people.get(0)).recipientContact(people.get(1)).pointOfContact(people.get(2))
            .recipientCertificatePem(pem).build());
  }

  /**
   * Format 1.1 manifest signers ({@link io.hellgate.export.testkit.TestSigner}): ECDSA P-256 and
   * RSA-PSS 2048, shrinking to ECDSA. Keys are generated once per JVM, when a signer is first
   * generated, and shared by every try and property: cheap per try, about a second for RSA once.
   */
  public static Arbitrary<io.hellgate.export.testkit.TestSigner> signers() {
    return Arbitraries.of(io.hellgate.export.testkit.TestSigner.Algorithm.class).map(io.hellgate.export.testkit.TestSigner::of);
  }

  /** Request text: non-blank, no control characters (ExportRequest refuses them), up to {@code max} chars. */
  private static Arbitrary<String> requestText(int max) {
    return text(1, max).map(t -> t.codePoints().map(c -> Character.isISOControl(c) ? ' ' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString()).filter(t -> !t.isBlank());
  }

  /** A JSON string literal for {@code s}: quotes, backslashes and control characters escaped. */
  static String jsonString(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }
}
