package io.hellgate.export;

/**
 * The manifest declares a format version this library cannot read (a major version other than 1).
 *
 * <p>Always has reason {@link Reason#UNSUPPORTED_VERSION}. The message names the version found.
 *
 * <pre>{@code
 * catch (UnsupportedVersionException e) { System.err.println("upgrade export-format: " + e.getMessage()); }
 * }</pre>
 */
public final class UnsupportedVersionException extends ExportFormatException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message names the unsupported version
   */
  public UnsupportedVersionException(String message) {
    super(Reason.UNSUPPORTED_VERSION, message);
  }
}
