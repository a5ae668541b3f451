package io.hellgate.export;

/**
 * The encrypted content is not what the manifest says it is: the AES-GCM tag failed
 * ({@link Reason#TAMPERED_CONTENT}), or the decrypted bytes do not match the manifest's checksum
 * ({@link Reason#CHECKSUM_MISMATCH}) or record count ({@link Reason#RECORD_COUNT_MISMATCH}).
 *
 * <p>In the default (verified) reading mode this is thrown before any record is released, so the
 * caller has nothing to roll back.
 *
 * <pre>{@code
 * catch (AuthenticationFailedException e) { quarantine(archive, e.reason().code()); }
 * }</pre>
 */
public final class AuthenticationFailedException extends ExportFormatException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param reason one of {@code TAMPERED_CONTENT}, {@code CHECKSUM_MISMATCH},
   *     {@code RECORD_COUNT_MISMATCH}
   * @param message what did not verify; must not contain secrets
   */
  public AuthenticationFailedException(Reason reason, String message) {
    super(checked(reason), message);
  }

  private static Reason checked(Reason reason) {
    if (reason != Reason.TAMPERED_CONTENT
        && reason != Reason.CHECKSUM_MISMATCH
        && reason != Reason.RECORD_COUNT_MISMATCH) {
      throw new IllegalArgumentException("not an authentication reason: " + reason);
    }
    return reason;
  }
}
