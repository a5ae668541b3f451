package io.hellgate.export.testkit;

import io.hellgate.export.ManifestSigner;
import io.hellgate.export.ManifestVerifier;
import io.hellgate.export.crypto.ManifestSignatures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A format 1.1 manifest signer for tests: a signing certificate issued by a throwaway
 * {@link TestPki} (one per JVM, shared by both algorithms, no servers) with keyUsage
 * digitalSignature only and no extendedKeyUsage, which is what
 * {@link ManifestSignatures#signer()} and {@link ManifestSignatures#verifier()} require
 * (docs/format.md, section 13). Each algorithm's key is generated once per JVM, on first use, and
 * then reused: RSA key generation takes a second or more, far too slow for every try of a property.
 *
 * <p>Test material only: the keys are in memory, never protected. Immutable and thread-safe.
 *
 * <pre>{@code
 * TestSigner s = TestSigner.of(TestSigner.Algorithm.ECDSA_P256);
 * ExportWriter.options().recipient(r).signer(s.signer()).build();
 * ExportReader.options().key(k).signatureVerifier(s.verifier()).build();
 * }</pre>
 */
public final class TestSigner {
  /** The signature algorithms format 1.1 allows. */
  public enum Algorithm {
    /** ECDSA on P-256 with SHA-256. */
    ECDSA_P256,
    /** RSASSA-PSS, 2048-bit key, SHA-256. */
    RSA_PSS_2048
  }

  private static TestPki pki;
  private static final Map<Algorithm, TestSigner> SIGNERS = new EnumMap<>(Algorithm.class);

  private final Algorithm algorithm;
  private final TestPki issuer;
  private final TestCertificate certificate;
  private final ManifestSigner signer;

  private TestSigner(Algorithm algorithm, TestPki issuer, TestCertificate certificate) {
    this.algorithm = algorithm;
    this.issuer = issuer;
    this.certificate = certificate;
    this.signer = ManifestSignatures.signer().key(certificate.privateKey(), certificate.certificate())
        .chain(certificate.chain()).build();
  }

  /**
   * The signer for {@code algorithm}, made on first use and the same object afterwards.
   *
   * @param algorithm which key
   * @return the signer
   */
  public static synchronized TestSigner of(Algorithm algorithm) {
    return SIGNERS.computeIfAbsent(algorithm, a -> {
      if (pki == null) {
        pki = TestPki.builder().rootSubject("CN=Export Signing Test Root,O=Hellgate Test PKI,C=DE").build();
      }
      TestPki.LeafBuilder leaf = pki.leaf("CN=export-signer-" + a.name().toLowerCase(java.util.Locale.ROOT) + ",O=Hellgate,C=DE")
          .signatureOnlyKeyUsage();
      return new TestSigner(a, pki, (a == Algorithm.ECDSA_P256 ? leaf.ecKey() : leaf).build());
    });
  }

  /** The algorithm. */
  public Algorithm algorithm() {
    return algorithm;
  }

  /** The signing certificate with its key and chain. */
  public TestCertificate certificate() {
    return certificate;
  }

  /** A {@link ManifestSigner} with this key, certificate and chain (RSA keys sign with RSASSA-PSS). */
  public ManifestSigner signer() {
    return signer;
  }

  /** The signer trust anchor, the test root certificate, as PEM: what a reader is configured with. */
  public byte[] trustAnchorsPem() {
    return issuer.rootPem().getBytes(StandardCharsets.US_ASCII);
  }

  /** A verifier trusting {@link #trustAnchorsPem()}, with fresh CRLs of the test PKI (revocation checked). */
  public ManifestVerifier verifier() {
    ManifestSignatures.VerifierBuilder b = ManifestSignatures.verifier().trustAnchors(List.of(issuer.root()));
    for (byte[] crl : issuer.crls()) {
      try {
        b.crl(crl);
      } catch (IOException e) {
        throw new IllegalStateException("the test PKI made an unreadable CRL", e);
      }
    }
    return b.build();
  }

  /** The algorithm and subject, for counterexamples. */
  @Override
  public String toString() {
    return "TestSigner[" + algorithm + ", " + certificate.certificate().getSubjectX500Principal().getName() + "]";
  }
}
