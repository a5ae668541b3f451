package io.hellgate.export.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrintableTest {
  @Test
  void controlCharactersBecomeVisibleEscapes() {
    assertThat(Printable.escape("a\u001b[2Jb\u0007c\r\nd\td\u007fe\u009bf\u0000"))
        .isEqualTo("a\\u001b[2Jb\\u0007c\\u000d\\u000ad\\u0009d\\u007fe\\u009bf\\u0000");
  }

  @Test
  void printableTextIsKeptAsIs() {
    String s = "CN=Zoë Müller\\, Ltd., O=Acme €, C=DE (sha256:ab:cd) 日本";
    assertThat(Printable.escape(s)).isSameAs(s);
    assertThat(Printable.escape(null)).isEqualTo("null");
  }
}
