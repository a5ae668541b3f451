package io.hellgate.export;

import java.io.IOException;
import java.time.Instant;

/**
 * Signs a manifest (format 1.1 origin authentication, docs/format.md section 13.3): the service
 * provider interface {@link ExportWriter.Options.Builder#signer} takes. The implementation, CMS
 * SignedData with ECDSA P-256 or RSA-PSS keys in software, PKCS#12 or PKCS#11, is
 * {@code io.hellgate.export.crypto.ManifestSignatures#signer()} in {@code export-format-crypto};
 * core itself has no CMS.
 *
 * <p>Implementations must be thread-safe if one instance is shared by concurrent writers. The
 * writer calls {@link #sign} once per export at {@link ExportWriter#finish()} and, for a
 * {@code Path} target, once more when it opens (to size the manifest's reserved space).
 *
 * <pre>{@code
 * ExportWriter.options().recipient(r).guardianInstance("c1.on-hellgate.cloud")
 *     .signer(ManifestSignatures.signer().pkcs12(Path.of("signer.p12"), null, password).build())
 *     .build();
 * }</pre>
 */
public interface ManifestSigner {
  /**
   * Signs {@code content}.
   *
   * @param content the manifest's JSON without its {@code signature} member, exactly as written
   * @param signingTime the manifest's {@code created_at}, to be recorded as the signing time
   * @return a DER-encoded CMS {@code ContentInfo} holding SignedData with {@code content}
   *     attached (encapsulated) and the signer's certificate (and chain) included
   * @throws IOException if the key cannot sign (token unavailable, for example)
   */
  byte[] sign(byte[] content, Instant signingTime) throws IOException;
}
