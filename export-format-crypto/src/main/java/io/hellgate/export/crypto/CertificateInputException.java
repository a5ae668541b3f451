package io.hellgate.export.crypto;

import java.io.IOException;

/**
 * Configuration input (a trust anchor bundle, intermediates, a CRL or OCSP response file) could
 * not be read as what it claims to be. The message names the input and the problem, never its
 * bytes; a private key found where a certificate was expected is refused with that warning.
 *
 * <pre>{@code
 * try {
 *   builder.trustAnchorsPem(Files.readAllBytes(roots));
 * } catch (CertificateInputException e) {
 *   System.err.println(e.getMessage());
 * }
 * }</pre>
 */
public class CertificateInputException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message what is wrong; must not contain input bytes
   */
  public CertificateInputException(String message) {
    super(message);
  }
}
