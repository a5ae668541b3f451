package io.hellgate.export.testkit;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.security.Signature;
import java.security.SignatureException;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.operator.ContentSigner;

/**
 * A {@link ContentSigner} that signs with a given {@link Signature} and labels the result with a
 * given algorithm identifier: for certificates signed the way BouncyCastle's builders will not
 * (MD4, or SHA-1 under an old OIW identifier). Not thread-safe; one certificate per instance.
 */
final class LabelledSigner implements ContentSigner {
  private final Signature signature;
  private final AlgorithmIdentifier id;
  private final ByteArrayOutputStream tbs = new ByteArrayOutputStream();

  /** @param signature initialized for signing */
  LabelledSigner(Signature signature, AlgorithmIdentifier id) {
    this.signature = signature;
    this.id = id;
  }

  @Override
  public AlgorithmIdentifier getAlgorithmIdentifier() {
    return id;
  }

  @Override
  public OutputStream getOutputStream() {
    return tbs;
  }

  @Override
  public byte[] getSignature() {
    try {
      signature.update(tbs.toByteArray());
      return signature.sign();
    } catch (SignatureException e) {
      throw new IllegalStateException("cannot sign with " + signature.getAlgorithm(), e);
    }
  }
}
