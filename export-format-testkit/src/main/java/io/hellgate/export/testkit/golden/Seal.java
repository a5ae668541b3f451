package io.hellgate.export.testkit.golden;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;
import javax.security.auth.x500.X500Principal;

/**
 * The generator's own implementation of format v1.0's encryption and manifest (docs/format.md),
 * written from the spec and not from the writer, so that it can seal content the writer refuses
 * (bad UTF-8, broken JSON) with a correct tag and checksum. It draws from {@code random} in the
 * writer's order (key, IV, OAEP seed), so for the same stream it produces the writer's manifest.
 * The manifest is kept as an ordered tree for vectors to edit before {@link #manifestJson()}.
 */
final class Seal {
  final Map<String, Object> manifest;
  final byte[] ciphertext;

  private Seal(Map<String, Object> manifest, byte[] ciphertext) {
    this.manifest = manifest;
    this.ciphertext = ciphertext;
  }

  static Seal of(
      byte[] plaintext, X509Certificate recipient, SecureRandom random, UUID exportId, Instant createdAt, String guardian)
      throws GeneralSecurityException {
    byte[] key = new byte[32];
    byte[] iv = new byte[12];
    random.nextBytes(key);
    random.nextBytes(iv);
    Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
    gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
    byte[] sealed = gcm.doFinal(plaintext);
    Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPPadding");
    oaep.init(
        Cipher.ENCRYPT_MODE,
        recipient.getPublicKey(),
        new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT),
        random);
    byte[] wrapped = oaep.doFinal(key);
    Arrays.fill(key, (byte) 0);

    Base64.Encoder b64 = Base64.getEncoder();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", "1.0");
    m.put("export_id", exportId.toString());
    m.put("created_at", createdAt.toString());
    m.put("guardian_instance", guardian);
    Map<String, Object> enc = new LinkedHashMap<>();
    enc.put("algorithm", "RSA-OAEP-256");
    Map<String, Object> rcp = new LinkedHashMap<>();
    rcp.put("subject", dn(recipient.getSubjectX500Principal()));
    rcp.put("issuer", dn(recipient.getIssuerX500Principal()));
    rcp.put("serial", hexColons(unsigned(recipient.getSerialNumber())));
    rcp.put("fingerprint", "sha256:" + hexColons(sha256(recipient.getEncoded())));
    enc.put("recipient", rcp);
    enc.put("encrypted_key", b64.encodeToString(wrapped));
    enc.put("iv", b64.encodeToString(iv));
    enc.put("tag", b64.encodeToString(Arrays.copyOfRange(sealed, sealed.length - 16, sealed.length)));
    m.put("encryption", enc);
    Map<String, Object> content = new LinkedHashMap<>();
    content.put("record_count", (long) count(plaintext, (byte) '\n'));
    content.put("checksum", "sha256:" + hex(sha256(plaintext)));
    m.put("content", content);
    return new Seal(m, Arrays.copyOf(sealed, sealed.length - 16));
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> object(String name) {
    return (Map<String, Object>) manifest.get(name);
  }

  /**
   * Decodes, changes and re-encodes one base64 field of {@code encryption}: flips bit
   * {@code bit % 8} of byte {@code (bit / 8) % length} (bit 0 is the low bit of byte 0).
   */
  void flipBase64(String field, int bit) {
    byte[] b = Base64.getDecoder().decode((String) object("encryption").get(field));
    b[(bit >>> 3) % b.length] ^= (byte) (1 << (bit & 7));
    object("encryption").put(field, Base64.getEncoder().encodeToString(b));
  }

  /** The manifest as the writer formats it: 2-space indent, {@code "name": value}, final newline. */
  byte[] manifestJson() {
    StringBuilder sb = new StringBuilder();
    render(manifest, "", sb);
    sb.append('\n');
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  @SuppressWarnings("unchecked")
  private static void render(Object value, String indent, StringBuilder sb) {
    if (value instanceof Map) {
      sb.append("{");
      String inner = indent + "  ";
      boolean first = true;
      for (Map.Entry<String, Object> e : ((Map<String, Object>) value).entrySet()) {
        sb.append(first ? "\n" : ",\n").append(inner);
        first = false;
        string(e.getKey(), sb);
        sb.append(": ");
        render(e.getValue(), inner, sb);
      }
      sb.append('\n').append(indent).append('}');
    } else if (value instanceof String) {
      string((String) value, sb);
    } else {
      sb.append(value);
    }
  }

  private static void string(String s, StringBuilder sb) {
    sb.append('"');
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    sb.append('"');
  }

  /** RFC 4514 RDNs, most specific first, joined with ", " (the test certificates have no escapes). */
  static String dn(X500Principal p) {
    return String.join(", ", p.getName(X500Principal.RFC2253).split(","));
  }

  static byte[] unsigned(BigInteger serial) {
    byte[] b = serial.toByteArray();
    return b.length > 1 && b[0] == 0 ? Arrays.copyOfRange(b, 1, b.length) : b;
  }

  static byte[] sha256(byte[] data) throws GeneralSecurityException {
    return MessageDigest.getInstance("SHA-256").digest(data);
  }

  static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (byte x : b) {
      sb.append(String.format("%02x", x & 0xff));
    }
    return sb.toString();
  }

  static String hexColons(byte[] b) {
    return String.join(":", hex(b).split("(?<=\\G..)"));
  }

  static int count(byte[] b, byte x) {
    int n = 0;
    for (byte c : b) {
      if (c == x) {
        n++;
      }
    }
    return n;
  }
}
