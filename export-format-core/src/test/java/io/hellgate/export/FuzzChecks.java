package io.hellgate.export;

import static org.assertj.core.api.Assertions.assertThat;

/** What every fuzz test checks of a rejection, beyond its type. */
final class FuzzChecks {
  /** Digit runs this long could be (part of) a card number. */
  static final int PAN_LIKE_DIGITS = 12;

  private FuzzChecks() {}

  /**
   * Fails if {@code message} is null or contains a run of {@value #PAN_LIKE_DIGITS} or more digits
   * that also occurs in {@code input}: messages may name sizes and line numbers, never content.
   */
  static void messageQuotesNoDigits(String message, byte[] input) {
    assertThat(message).as("rejection message").isNotNull().isNotBlank();
    int run = 0;
    for (int i = 0; i <= input.length; i++) {
      if (i < input.length && input[i] >= '0' && input[i] <= '9') {
        run++;
        continue;
      }
      if (run >= PAN_LIKE_DIGITS) {
        String digits = new String(input, i - run, run, java.nio.charset.StandardCharsets.US_ASCII);
        for (int j = 0; j + PAN_LIKE_DIGITS <= digits.length(); j++) {
          assertThat(message).as("rejection message quotes input digits").doesNotContain(digits.substring(j, j + PAN_LIKE_DIGITS));
        }
      }
      run = 0;
    }
  }
}
