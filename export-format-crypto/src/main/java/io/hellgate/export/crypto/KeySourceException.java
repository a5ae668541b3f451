package io.hellgate.export.crypto;

import java.io.IOException;

/**
 * A recipient key could not be loaded: the file, key store or token is unusable, the password or
 * PIN is wrong, or the requested key is not there.
 *
 * <p>{@link #reason()} says which, so callers (the {@code export-tool} command, for instance) can
 * react without parsing messages: prompt for a password on {@link Reason#PASSWORD_REQUIRED}, ask
 * again on {@link Reason#WRONG_PASSWORD}. Messages name the file, alias or token; they never
 * contain a password, a PIN or key material. Immutable once thrown.
 *
 * <pre>{@code
 * try {
 *   key = RecipientKeys.fromPem(path, null);
 * } catch (KeySourceException e) {
 *   if (e.reason() == KeySourceException.Reason.PASSWORD_REQUIRED) { ... prompt ... }
 * }
 * }</pre>
 */
public final class KeySourceException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Why loading failed. */
  public enum Reason {
    /** The key is encrypted and no password was given. */
    PASSWORD_REQUIRED,
    /** The password or PIN was rejected. */
    WRONG_PASSWORD,
    /** The alias, key or certificate asked for is not there (or the choice is ambiguous). */
    NOT_FOUND,
    /** The certificate does not belong to the private key. */
    CERTIFICATE_MISMATCH,
    /** The file is not a key in a supported format, or the key is not RSA. */
    MALFORMED,
    /** The PKCS#11 provider, library or token cannot be used. */
    TOKEN_UNAVAILABLE
  }

  private final Reason reason;

  /**
   * Creates an exception.
   *
   * @param reason why loading failed
   * @param message what is wrong; must not contain secrets
   */
  public KeySourceException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  /**
   * Creates an exception with a cause.
   *
   * @param reason why loading failed
   * @param message what is wrong; must not contain secrets
   * @param cause the underlying failure
   */
  public KeySourceException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /** Why loading failed. */
  public Reason reason() {
    return reason;
  }
}
