package io.hellgate.export;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hellgate.export.ExportFormatException.Reason;
import java.io.IOException;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.TreeSet;

/**
 * The reader's signature step (docs/format.md section 13.3), before any key is used: a signature
 * must be present, verify, and cover this manifest: its signed content equal, as a JSON value, to
 * the manifest without {@code signature} (member order and whitespace do not matter; every name,
 * value and type does, unknown members included).
 */
final class SignatureCheck {
  /** On a copy of the strict factory: a mapper takes its factory over (sets itself as its codec). */
  private static final ObjectMapper JSON = new ObjectMapper(RecordCodec.FACTORY.copy())
      // Numbers as exact decimals: as doubles, 0.1 and 0.10000000000000000001 (or 1e400 and 2e400)
      // would be "equal" values.
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

  private SignatureCheck() {}

  static ManifestVerifier.Verified check(ExportManifest manifest, ManifestVerifier verifier) throws ExportFormatException {
    byte[] signature = manifest.signatureUnsafe();
    if (signature == null) {
      throw new ExportFormatException(
          Reason.SIGNATURE_MISSING,
          "the export is not signed, but a signature is required (signer trust anchors are configured)");
    }
    ManifestVerifier.Verified verified = verifier.verify(signature);
    if (verified == null) {
      throw new IllegalStateException("the ManifestVerifier returned null");
    }
    byte[] raw = manifest.parsedFromUnsafe() != null ? manifest.parsedFromUnsafe() : manifest.toJson();
    JsonNode actual = tree(raw);
    if (!(actual instanceof ObjectNode)) {
      throw new IllegalStateException("a parsed manifest is a JSON object");
    }
    ((ObjectNode) actual).remove("signature");
    JsonNode signed;
    try {
      // The manifest's own strictness (UTF-8 without BOM or NUL, one object, no duplicate member,
      // nothing after it) first: the tree alone would skip trailing data and auto-detect UTF-16.
      JsonTree.parseObject(verified.contentUnsafe(), "the signed content", Reason.SIGNATURE_INVALID);
      signed = tree(verified.contentUnsafe());
    } catch (ExportFormatException e) {
      throw invalid("the signed content is not a JSON object");
    }
    if (!(signed instanceof ObjectNode)) {
      throw invalid("the signed content is not a JSON object");
    }
    String difference = difference(signed, actual, "");
    if (difference != null) {
      throw invalid("the signature does not cover this manifest: " + difference + " differs from the signed manifest");
    }
    // Section 13.3: signingTime = created_at. The certificate is judged at the signing time, so it
    // must be the time the manifest states (a key from an expired certificate could otherwise sign
    // a manifest dated now with a signing time inside the certificate's validity).
    if (!verified.signingTime().truncatedTo(ChronoUnit.SECONDS).equals(manifest.createdAt().truncatedTo(ChronoUnit.SECONDS))) {
      throw invalid("the signing time " + verified.signingTime() + " is not the manifest's created_at " + manifest.createdAt());
    }
    return verified;
  }

  private static JsonNode tree(byte[] json) throws ExportFormatException {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw invalid("the signed content is not JSON");
    }
  }

  /** The first member (dotted path, or "the manifest") where the two differ, or null. */
  static String difference(JsonNode a, JsonNode b, String path) {
    if (a.equals(b)) {
      return null;
    }
    if (a instanceof ObjectNode && b instanceof ObjectNode) {
      TreeSet<String> names = new TreeSet<>();
      a.fieldNames().forEachRemaining(names::add);
      b.fieldNames().forEachRemaining(names::add);
      for (Iterator<String> it = names.iterator(); it.hasNext(); ) {
        String name = it.next();
        JsonNode x = a.get(name);
        JsonNode y = b.get(name);
        String p = path.isEmpty() ? name : path + "." + name;
        if (x == null || y == null) {
          return "member " + RecordValidation.printable(p);
        }
        String d = difference(x, y, p);
        if (d != null) {
          return d;
        }
      }
    }
    return path.isEmpty() ? "the manifest" : "member " + RecordValidation.printable(path);
  }

  private static ExportFormatException invalid(String message) {
    return new ExportFormatException(Reason.SIGNATURE_INVALID, message);
  }
}
