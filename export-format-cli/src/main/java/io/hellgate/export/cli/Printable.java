package io.hellgate.export.cli;

/**
 * Untrusted text made safe for a terminal: manifest fields, certificate names and messages that
 * quote them can hold ESC, BEL, CR or LF, which would move the cursor, rewrite the screen or fake
 * an output line. Every C0 and C1 control character and DEL becomes a visible {@code \}{@code
 * uXXXX}; everything else is kept.
 */
final class Printable {
  private Printable() {}

  /** {@code value} as text with every control character replaced by a visible escape. */
  static String escape(Object value) {
    String s = String.valueOf(value);
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean control = c < 0x20 || (c >= 0x7f && c <= 0x9f);
      if (control && b == null) {
        b = new StringBuilder(s.length() + 16).append(s, 0, i);
      }
      if (control) {
        b.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
      } else if (b != null) {
        b.append(c);
      }
    }
    return b == null ? s : b.toString();
  }
}
