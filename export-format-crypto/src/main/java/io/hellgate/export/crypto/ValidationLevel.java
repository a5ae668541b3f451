package io.hellgate.export.crypto;

/**
 * How thoroughly the issuing CA validated the certificate holder's organization, read from the
 * certificate's {@code certificatePolicies} extension.
 *
 * <p>Only organization-validating levels exist here; Domain Validated (2.23.140.1.2.1),
 * Individual Validated (2.23.140.1.2.3, 2.23.140.1.5.4.*), mailbox-validated (2.23.140.1.5.1.*),
 * certificates without a policy and certificates with only unknown policies are always rejected
 * (fail closed).
 *
 * <pre>{@code
 * CertificatePolicy.builder().acceptedLevels(EnumSet.of(ValidationLevel.EV)) ...
 * }</pre>
 */
public enum ValidationLevel {
  /** CA/Browser Forum TLS Organization Validated, 2.23.140.1.2.2. */
  OV,
  /** CA/Browser Forum Extended Validation, 2.23.140.1.1. */
  EV,
  /** CA/Browser Forum S/MIME organization-validated, 2.23.140.1.5.2.*. */
  SMIME_ORGANIZATION,
  /** CA/Browser Forum S/MIME sponsor-validated, 2.23.140.1.5.3.*. */
  SMIME_SPONSOR,
  /** A policy OID configured for an agreed private PKI. */
  PRIVATE_PKI
}
