package io.hellgate.export;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import io.hellgate.export.ExportFormatException.Reason;
import java.io.IOException;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads and writes {@code manifest.json} (docs/format.md, "Manifest"). */
final class ManifestCodec {
  /** The largest manifest a reader accepts. */
  static final int MAX_MANIFEST_BYTES = 1 << 20;

  private static final Pattern VERSION = Pattern.compile("(0|[1-9]\\d{0,8})\\.(0|[1-9]\\d{0,8})");
  private static final Pattern UUID_TEXT =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final Pattern CHECKSUM = Pattern.compile("sha256:[0-9a-f]{64}");
  private static final Pattern FINGERPRINT = Pattern.compile("sha256:[0-9a-f]{2}(:[0-9a-f]{2}){31}");
  private static final Pattern SERIAL = Pattern.compile("[0-9a-f]{2}(:[0-9a-f]{2}){0,63}");

  private ManifestCodec() {}

  /** The writer's pretty printer: two-space indent, {@code "name": value}, {@code \n} line ends. */
  static DefaultPrettyPrinter pretty() {
    return new DefaultPrettyPrinter(
            Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
        .withObjectIndenter(new DefaultIndenter("  ", "\n"))
        .withArrayIndenter(new DefaultIndenter("  ", "\n"));
  }

  static byte[] write(ExportManifest m) {
    return write(m, true);
  }

  /**
   * The manifest's JSON; without {@code withSignature}, the bytes a signature signs: the same
   * members without {@code signature} (which is always last).
   */
  static byte[] write(ExportManifest m, boolean withSignature) {
    ByteArrayBuilder out = new ByteArrayBuilder(1024);
    try (JsonGenerator g = RecordCodec.FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      g.setPrettyPrinter(pretty());
      Base64.Encoder b64 = Base64.getEncoder();
      g.writeStartObject();
      g.writeStringField("version", m.version());
      g.writeStringField("export_id", m.exportId().toString());
      g.writeStringField("created_at", m.createdAtText());
      g.writeStringField("guardian_instance", m.guardianInstance());
      g.writeObjectFieldStart("encryption");
      g.writeStringField("algorithm", m.algorithm());
      g.writeObjectFieldStart("recipient");
      g.writeStringField("subject", m.recipientSubject());
      g.writeStringField("issuer", m.recipientIssuer());
      g.writeStringField("serial", m.recipientSerial());
      g.writeStringField("fingerprint", m.recipientFingerprint());
      g.writeEndObject();
      g.writeStringField("encrypted_key", b64.encodeToString(m.encryptedKeyUnsafe()));
      g.writeStringField("iv", b64.encodeToString(m.ivUnsafe()));
      g.writeStringField("tag", b64.encodeToString(m.tagUnsafe()));
      g.writeEndObject();
      g.writeObjectFieldStart("content");
      g.writeNumberField("record_count", m.recordCount());
      g.writeStringField("checksum", m.checksum());
      g.writeEndObject();
      if (m.requestId().isPresent()) {
        g.writeObjectFieldStart("request");
        g.writeStringField("request_id", m.requestId().get());
        g.writeFieldName("scope");
        RequestCodec.writeScope(g, m.scope().get());
        g.writeEndObject();
      }
      if (withSignature && m.signatureUnsafe() != null) {
        g.writeStringField("signature", b64.encodeToString(m.signatureUnsafe()));
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("in-memory JSON generation failed", e);
    }
    out.append('\n');
    return out.toByteArray();
  }

  static ExportManifest parse(byte[] json) throws ExportFormatException {
    Map<String, Object> root = JsonTree.parseObject(json, "manifest.json", Reason.MALFORMED_MANIFEST);
    String version = string(root, "version");
    Matcher v = VERSION.matcher(version);
    if (!v.matches()) {
      throw malformed("version must be MAJOR.MINOR, found '" + RecordValidation.printable(version) + "'");
    }
    if (!v.group(1).equals("1")) {
      throw new UnsupportedVersionException(
          "export format version " + version + " is not supported; this reader supports 1.x");
    }
    Map<String, Object> encryption = object(root, "encryption");
    String algorithm = string(encryption, "encryption.algorithm");
    if (!ExportManifest.ALGORITHM.equals(algorithm)) {
      throw new ExportFormatException(
          Reason.UNSUPPORTED_ALGORITHM,
          "encryption.algorithm '" + RecordValidation.printable(algorithm) + "' is not supported; expected "
              + ExportManifest.ALGORITHM);
    }
    String exportId = string(root, "export_id");
    if (!UUID_TEXT.matcher(exportId).matches()) {
      throw malformed("export_id must be a UUID");
    }
    String createdAtText = string(root, "created_at");
    Instant createdAt;
    try {
      createdAt = RecordCodec.instant(createdAtText, "created_at");
    } catch (RecordCodec.InvalidRecord e) {
      throw malformed("created_at must be an RFC 3339 date-time");
    }
    String guardian = string(root, "guardian_instance");
    if (guardian.isEmpty()) {
      throw malformed("guardian_instance must not be empty");
    }
    Map<String, Object> recipient = object(encryption, "encryption.recipient");
    String subject = string(recipient, "encryption.recipient.subject");
    String issuer = string(recipient, "encryption.recipient.issuer");
    String serial = string(recipient, "encryption.recipient.serial");
    if (!SERIAL.matcher(serial).matches()) {
      throw malformed("encryption.recipient.serial must be colon-separated lowercase hex");
    }
    String fingerprint = string(recipient, "encryption.recipient.fingerprint");
    if (!FINGERPRINT.matcher(fingerprint).matches()) {
      throw malformed("encryption.recipient.fingerprint must be sha256: and 32 colon-separated hex bytes");
    }
    byte[] encryptedKey = base64(encryption, "encryption.encrypted_key", 1, 2048);
    byte[] iv = base64(encryption, "encryption.iv", 12, 12);
    byte[] tag = base64(encryption, "encryption.tag", 16, 16);
    Map<String, Object> content = object(root, "content");
    Object count = content.get("record_count");
    if (!(count instanceof Long) || (Long) count < 0) {
      throw malformed("content.record_count must be a non-negative integer");
    }
    String checksum = string(content, "content.checksum");
    if (!CHECKSUM.matcher(checksum).matches()) {
      throw malformed("content.checksum must be sha256: and 64 lowercase hex digits");
    }
    String requestId = null;
    ExportRequest.Scope scope = null;
    if (root.containsKey("request")) {
      Map<String, Object> request = object(root, "request");
      requestId = string(request, "request.request_id");
      if (!ExportRequest.REQUEST_ID.matcher(requestId).matches()) {
        throw malformed("request.request_id must be 1 to 128 of A-Z a-z 0-9 . _ : - starting with a letter or digit");
      }
      scope = RequestCodec.parseScope(object(request, "request.scope"), "request.scope", false, Reason.MALFORMED_MANIFEST);
    }
    byte[] signature = root.containsKey("signature") ? base64(root, "signature", 1, MAX_MANIFEST_BYTES) : null;
    return new ExportManifest(
        version,
        UUID.fromString(exportId),
        createdAt,
        createdAtText,
        guardian,
        subject,
        issuer,
        serial,
        fingerprint,
        encryptedKey,
        iv,
        tag,
        (Long) count,
        checksum,
        requestId,
        scope,
        signature,
        json);
  }

  private static String string(Map<String, Object> map, String path) throws ExportFormatException {
    return JsonTree.string(map, path, Reason.MALFORMED_MANIFEST);
  }

  private static Map<String, Object> object(Map<String, Object> map, String path) throws ExportFormatException {
    return JsonTree.object(map, path, Reason.MALFORMED_MANIFEST);
  }

  private static byte[] base64(Map<String, Object> map, String path, int min, int max)
      throws ExportFormatException {
    String text = string(map, path);
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw malformed(path + " must be standard base64");
    }
    if (!Base64.getEncoder().encodeToString(bytes).equals(text)) {
      throw malformed(path + " must be canonical, padded standard base64");
    }
    if (bytes.length < min || bytes.length > max) {
      throw malformed(
          path + " must decode to " + (min == max ? min + "" : min + " to " + max) + " bytes, found " + bytes.length);
    }
    return bytes;
  }

  private static ExportFormatException malformed(String message) {
    return new ExportFormatException(Reason.MALFORMED_MANIFEST, message);
  }

}
