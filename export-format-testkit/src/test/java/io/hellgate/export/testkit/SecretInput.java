package io.hellgate.export.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/** Asserts that no fragment of secret key material appears in some output text. */
final class SecretInput {
  private SecretInput() {}

  /** Every 16-character window of the key's base64 and of its lowercase hex. */
  static Set<String> fragments(byte[] der) {
    Set<String> out = new LinkedHashSet<>();
    String b64 = Base64.getEncoder().encodeToString(der);
    for (int i = 0; i + 16 <= b64.length(); i++) {
      out.add(b64.substring(i, i + 16));
    }
    String hex = HexFormat.of().formatHex(der);
    for (int i = 0; i + 16 <= hex.length(); i += 2) {
      out.add(hex.substring(i, i + 16));
    }
    return out;
  }

  static void assertNoFragment(String output, byte[] keyDer) {
    String lower = output.toLowerCase(Locale.ROOT);
    for (String f : fragments(keyDer)) {
      boolean hex = f.matches("[0-9a-f]+");
      if (hex ? lower.contains(f) : output.contains(f)) {
        throw new AssertionError("output contains key material (a fragment at index "
            + (hex ? lower.indexOf(f) : output.indexOf(f)) + ")");
      }
    }
    assertThat(output).doesNotContain(new String(keyDer, StandardCharsets.ISO_8859_1));
  }
}
