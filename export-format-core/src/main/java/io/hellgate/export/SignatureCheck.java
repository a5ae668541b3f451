package io.hellgate.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hellgate.export.ExportFormatException.Reason;
import java.io.IOException;
import java.util.Iterator;
import java.util.TreeSet;

/**
 * The reader's signature step (docs/format.md section 13.3), before any key is used: a signature
 * must be present, verify, and cover this manifest: its signed content equal, as a JSON value, to
 * the manifest without {@code signature} (member order and whitespace do not matter; every name,
 * value and type does, unknown members included).
 */
final class SignatureCheck {
  private static final ObjectMapper JSON = new ObjectMapper(RecordCodec.FACTORY);

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
