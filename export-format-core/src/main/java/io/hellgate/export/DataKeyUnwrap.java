package io.hellgate.export;

import io.hellgate.export.internal.AesGcm;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Chooses the recipient key for an export and unwraps its data key (docs/format.md section 8,
 * step 3): the keys whose certificate fingerprint matches the manifest, or, when none does, the
 * keys without a certificate. Every failure is a {@link WrongKeyException} whose message names
 * fingerprints, never key bytes. Stateless.
 */
final class DataKeyUnwrap {
  private DataKeyUnwrap() {}

  /**
   * The 32-byte data key; the caller zeroes it after use.
   *
   * @throws WrongKeyException if no key is for this export or none unwraps a 32-byte key
   */
  static byte[] unwrap(ExportManifest manifest, List<RecipientKey> keys) throws WrongKeyException {
    String expected = manifest.recipientFingerprint();
    List<RecipientKey> candidates = new ArrayList<>();
    for (RecipientKey k : keys) {
      if (k.fingerprint().map(expected::equals).orElse(false)) {
        candidates.add(k);
      }
    }
    boolean matched = !candidates.isEmpty();
    if (!matched) {
      for (RecipientKey k : keys) {
        if (k.fingerprint().isEmpty()) {
          candidates.add(k);
        }
      }
    }
    if (candidates.isEmpty()) {
      throw new WrongKeyException(
          "no configured key is for this export: it was encrypted to "
              + expected
              + " ("
              + RecordValidation.printable(manifest.recipientSubject())
              + "); configured: "
              + keys.stream().map(k -> k.fingerprint().orElse("?")).reduce((a, b) -> a + ", " + b).orElse("none"));
    }
    GeneralSecurityException last = null;
    for (RecipientKey k : candidates) {
      try {
        byte[] key = k.unwrapper().unwrap(manifest.encryptedKeyUnsafe());
        if (key != null && key.length == AesGcm.KEY_BYTES) {
          return key;
        }
        if (key != null) {
          Arrays.fill(key, (byte) 0);
        }
        last = new GeneralSecurityException("unwrapped key has the wrong length");
      } catch (GeneralSecurityException | RuntimeException e) {
        last = e instanceof GeneralSecurityException ? (GeneralSecurityException) e : new GeneralSecurityException(e);
      }
    }
    throw new WrongKeyException(
        (matched
                ? "the key for " + expected + " could not unwrap the data key (wrong private key, or encrypted_key was changed)"
                : "none of the configured keys could unwrap the data key; this export was encrypted to " + expected),
        last);
  }
}
