package io.hellgate.export.testkit.golden;

/**
 * An implementation of the format's reader under test: given a vector's archive and key, it either
 * returns every released line or names the reason it rejected the archive.
 *
 * <p>A conforming implementation must authenticate everything before it releases a line, and must
 * parse each record (so that a correctly framed line that is not a valid record is reported as
 * {@code malformed_record}). Implementations need not be thread-safe: the suite calls them from
 * one thread.
 *
 * <pre>{@code
 * Implementation mine = vector -> {
 *   try {
 *     return Outcome.valid(MyReader.decrypt(vector.archive(), vector.privateKey()));
 *   } catch (MyFormatError e) {
 *     return Outcome.invalid(e.code());
 *   }
 * };
 * ConformanceSuite.run(mine).assertPassed();
 * }</pre>
 */
@FunctionalInterface
public interface Implementation {
  /**
   * Reads one vector's archive.
   *
   * @param vector the case: archive bytes and key material
   * @return {@link Outcome#valid} with the decrypted JSON Lines, or {@link Outcome#invalid} with a
   *     reason code
   * @throws Exception for anything that is not a verdict; the suite counts it as a failure
   */
  Outcome read(Vector vector) throws Exception;

  /**
   * What an implementation made of a vector. Immutable and thread-safe.
   *
   * <pre>{@code
   * Outcome ok = Outcome.valid(bytes);
   * Outcome no = Outcome.invalid("tampered_content");
   * }</pre>
   */
  final class Outcome {
    private final byte[] plaintext;
    private final String reason;

    private Outcome(byte[] plaintext, String reason) {
      this.plaintext = plaintext;
      this.reason = reason;
    }

    /**
     * Accepted.
     *
     * @param plaintext the released JSON Lines, every line with its {@code \n}
     * @return the outcome
     */
    public static Outcome valid(byte[] plaintext) {
      return new Outcome(plaintext.clone(), null);
    }

    /**
     * Rejected before anything was released.
     *
     * @param reason a reason code such as {@code wrong_key}
     * @return the outcome
     */
    public static Outcome invalid(String reason) {
      return rejectedAfterReleasing(reason, new byte[0]);
    }

    /**
     * Rejected, but only after releasing {@code released} to the caller: what a reader that
     * streams before it verifies does. For an invalid vector this is a failure even when the
     * reason is right (docs/format.md, section 8).
     *
     * @param reason a reason code such as {@code tampered_content}
     * @param released the lines handed out before the rejection, each with its {@code \n}
     * @return the outcome
     */
    public static Outcome rejectedAfterReleasing(String reason, byte[] released) {
      if (reason == null || reason.isEmpty()) {
        throw new IllegalArgumentException("reason must not be empty");
      }
      return new Outcome(released.clone(), reason);
    }

    /** Whether the archive was accepted. */
    public boolean isValid() {
      return reason == null;
    }

    /** The released plaintext (a copy); empty when rejected. */
    public byte[] plaintext() {
      return reason == null ? plaintext.clone() : new byte[0];
    }

    /** Everything released to the caller (a copy): the plaintext when accepted, what came out before a rejection otherwise. */
    public byte[] released() {
      return plaintext.clone();
    }

    /** The reason code when rejected; null when accepted. */
    public String reason() {
      return reason;
    }

    /** Sizes and the reason; never the released content, which holds account numbers. */
    @Override
    public String toString() {
      return reason == null ? "valid (" + plaintext.length + " bytes)"
          : "invalid: " + reason + (plaintext.length == 0 ? "" : " after releasing " + plaintext.length + " bytes");
    }
  }
}
