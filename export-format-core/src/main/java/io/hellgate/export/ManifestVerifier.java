package io.hellgate.export;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Verifies a manifest's signature against configured signer trust anchors (format 1.1, docs/format.md
 * section 13.3): the service provider interface {@link ExportReader.Options.Builder#signatureVerifier}
 * takes. The implementation is {@code io.hellgate.export.crypto.ManifestSignatures#verifier()} in
 * {@code export-format-crypto}.
 *
 * <p>An implementation checks the CMS structure and the signature value, and the signer's
 * certificate (chain to a trust anchor, validity at the signing time, {@code digitalSignature} key
 * usage, revocation) and returns the signed content; the reader then requires that content to be
 * the manifest without its {@code signature} member, as a JSON value. Implementations must be
 * thread-safe: reader options are shared.
 *
 * <pre>{@code
 * ExportReader.options().key(key)
 *     .signatureVerifier(ManifestSignatures.verifier().trustAnchorsPem(roots).build())
 *     .build();
 * }</pre>
 */
public interface ManifestVerifier {
  /**
   * Verifies a signature.
   *
   * @param signedData the decoded {@code signature} member: DER CMS ContentInfo with SignedData
   * @return the verified content and signer
   * @throws ExportFormatException with {@link ExportFormatException.Reason#SIGNATURE_INVALID} if the
   *     signature does not verify or its signer is not trusted; the message says which check failed
   */
  Verified verify(byte[] signedData) throws ExportFormatException;

  /** What a valid signature proves: who signed which bytes, when. Immutable. */
  final class Verified {
    private final byte[] content;
    private final List<X509Certificate> signerChain;
    private final Instant signingTime;

    private Verified(byte[] content, List<X509Certificate> signerChain, Instant signingTime) {
      this.content = content.clone();
      this.signerChain = List.copyOf(signerChain);
      this.signingTime = Objects.requireNonNull(signingTime, "signingTime");
      if (this.signerChain.isEmpty()) {
        throw new IllegalArgumentException("signerChain must hold at least the signer's certificate");
      }
    }

    /**
     * A verification result.
     *
     * @param content the signed content (the encapsulated content of the SignedData)
     * @param signerChain the signer's certificate first, then the path up to (and including) the trust anchor
     * @param signingTime the signed signing time
     */
    public static Verified of(byte[] content, List<X509Certificate> signerChain, Instant signingTime) {
      return new Verified(Objects.requireNonNull(content, "content"), signerChain, signingTime);
    }

    /** The signed content (a copy). */
    public byte[] content() {
      return content.clone();
    }

    /** The signer's certificate. */
    public X509Certificate signer() {
      return signerChain.get(0);
    }

    /** The signer's certificate, then the validated path up to the trust anchor. */
    public List<X509Certificate> signerChain() {
      return signerChain;
    }

    /** The signing time the signature carries (the writer records the manifest's {@code created_at}). */
    public Instant signingTime() {
      return signingTime;
    }

    byte[] contentUnsafe() {
      return content;
    }
  }
}
