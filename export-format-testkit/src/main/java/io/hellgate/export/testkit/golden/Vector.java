package io.hellgate.export.testkit.golden;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.Optional;

/**
 * One conformance vector of {@code golden/vectors.json}: an archive, the key to open it with, and
 * the expected result: {@code valid} with record count, checksum and plaintext, or {@code invalid}
 * with a reason code ({@code ExportFormatException.Reason.code()}).
 *
 * <p>Immutable and thread-safe; byte arrays are copied on the way out.
 *
 * <pre>{@code
 * for (Vector v : ConformanceSuite.vectors()) {
 *   System.out.println(v.id() + ": " + (v.isValid() ? "valid" : v.reason().orElseThrow()));
 * }
 * }</pre>
 */
public final class Vector {
  private final String id;
  private final String description;
  private final byte[] archive;
  private final byte[] privateKeyPem;
  private final byte[] certificatePem;
  private final String reason;
  private final long recordCount;
  private final String checksum;
  private final byte[] plaintext;
  private byte[] signerTrustPem;
  private boolean checkScope;

  Vector(
      String id,
      String description,
      byte[] archive,
      byte[] privateKeyPem,
      byte[] certificatePem,
      String reason,
      long recordCount,
      String checksum,
      byte[] plaintext) {
    this.id = Objects.requireNonNull(id);
    this.description = Objects.requireNonNull(description);
    this.archive = archive;
    this.privateKeyPem = privateKeyPem;
    this.certificatePem = certificatePem;
    this.reason = reason;
    this.recordCount = recordCount;
    this.checksum = checksum;
    this.plaintext = plaintext;
  }

  /**
   * A valid case for an archive made for {@link GoldenKeys#recipientCertificate()}: a conforming
   * reader releases exactly {@code plaintext}.
   *
   * @param id a name for reports
   * @param archive the archive
   * @param plaintext the JSON Lines it holds
   * @return the vector, with the golden recipient key
   */
  public static Vector valid(String id, byte[] archive, byte[] plaintext) {
    return generated(id, "a valid export", archive.clone(), null, plaintext);
  }

  /**
   * An invalid case for an archive made for {@link GoldenKeys#recipientCertificate()}: a conforming
   * reader rejects it with {@code reason} and releases nothing.
   *
   * @param id a name for reports
   * @param archive the archive
   * @param reason the expected reason code
   * @return the vector, with the golden recipient key
   */
  public static Vector invalid(String id, byte[] archive, String reason) {
    return generated(id, "an invalid export (" + reason + ")", archive.clone(), Objects.requireNonNull(reason, "reason"), null);
  }

  /**
   * A vector made at run time ({@link Tampering}, {@link Layout}): the archive is for the golden
   * recipient key; {@code plaintext} null for an invalid one.
   */
  static Vector generated(String id, String description, byte[] archive, String reason, byte[] plaintext) {
    long count = plaintext == null ? -1 : Seal.count(plaintext, (byte) '\n');
    String checksum;
    try {
      checksum = plaintext == null ? null : "sha256:" + Seal.hex(Seal.sha256(plaintext));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
    return new Vector(id, description, archive, GoldenKeys.recipientKeyPem(), GoldenKeys.recipientCertificatePem(),
        reason, count, checksum, plaintext == null ? null : plaintext.clone());
  }

  /** The case's id, for example {@code tampered-tag}. */
  public String id() {
    return id;
  }

  /** One line saying what the case is. */
  public String description() {
    return description;
  }

  /** The archive bytes (a copy). */
  public byte[] archive() {
    return archive.clone();
  }

  /** The recipient's private key as PKCS#8 PEM (a copy). Test key: never use it for real data. */
  public byte[] privateKeyPem() {
    return privateKeyPem.clone();
  }

  /** The recipient's certificate as PEM (a copy). */
  public byte[] certificatePem() {
    return certificatePem.clone();
  }

  /** {@link #privateKeyPem()} decoded with the JDK's RSA key factory. */
  public PrivateKey privateKey() {
    return Pem.privateKey(privateKeyPem);
  }

  /** {@link #certificatePem()} decoded. */
  public X509Certificate certificate() {
    return Pem.certificate(certificatePem);
  }

  /** Whether a conforming reader must accept the archive. */
  public boolean isValid() {
    return reason == null;
  }

  /** For an invalid case, the reason code a conforming reader must report. */
  public Optional<String> reason() {
    return Optional.ofNullable(reason);
  }

  /** For a valid case, the number of records; -1 otherwise. */
  public long recordCount() {
    return recordCount;
  }

  /** For a valid case, {@code sha256:} and the hex SHA-256 of the plaintext; null otherwise. */
  public String checksum() {
    return checksum;
  }

  /** For a valid case, the exact decrypted JSON Lines bytes (a copy); empty otherwise. */
  public byte[] plaintext() {
    return plaintext == null ? new byte[0] : plaintext.clone();
  }

  /** Format 1.1 vectors: marks the vector as read with signer trust and the scope check. */
  Vector formatOneOne(byte[] signerTrustPem, boolean checkScope) {
    this.signerTrustPem = signerTrustPem;
    this.checkScope = checkScope;
    return this;
  }

  /**
   * This vector, to be read with signer trust (format 1.1): a conforming reader is configured
   * with {@code signerTrustPem} as its signer trust anchors, so it requires a signature
   * ({@code signature_missing} without one) that verifies and chains to them
   * ({@code signature_invalid} otherwise). This vector is unchanged.
   *
   * @param signerTrustPem one or more PEM certificates
   * @return a copy that names the trust anchors in {@link #signerTrustPem()}
   */
  public Vector withSignerTrust(byte[] signerTrustPem) {
    Objects.requireNonNull(signerTrustPem, "signerTrustPem");
    return new Vector(id, description, archive, privateKeyPem, certificatePem, reason, recordCount, checksum, plaintext)
        .formatOneOne(signerTrustPem.clone(), checkScope);
  }

  /**
   * Format 1.1: the signer trust anchors (PEM) a reader must be configured with for this vector
   * (a signature is then required), or empty for a vector that needs none.
   */
  public Optional<byte[]> signerTrustPem() {
    return signerTrustPem == null ? Optional.empty() : Optional.of(signerTrustPem.clone());
  }

  /** Format 1.1: whether the reader must check every record against the manifest's scope. */
  public boolean checkScope() {
    return checkScope;
  }

  @Override
  public String toString() {
    return id + " (" + (isValid() ? "valid" : reason) + "): " + description;
  }
}
