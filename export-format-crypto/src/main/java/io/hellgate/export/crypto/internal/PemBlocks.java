package io.hellgate.export.crypto.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits PEM text into labelled DER blocks. Never echoes input content in messages: a block that
 * cannot be decoded is reported by its label and position only.
 */
public final class PemBlocks {
  private static final Pattern BEGIN = Pattern.compile("-----BEGIN ([A-Z0-9 ]{1,64})-----");

  /** One decoded block. */
  public static final class Block {
    private final String label;
    private final byte[] der;

    Block(String label, byte[] der) {
      this.label = label;
      this.der = der;
    }

    /** The PEM label, upper case, for example {@code CERTIFICATE}. */
    public String label() {
      return label;
    }

    /** The decoded bytes (not copied; the caller owns them). */
    public byte[] der() {
      return der;
    }

    /** Whether the label names private key material of any kind. */
    public boolean isPrivateKey() {
      return label.contains("PRIVATE KEY");
    }
  }

  private PemBlocks() {}

  /** Whether the bytes look like PEM text (contain a BEGIN marker). */
  public static boolean looksLikePem(byte[] input) {
    return BEGIN.matcher(new String(input, StandardCharsets.ISO_8859_1)).find();
  }

  /**
   * Whether the text contains a private key marker, whether or not the block is well formed.
   * Catches truncated or mangled pastes.
   */
  public static boolean mentionsPrivateKey(byte[] input) {
    String text = new String(input, StandardCharsets.ISO_8859_1).toUpperCase(Locale.ROOT);
    return text.contains("PRIVATE KEY-----") || text.contains("PROC-TYPE: 4,ENCRYPTED");
  }

  /**
   * Decodes every block.
   *
   * @throws IllegalArgumentException with a content-free message if a block is malformed
   */
  public static List<Block> parse(byte[] input) {
    String text = new String(input, StandardCharsets.ISO_8859_1);
    List<Block> blocks = new ArrayList<>();
    Matcher m = BEGIN.matcher(text);
    int from = 0;
    while (m.find(from)) {
      String label = m.group(1);
      String end = "-----END " + label + "-----";
      int endAt = text.indexOf(end, m.end());
      if (endAt < 0) {
        throw new IllegalArgumentException(
            "PEM block " + (blocks.size() + 1) + " (" + label + ") has no END line");
      }
      String body = text.substring(m.end(), endAt);
      if (body.contains(":")) {
        // RFC 1421 headers (e.g. legacy encrypted keys): keep only the base64 after the blank line
        int blank = body.replace("\r\n", "\n").indexOf("\n\n");
        body = blank < 0 ? "" : body.replace("\r\n", "\n").substring(blank + 2);
      }
      byte[] der;
      try {
        der = Base64.getMimeDecoder().decode(body.replaceAll("\\s", ""));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "PEM block " + (blocks.size() + 1) + " (" + label + ") is not valid base64");
      }
      blocks.add(new Block(label, der));
      from = endAt + end.length();
    }
    return blocks;
  }
}
