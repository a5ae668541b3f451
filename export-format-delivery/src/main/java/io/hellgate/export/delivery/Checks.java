package io.hellgate.export.delivery;

import java.util.regex.Pattern;

/** Shared argument checks. */
final class Checks {
  private static final Pattern REQUEST_ID = Pattern.compile("[!-~]{1,128}");

  private Checks() {}

  static String requestId(String value, String name) {
    if (value == null || !REQUEST_ID.matcher(value).matches()) {
      throw new IllegalStateException(name + " must be 1 to 128 printable ASCII characters without spaces");
    }
    return value;
  }

  static String text(String value, String name, int max) {
    if (value == null || value.isBlank() || value.length() > max) {
      throw new IllegalArgumentException(name + " must be 1 to " + max + " characters");
    }
    return value;
  }
}
