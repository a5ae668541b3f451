package io.hellgate.export.crypto;

import io.hellgate.export.crypto.internal.CertificateParser;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * What {@link CertificatePolicy#evaluate} judges: the recipient certificate as submitted (PEM or
 * DER bytes, possibly followed by its chain), plus optional intermediates, CRLs and OCSP responses
 * that the submitter supplied.
 *
 * <p>The certificate bytes are parsed by the policy, so an unparseable or dangerous submission (a
 * raw public key, a private key) becomes a failed check rather than an exception. Intermediates,
 * CRLs and OCSP responses are parsed here and rejected with {@link CertificateInputException}.
 * Supplied CRLs and OCSP responses are only evidence: their signatures and freshness are verified
 * during evaluation. Immutable and thread-safe; the certificate bytes are copied.
 *
 * <pre>{@code
 * CertificateInput in = CertificateInput.builder(Files.readAllBytes(certPem))
 *     .intermediatesPem(Files.readAllBytes(chainPem))
 *     .crl(Files.readAllBytes(crlFile))
 *     .build();
 * }</pre>
 */
public final class CertificateInput {
  private final byte[] certificate;
  private final List<X509Certificate> intermediates;
  private final List<X509CRL> crls;
  private final List<byte[]> ocspResponses;

  private CertificateInput(Builder b) {
    this.certificate = b.certificate.clone();
    this.intermediates = List.copyOf(b.intermediates);
    this.crls = List.copyOf(b.crls);
    this.ocspResponses = b.ocspResponses.stream().map(byte[]::clone).toList();
  }

  /**
   * The certificate alone.
   *
   * @param pemOrDer a PEM (one or more blocks, leaf first) or DER certificate
   */
  public static CertificateInput of(byte[] pemOrDer) {
    return builder(pemOrDer).build();
  }

  /**
   * A builder for the certificate plus supplied chain and revocation evidence.
   *
   * @param pemOrDer a PEM (one or more blocks, leaf first) or DER certificate
   */
  public static Builder builder(byte[] pemOrDer) {
    return new Builder(pemOrDer);
  }

  byte[] certificateBytes() {
    return certificate.clone();
  }

  int certificateLength() {
    return certificate.length;
  }

  List<X509Certificate> intermediates() {
    return intermediates;
  }

  List<X509CRL> crls() {
    return crls;
  }

  List<byte[]> ocspResponses() {
    return ocspResponses;
  }

  @Override
  public String toString() {
    return "CertificateInput{" + certificate.length + " bytes, " + intermediates.size()
        + " intermediates, " + crls.size() + " CRLs, " + ocspResponses.size() + " OCSP responses}";
  }

  /**
   * Builds a {@link CertificateInput}. Not thread-safe.
   *
   * <pre>{@code
   * CertificateInput.builder(pem).intermediates(List.of(issuingCa)).ocspResponse(der).build();
   * }</pre>
   */
  public static final class Builder {
    private final byte[] certificate;
    private final List<X509Certificate> intermediates = new ArrayList<>();
    private final List<X509CRL> crls = new ArrayList<>();
    private final List<byte[]> ocspResponses = new ArrayList<>();

    private Builder(byte[] certificate) {
      this.certificate = Objects.requireNonNull(certificate, "certificate").clone();
    }

    /** Adds intermediate CA certificates. */
    public Builder intermediates(Collection<X509Certificate> certificates) {
      certificates.forEach(c -> intermediates.add(Objects.requireNonNull(c)));
      return this;
    }

    /**
     * Adds intermediate CA certificates from PEM or DER.
     *
     * @throws CertificateInputException if the bytes are not certificates
     */
    public Builder intermediatesPem(byte[] pemOrDer) throws CertificateInputException {
      try {
        intermediates.addAll(CertificateParser.bundle(pemOrDer, "the intermediates"));
      } catch (IllegalArgumentException e) {
        throw new CertificateInputException(e.getMessage());
      }
      return this;
    }

    /**
     * Adds CRLs (PEM {@code X509 CRL} blocks or one DER CRL).
     *
     * @throws CertificateInputException if the bytes are not a CRL
     */
    public Builder crl(byte[] pemOrDer) throws CertificateInputException {
      try {
        List<X509CRL> parsed = CertificateParser.crls(pemOrDer);
        if (parsed.isEmpty()) {
          throw new CertificateInputException("the CRL file contains no X509 CRL block");
        }
        crls.addAll(parsed);
      } catch (IllegalArgumentException e) {
        throw new CertificateInputException(e.getMessage());
      }
      return this;
    }

    /** Adds a DER OCSP response (verified during evaluation). */
    public Builder ocspResponse(byte[] der) {
      ocspResponses.add(Objects.requireNonNull(der, "der").clone());
      return this;
    }

    /** Builds the input. */
    public CertificateInput build() {
      return new CertificateInput(this);
    }
  }
}
