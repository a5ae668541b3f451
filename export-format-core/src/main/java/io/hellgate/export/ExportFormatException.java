package io.hellgate.export;

import java.io.IOException;
import java.util.Objects;

/**
 * An export archive, manifest or record is not acceptable: malformed, unsupported, tampered, or not
 * meant for the configured key.
 *
 * <p>Every instance carries a stable {@link Reason} code, so callers and conformance suites can tell
 * failures apart without parsing messages. Three failure families have their own subtype:
 * {@link UnsupportedVersionException}, {@link WrongKeyException} and
 * {@link AuthenticationFailedException}.
 *
 * <p><b>Secrets:</b> messages name what is wrong (a field, a line number, a size) and never contain
 * an account number, key bytes or decrypted content.
 *
 * <pre>{@code
 * try {
 *   reader.verify();
 * } catch (AuthenticationFailedException e) {
 *   log.warn("export rejected: {} ({})", e.getMessage(), e.reason().code());
 * }
 * }</pre>
 */
public class ExportFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Stable failure codes; {@link #code()} is what conformance vectors and logs use. */
  public enum Reason {
    /** The archive is not a gzip'd tar of the expected shape (entries, names, types, sizes). */
    MALFORMED_ARCHIVE("malformed_archive"),
    /** {@code manifest.json} is missing a field, has a wrong type or encoding, or is too large. */
    MALFORMED_MANIFEST("malformed_manifest"),
    /** The manifest's major version is not 1. */
    UNSUPPORTED_VERSION("unsupported_version"),
    /** The manifest names an algorithm other than {@code RSA-OAEP-256}. */
    UNSUPPORTED_ALGORITHM("unsupported_algorithm"),
    /** No configured key matches the manifest's recipient, or unwrapping the data key failed. */
    WRONG_KEY("wrong_key"),
    /** The AES-GCM tag does not verify: ciphertext, IV, tag or wrapped key were changed. */
    TAMPERED_CONTENT("tampered_content"),
    /** The decrypted content does not match the manifest's SHA-256 checksum. */
    CHECKSUM_MISMATCH("checksum_mismatch"),
    /** The decrypted content does not have the manifest's record count. */
    RECORD_COUNT_MISMATCH("record_count_mismatch"),
    /** The decrypted content is not UTF-8 JSON Lines, or a record is not a valid token record. */
    MALFORMED_RECORD("malformed_record"),
    /** A size limit of the format or of the configured options was exceeded. */
    LIMIT_EXCEEDED("limit_exceeded"),
    /**
     * Format 1.1: a record is outside the scope of the export request the manifest records (the
     * writer refuses it; a reader checking scope rejects the export).
     */
    RECORD_OUT_OF_SCOPE("record_out_of_scope"),
    /** Format 1.1: a signature is required (signer trust anchors are configured) but the manifest has none. */
    SIGNATURE_MISSING("signature_missing"),
    /**
     * Format 1.1: the manifest's signature does not verify, does not cover this manifest, or its
     * signer's certificate is not trusted (chain, validity, key usage, revocation).
     */
    SIGNATURE_INVALID("signature_invalid"),
    /** An export request file ({@link ExportRequest#fromJson}) is not valid. */
    MALFORMED_REQUEST("malformed_request");

    private final String code;

    Reason(String code) {
      this.code = code;
    }

    /** The stable, lowercase code, for example {@code "tampered_content"}. */
    public String code() {
      return code;
    }
  }

  private final Reason reason;

  /**
   * Creates an exception.
   *
   * @param reason the stable failure code
   * @param message what is wrong; must not contain secrets
   */
  public ExportFormatException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /**
   * Creates an exception with a cause. The cause's message is not copied into this message.
   *
   * @param reason the stable failure code
   * @param message what is wrong; must not contain secrets
   * @param cause the underlying failure
   */
  public ExportFormatException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** The stable failure code. */
  public Reason reason() {
    return reason;
  }
}
