package io.hellgate.export.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The JVM-side EME-OAEP decoder against Wycheproof's RSA-OAEP-256 vectors (raw RSA is done here
 * with the JDK's NoPadding cipher, as a token would), and against the JDK's own OAEP encryption.
 */
class OaepSha256DecoderTest {
  private static final HexFormat HEX = HexFormat.of();

  /** {@code ../shared/vectors/wycheproof} relative to the repository root. */
  static Path vectorDirectory() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.isDirectory(dir.resolve(".git")) || Files.isRegularFile(dir.resolve(".git"))) {
        return dir.resolveSibling("shared").resolve("vectors").resolve("wycheproof");
      }
      dir = dir.getParent();
    }
    return Path.of("../shared/vectors/wycheproof");
  }

  @TestFactory
  Stream<DynamicTest> wycheproof2048() throws Exception {
    return vectors("rsa_oaep_2048_sha256_mgf1sha256_test.json");
  }

  @TestFactory
  Stream<DynamicTest> wycheproof3072() throws Exception {
    return vectors("rsa_oaep_3072_sha256_mgf1sha256_test.json");
  }

  @TestFactory
  Stream<DynamicTest> wycheproof4096() throws Exception {
    return vectors("rsa_oaep_4096_sha256_mgf1sha256_test.json");
  }

  private Stream<DynamicTest> vectors(String name) throws Exception {
    Path file = vectorDirectory().resolve(name);
    assumeTrue(Files.isRegularFile(file), "Wycheproof vectors absent (expected " + file + "); skipping");
    JsonNode root = new ObjectMapper().readTree(file.toFile());
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode group : root.get("testGroups")) {
      assertThat(group.get("sha").asText()).isEqualTo("SHA-256");
      assertThat(group.get("mgfSha").asText()).isEqualTo("SHA-256");
      RSAPrivateCrtKey key =
          (RSAPrivateCrtKey)
              KeyFactory.getInstance("RSA")
                  .generatePrivate(new PKCS8EncodedKeySpec(HEX.parseHex(group.get("privateKeyPkcs8").asText())));
      int k = (key.getModulus().bitLength() + 7) / 8;
      for (JsonNode t : group.get("tests")) {
        String id = "tcId " + t.get("tcId").asInt() + " " + t.get("comment").asText() + " " + t.get("flags");
        byte[] ct = HEX.parseHex(t.get("ct").asText());
        byte[] label = HEX.parseHex(t.get("label").asText());
        byte[] msg = HEX.parseHex(t.get("msg").asText());
        String result = t.get("result").asText();
        tests.add(
            DynamicTest.dynamicTest(
                id,
                () -> {
                  if ("valid".equals(result)) {
                    byte[] em = rawDecrypt(key, ct, k);
                    assertThat(em).as("raw RSA of a valid ciphertext").isNotNull();
                    assertThat(OaepSha256Decoder.decode(em, OaepSha256Decoder.sha256(label))).isEqualTo(msg);
                  } else {
                    assertThat(result).isEqualTo("invalid");
                    byte[] em = rawDecrypt(key, ct, k);
                    if (em != null) { // else rejected before decoding, as TokenUnwrapper does
                      assertThatThrownBy(() -> OaepSha256Decoder.decode(em, OaepSha256Decoder.sha256(label)))
                          .isInstanceOf(BadPaddingException.class)
                          .hasMessage("RSA-OAEP decryption failed");
                    }
                  }
                }));
      }
    }
    assertThat(tests).hasSizeGreaterThan(20);
    return tests.stream();
  }

  /** RSADP as a token's CKM_RSA_X_509 would do it, or null where the ciphertext is not an integer < n of k bytes. */
  private static byte[] rawDecrypt(RSAPrivateCrtKey key, byte[] ct, int k) throws Exception {
    if (ct.length != k || new BigInteger(1, ct).compareTo(key.getModulus()) >= 0) {
      return null;
    }
    Cipher raw = Cipher.getInstance("RSA/ECB/NoPadding");
    raw.init(Cipher.DECRYPT_MODE, key);
    byte[] out = raw.doFinal(ct);
    byte[] em = new byte[k];
    System.arraycopy(out, 0, em, k - out.length, out.length);
    return em;
  }

  @Test
  void decodesWhatTheJdkEncrypts() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    KeyPair kp = g.generateKeyPair();
    RSAPrivateCrtKey priv = (RSAPrivateCrtKey) kp.getPrivate();
    for (int len : new int[] {0, 1, 32, 190}) {
      byte[] msg = new byte[len];
      for (int i = 0; i < len; i++) {
        msg[i] = (byte) (i * 7 + 1);
      }
      byte[] ct = RsaOaep.wrap(kp.getPublic(), msg, new java.security.SecureRandom());
      assertThat(OaepSha256Decoder.decode(rawDecrypt(priv, ct, 256))).isEqualTo(msg);
    }
  }

  @Test
  void everySingleBitFlipOfAValidEncodingFailsWithTheSameMessage() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    KeyPair kp = g.generateKeyPair();
    byte[] msg = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    byte[] em = rawDecrypt((RSAPrivateCrtKey) kp.getPrivate(), RsaOaep.wrap(kp.getPublic(), msg, new java.security.SecureRandom()), 256);
    assertThat(OaepSha256Decoder.decode(em.clone())).isEqualTo(msg);
    // Flip bits in Y, the masked seed, the masked lHash area, and the separator region.
    for (int pos : new int[] {0, 1, 20, 33, 40, 64, 65, 200, 222}) {
      byte[] bad = em.clone();
      bad[pos] ^= 0x01;
      assertThatThrownBy(() -> OaepSha256Decoder.decode(bad))
          .as("flip at %d", pos)
          .isInstanceOf(BadPaddingException.class)
          .hasMessage("RSA-OAEP decryption failed");
    }
    assertThatThrownBy(() -> OaepSha256Decoder.decode(new byte[65])).isInstanceOf(BadPaddingException.class);
  }
}
