package io.hellgate.export.delivery.internal;

/** The small HTML pages of the download server: escaped text only, no scripts, inline style. */
public final class Html {
  private Html() {}

  /** Escapes text for HTML element content and attribute values. */
  public static String escape(Object o) {
    String s = String.valueOf(o);
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  /** A whole page around already-escaped body HTML. */
  public static String page(String title, String bodyHtml) {
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"robots\" content=\"noindex, nofollow\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<title>" + escape(title) + "</title>"
        + "<style>body{font-family:system-ui,sans-serif;max-width:44em;margin:2em auto;padding:0 1em}"
        + "dt{font-weight:bold;margin-top:.5em}dd{margin-left:0;font-family:monospace;word-break:break-all}"
        + "button{font-size:1.2em;padding:.5em 1.5em;margin-top:1em}</style></head><body>\n"
        + "<h1>" + escape(title) + "</h1>\n" + bodyHtml + "\n</body></html>\n";
  }
}
