package io.hellgate.export.testkit.golden;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class DeterministicRandomTest {
  @Test
  void matchesTheDocumentedConstructionComputedWithPython() {
    // python3: hashlib.sha256(b"golden/valid-small" + (n).to_bytes(8, "big")) for n = 0, 1
    byte[] b = new byte[40];
    DeterministicRandom.fromLabel("golden/valid-small").nextBytes(b);
    assertThat(HexFormat.of().formatHex(b))
        .isEqualTo("4ce9bedaa8ca7815f9a0d7e65145cceebc8cc0ee2cbffcfdeaa7f59c8d454e15" + "69d3f8402efc03b2");
  }

  @Test
  void outputDoesNotDependOnHowDrawsAreSplit() {
    byte[] whole = new byte[100];
    DeterministicRandom.fromLabel("x").nextBytes(whole);
    DeterministicRandom r = DeterministicRandom.fromLabel("x");
    byte[] a = new byte[7];
    byte[] c = new byte[93];
    r.setSeed(42L);
    r.nextBytes(a);
    r.nextBytes(c);
    assertThat(HexFormat.of().formatHex(a) + HexFormat.of().formatHex(c)).isEqualTo(HexFormat.of().formatHex(whole));
  }
}
