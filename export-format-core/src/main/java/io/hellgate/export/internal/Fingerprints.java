package io.hellgate.export.internal;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.security.auth.x500.X500Principal;

/** The manifest's string forms for a recipient certificate (docs/format.md, "Recipient"). */
public final class Fingerprints {
  private Fingerprints() {}

  /** {@code sha256:} and the colon-separated lowercase hex SHA-256 of the certificate's DER. */
  public static String sha256(X509Certificate certificate) {
    try {
      byte[] der = certificate.getEncoded();
      return "sha256:" + Hex.encodeColons(MessageDigest.getInstance("SHA-256").digest(der));
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("certificate cannot be encoded", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  /**
   * The serial number as colon-separated lowercase hex of its unsigned big-endian magnitude, with no
   * leading zero bytes (serial 0 is {@code 00}).
   */
  public static String serial(BigInteger serial) {
    if (serial.signum() < 0) {
      // RFC 5280 requires positive serials; some CAs got this wrong. Keep the two's complement bytes.
      return Hex.encodeColons(serial.toByteArray());
    }
    byte[] bytes = serial.toByteArray();
    int start = 0;
    while (start < bytes.length - 1 && bytes[start] == 0) {
      start++;
    }
    byte[] magnitude = new byte[bytes.length - start];
    System.arraycopy(bytes, start, magnitude, 0, magnitude.length);
    return Hex.encodeColons(magnitude);
  }

  /**
   * A distinguished name as RFC 4514 attribute strings, most specific RDN first (RFC 4514 order),
   * joined with {@code ", "} as in the seed's example {@code "O=Acme Payments GmbH, C=DE"}.
   */
  public static String distinguishedName(X500Principal principal) {
    String rfc2253 = principal.getName(X500Principal.RFC2253);
    List<String> rdns = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (int i = 0; i < rfc2253.length(); i++) {
      char c = rfc2253.charAt(i);
      if (c == '\\' && i + 1 < rfc2253.length()) {
        current.append(c).append(rfc2253.charAt(++i));
      } else if (c == ',') {
        rdns.add(current.toString());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    if (current.length() > 0 || !rdns.isEmpty()) {
      rdns.add(current.toString());
    }
    return String.join(", ", rdns);
  }
}
