package io.hellgate.export.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Cipher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Known-answer vectors from Wycheproof (../shared/vectors/wycheproof), skipped with a message when
 * that directory is absent (a user's clone has no ../shared).
 */
class WycheproofTest {
  private static final HexFormat HEX = HexFormat.of();

  static Path vectors() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolveSibling("shared").resolve("vectors/wycheproof");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  private static JsonNode load(String name) throws Exception {
    Path dir = vectors();
    assumeTrue(dir != null && Files.exists(dir.resolve(name)),
        "skipped: ../shared/vectors/wycheproof/" + name + " is absent (only present beside the CI checkout)");
    return new ObjectMapper().readTree(dir.resolve(name).toFile());
  }

  /**
   * The reader's construction (AES-CTR keystream, then a chunked GCM encryption that recomputes the
   * tag) must accept exactly Wycheproof's valid cases and reject its invalid ones.
   */
  @Test
  void aesGcmVerificationByReencryptionMatchesWycheproof() throws Exception {
    JsonNode root = load("aes_gcm_test.json");
    int checked = 0;
    for (JsonNode group : root.get("testGroups")) {
      if (group.get("ivSize").asInt() != 96 || group.get("tagSize").asInt() != 128 || group.get("keySize").asInt() != 256) {
        continue; // format v1 uses AES-256, 96-bit IVs and 128-bit tags only
      }
      for (JsonNode t : group.get("tests")) {
        if (!t.get("aad").asText().isEmpty()) {
          continue; // format v1 uses no AAD
        }
        byte[] key = HEX.parseHex(t.get("key").asText());
        byte[] iv = HEX.parseHex(t.get("iv").asText());
        byte[] msg = HEX.parseHex(t.get("msg").asText());
        byte[] ct = HEX.parseHex(t.get("ct").asText());
        byte[] tag = HEX.parseHex(t.get("tag").asText());
        Cipher ks = AesGcm.keystream(key, iv);
        byte[] plain = ks.update(ct);
        plain = plain == null ? new byte[0] : plain;
        boolean valid = t.get("result").asText().equals("valid");
        // Every chunking must agree: one JDK operation, and chunks of 16 and 32 bytes.
        for (int chunk : new int[] {ChunkedGcm.CHUNK_BYTES, 16, 32}) {
          ChunkedGcm tagger = ChunkedGcm.withChunkBytes(key, iv, chunk, false);
          byte[] reencrypted = new byte[plain.length + 16];
          int n = tagger.update(plain, 0, plain.length, reencrypted, 0);
          n += tagger.finish(reencrypted, n);
          boolean verified = MessageDigest.isEqual(tagger.tag(), tag);
          assertThat(verified).as("tcId %s (%s), chunk %s", t.get("tcId"), t.get("comment"), chunk).isEqualTo(valid);
          assertThat(Arrays.copyOf(reencrypted, n)).as("tcId %s ciphertext", t.get("tcId")).isEqualTo(ct);
        }
        if (valid) {
          assertThat(plain).as("tcId %s plaintext", t.get("tcId")).isEqualTo(msg);
          Cipher oneShot = Cipher.getInstance("AES/GCM/NoPadding");
          oneShot.init(Cipher.ENCRYPT_MODE, new javax.crypto.spec.SecretKeySpec(key, "AES"),
              new javax.crypto.spec.GCMParameterSpec(128, iv));
          assertThat(Arrays.copyOf(oneShot.doFinal(msg), ct.length)).isEqualTo(ct);
        }
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(40);
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "rsa_oaep_2048_sha256_mgf1sha256_test.json",
    "rsa_oaep_3072_sha256_mgf1sha256_test.json",
    "rsa_oaep_4096_sha256_mgf1sha256_test.json"
  })
  void rsaOaepUnwrapMatchesWycheproof(String file) throws Exception {
    JsonNode root = load(file);
    int checked = 0;
    for (JsonNode group : root.get("testGroups")) {
      assertThat(group.get("sha").asText()).isEqualTo("SHA-256");
      assertThat(group.get("mgfSha").asText()).isEqualTo("SHA-256");
      PrivateKey key = KeyFactory.getInstance("RSA")
          .generatePrivate(new PKCS8EncodedKeySpec(HEX.parseHex(group.get("privateKeyPkcs8").asText())));
      for (JsonNode t : group.get("tests")) {
        if (!t.get("label").asText().isEmpty()) {
          continue; // RSA-OAEP-256 here means an empty label
        }
        byte[] ct = HEX.parseHex(t.get("ct").asText());
        byte[] msg = HEX.parseHex(t.get("msg").asText());
        boolean valid = t.get("result").asText().equals("valid");
        byte[] out;
        try {
          out = RsaOaep.unwrap(key, ct);
        } catch (java.security.GeneralSecurityException e) {
          out = null;
        }
        assertThat(out != null && Arrays.equals(out, msg)).as("tcId %s (%s)", t.get("tcId"), t.get("comment")).isEqualTo(valid);
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(10);
  }

  @Test
  void mgf1Sha1VectorsAreRejected() throws Exception {
    JsonNode root = load("rsa_oaep_2048_sha256_mgf1sha1_test.json");
    for (JsonNode group : root.get("testGroups")) {
      PrivateKey key = KeyFactory.getInstance("RSA")
          .generatePrivate(new PKCS8EncodedKeySpec(HEX.parseHex(group.get("privateKeyPkcs8").asText())));
      for (JsonNode t : group.get("tests")) {
        if (t.get("result").asText().equals("valid") && t.get("label").asText().isEmpty()) {
          byte[] ct = HEX.parseHex(t.get("ct").asText());
          org.assertj.core.api.Assertions.assertThatThrownBy(() -> RsaOaep.unwrap(key, ct))
              .as("MGF1-SHA-1 ciphertext tcId %s must not decrypt under MGF1-SHA-256", t.get("tcId"))
              .isInstanceOf(java.security.GeneralSecurityException.class);
        }
      }
    }
  }
}
