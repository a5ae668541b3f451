package io.hellgate.export.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.hellgate.export.delivery.internal.AddressThrottle;
import io.hellgate.export.delivery.internal.Tokens;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** Token shape and hashing, the Range parser and the throttle's bounds. */
class TokensTest {
  @Test
  void tokensAre256RandomBitsInBase64UrlAndWellFormed() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String t = Tokens.newToken();
      assertThat(t).hasSize(43).matches("[A-Za-z0-9_-]{43}");
      assertThat(Base64.getUrlDecoder().decode(t)).hasSize(32);
      assertThat(Tokens.wellFormed(t)).isTrue();
      assertThat(seen.add(t)).isTrue();
    }
  }

  @Test
  void hashIsTheSha256OfTheTokenKnownAnswer() {
    // SHA-256("abc") from FIPS 180-2
    assertThat(Tokens.hash("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Property
  void anythingButA43CharacterCanonicalTokenIsMalformed(@ForAll @StringLength(max = 60) String s) {
    boolean canonical = s.length() == 43 && s.matches("[A-Za-z0-9_-]+")
        && Base64.getUrlEncoder().withoutPadding().encodeToString(Base64.getUrlDecoder().decode(s)).equals(s);
    assertThat(Tokens.wellFormed(s)).isEqualTo(canonical);
  }

  @Test
  void rejectsANonCanonicalLastCharacter() {
    String t = Tokens.newToken();
    String bad = t.substring(0, 42) + "B"; // low bits set: decodes to the same bytes as another token
    assertThat(Tokens.wellFormed(bad)).isFalse();
  }

  @Test
  void parsesOneByteRangeOnly() {
    assertThat(DownloadHandler.parseRange("bytes=0-9", 100)).containsExactly(0, 10);
    assertThat(DownloadHandler.parseRange("bytes=90-", 100)).containsExactly(90, 100);
    assertThat(DownloadHandler.parseRange("bytes=-10", 100)).containsExactly(90, 100);
    assertThat(DownloadHandler.parseRange("bytes=-500", 100)).containsExactly(0, 100);
    assertThat(DownloadHandler.parseRange("bytes=50-5000", 100)).containsExactly(50, 100);
    assertThat(DownloadHandler.parseRange("bytes=100-", 100)).isNull();
    assertThat(DownloadHandler.parseRange("bytes=5-4", 100)).isNull();
    assertThat(DownloadHandler.parseRange("bytes=0-1,5-6", 100)).isNull();
    assertThat(DownloadHandler.parseRange("items=0-1", 100)).isNull();
    assertThat(DownloadHandler.parseRange("bytes=-0", 100)).isNull();
    assertThat(DownloadHandler.parseRange("bytes=x-1", 100)).isNull();
  }

  @Test
  void throttleRefusesAfterTheLimitUntilTheWindowEndsAndStaysBounded() {
    AddressThrottle t = new AddressThrottle(3, 60_000, 100);
    for (int i = 0; i < 3; i++) {
      assertThat(t.refusedFor("client-a", 1000)).isZero();
      t.failure("client-a", 1000);
    }
    assertThat(t.refusedFor("client-a", 1000)).isEqualTo(60_000);
    assertThat(t.refusedFor("client-b", 1000)).isZero();
    assertThat(t.refusedFor("client-a", 61_000)).isZero();
    for (int i = 0; i < 10_000; i++) {
      t.failure("addr-" + i, 2000);
    }
    assertThat(t.size()).isEqualTo(100);
  }
}
