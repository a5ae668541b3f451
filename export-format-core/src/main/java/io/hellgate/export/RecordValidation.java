package io.hellgate.export;

import java.util.Map;
import java.util.Set;

/** The record rules of docs/format.md; messages never contain an account number. */
final class RecordValidation {
  static final Set<String> RECORD_MEMBERS = Set.of("id", "card", "created_at", "expires_at", "metadata");
  static final Set<String> CARD_MEMBERS =
      Set.of("cardholder_name", "expiry_month", "expiry_year", "account_number", "scheme");

  private RecordValidation() {}

  static void requireText(String where, String field, String value, int maxLength) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(where + ": " + field + " is required and must not be blank");
    }
    checkLength(where, field, value, maxLength);
  }

  static void checkLength(String where, String field, String value, int maxLength) {
    if (!isWellFormed(value)) {
      throw new IllegalArgumentException(where + ": " + field + " contains an unpaired surrogate (not encodable as UTF-8)");
    }
    if (value.length() > maxLength) {
      throw new IllegalArgumentException(
          where + ": " + field + " is longer than " + maxLength + " characters (" + value.length() + ")");
    }
  }

  static void checkAccountNumber(String where, String pan) {
    if (pan == null) {
      throw new IllegalArgumentException(where + ": account_number is required");
    }
    int n = pan.length();
    boolean digits = n >= 12 && n <= 19;
    for (int i = 0; digits && i < n; i++) {
      char c = pan.charAt(i);
      digits = c >= '0' && c <= '9';
    }
    if (!digits) {
      // Length only: the value itself may be (close to) a PAN and must not leak.
      throw new IllegalArgumentException(
          where + ": account_number must be 12 to 19 ASCII digits (got " + n + " characters)");
    }
  }

  /**
   * Checks extra members and rewrites each value to compact JSON (so no newline can slip in), with
   * the limits the reader applies: names of at most 1024 UTF-8 bytes, at most {@code depthLeft}
   * levels of nesting, no lone surrogates, no duplicate names.
   */
  static void normalizeExtraFields(String where, Map<String, String> extra, Set<String> known, int depthLeft) {
    for (Map.Entry<String, String> e : extra.entrySet()) {
      if (known.contains(e.getKey())) {
        throw new IllegalArgumentException(
            where + ": extra field '" + printable(e.getKey()) + "' shadows a known member");
      }
      checkName(where, "extra field name", e.getKey());
      String compact;
      try {
        compact = RecordCodec.compactJson(e.getValue(), depthLeft);
      } catch (RecordCodec.InvalidRecord invalid) {
        throw new IllegalArgumentException(
            where + ": extra field '" + printable(e.getKey()) + "': " + invalid.getMessage());
      }
      if (compact == null) {
        throw new IllegalArgumentException(
            where + ": extra field '" + printable(e.getKey()) + "' is not a single JSON value");
      }
      e.setValue(compact);
    }
  }

  /** A member name the reader accepts: well-formed, at most 1024 UTF-8 bytes. */
  static void checkName(String where, String what, String name) {
    if (!isWellFormed(name)) {
      throw new IllegalArgumentException(where + ": " + what + " contains an unpaired surrogate (not encodable as UTF-8)");
    }
    int bytes = name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    if (bytes > 1024) {
      throw new IllegalArgumentException(where + ": " + what + " is longer than 1024 UTF-8 bytes (" + bytes + ")");
    }
  }

  /** Whether {@code s} is well-formed UTF-16: every surrogate is part of a pair. */
  static boolean isWellFormed(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /**
   * A short, log-safe rendering of an identifier: control characters replaced, at most 64
   * characters, and the whole of it masked if it holds anything that looks like a PAN anywhere
   * (12 or more digits, in a row or separated only by spaces, dashes, dots or underscores).
   */
  static String printable(String s) {
    int digits = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        if (++digits >= 12) {
          return "<masked>";
        }
      } else if (c != ' ' && c != '-' && c != '.' && c != '_') {
        digits = 0;
      }
    }
    StringBuilder out = new StringBuilder(Math.min(s.length(), 64));
    for (int i = 0; i < s.length() && out.length() < 64; i++) {
      char c = s.charAt(i);
      out.append(Character.isISOControl(c) ? '?' : c);
    }
    if (s.length() > 64) {
      out.append('…');
    }
    return out.toString();
  }
}
