package io.hellgate.export;

/**
 * None of the configured recipient keys can open this export: the manifest's recipient fingerprint
 * matches no configured certificate, or unwrapping the data key failed.
 *
 * <p>Always has reason {@link Reason#WRONG_KEY}. The message names the fingerprint the export expects,
 * never key material.
 *
 * <pre>{@code
 * catch (WrongKeyException e) { System.err.println(e.getMessage()); } // "... expects sha256:3c:5d:..."
 * }</pre>
 */
public final class WrongKeyException extends ExportFormatException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message names the expected recipient; must not contain secrets
   */
  public WrongKeyException(String message) {
    super(Reason.WRONG_KEY, message);
  }

  /**
   * Creates an exception with a cause whose message is not copied.
   *
   * @param message names the expected recipient; must not contain secrets
   * @param cause the unwrap failure
   */
  public WrongKeyException(String message, Throwable cause) {
    super(Reason.WRONG_KEY, message, cause);
  }
}
