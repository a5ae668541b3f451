package io.hellgate.export;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.hellgate.export.ExportFormatException.Reason;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * JSON for {@link ExportRequest} (the request file) and its {@link ExportRequest.Scope}, which the
 * manifest's {@code request} member embeds (docs/format.md section 13). The request file is parsed
 * strictly (unknown members are errors: it is this library's own file); a scope inside a manifest
 * follows the manifest's rule (unknown members ignored).
 */
final class RequestCodec {
  private static final Set<String> REQUEST_MEMBERS =
      Set.of(
          "request_id",
          "organization",
          "cluster_id",
          "use_case",
          "pci_attestation",
          "scope",
          "recipient",
          "point_of_contact",
          "recipient_certificate");
  private static final Set<String> ATTESTATION_MEMBERS = Set.of("reference", "date");
  private static final Set<String> RECIPIENT_MEMBERS = Set.of("team", "contact");
  private static final Set<String> SCOPE_MEMBERS =
      Set.of("created_from", "created_until", "schemes", "metadata", "system", "batch");
  private static final int MAX_REQUEST_BYTES = 1 << 20;

  private RequestCodec() {}

  static byte[] write(ExportRequest r) {
    ByteArrayBuilder out = new ByteArrayBuilder(2048);
    try (JsonGenerator g = RecordCodec.FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      g.setPrettyPrinter(ManifestCodec.pretty());
      g.writeStartObject();
      g.writeStringField("request_id", r.requestId());
      g.writeStringField("organization", r.organization());
      g.writeStringField("cluster_id", r.clusterId());
      g.writeStringField("use_case", r.useCase());
      g.writeObjectFieldStart("pci_attestation");
      g.writeStringField("reference", r.attestationReference());
      g.writeStringField("date", r.attestationDate().toString());
      g.writeEndObject();
      g.writeFieldName("scope");
      writeScope(g, r.scope());
      g.writeObjectFieldStart("recipient");
      g.writeStringField("team", r.recipientTeam());
      g.writeStringField("contact", r.recipientContact());
      g.writeEndObject();
      g.writeStringField("point_of_contact", r.pointOfContact());
      g.writeStringField("recipient_certificate", r.recipientCertificatePem());
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("in-memory JSON generation failed", e);
    }
    out.append('\n');
    return out.toByteArray();
  }

  /** Writes {@code scope} as a JSON object: the range, then the filters and labels that are set. */
  static void writeScope(JsonGenerator g, ExportRequest.Scope s) throws IOException {
    g.writeStartObject();
    g.writeStringField("created_from", DateTimeFormatter.ISO_INSTANT.format(s.createdFrom()));
    g.writeStringField("created_until", DateTimeFormatter.ISO_INSTANT.format(s.createdUntil()));
    if (!s.schemes().isEmpty()) {
      g.writeArrayFieldStart("schemes");
      for (String scheme : s.schemes()) {
        g.writeString(scheme);
      }
      g.writeEndArray();
    }
    if (!s.metadata().isEmpty()) {
      g.writeObjectFieldStart("metadata");
      for (Map.Entry<String, String> e : s.metadata().entrySet()) {
        g.writeStringField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
    }
    if (s.system().isPresent()) {
      g.writeStringField("system", s.system().get());
    }
    if (s.batch().isPresent()) {
      g.writeStringField("batch", s.batch().get());
    }
    g.writeEndObject();
  }

  static ExportRequest parseRequest(byte[] json) throws ExportFormatException {
    if (json.length > MAX_REQUEST_BYTES) {
      throw malformed("request file is larger than 1 MiB");
    }
    Map<String, Object> root = JsonTree.parseObject(json, "request file", Reason.MALFORMED_REQUEST);
    only(root, "", REQUEST_MEMBERS);
    Map<String, Object> attestation = JsonTree.object(root, "pci_attestation", Reason.MALFORMED_REQUEST);
    only(attestation, "pci_attestation.", ATTESTATION_MEMBERS);
    Map<String, Object> recipient = JsonTree.object(root, "recipient", Reason.MALFORMED_REQUEST);
    only(recipient, "recipient.", RECIPIENT_MEMBERS);
    LocalDate date;
    String dateText = JsonTree.string(attestation, "pci_attestation.date", Reason.MALFORMED_REQUEST);
    try {
      if (!dateText.matches("\\d{4}-\\d{2}-\\d{2}")) {
        throw new DateTimeParseException("", dateText, 0);
      }
      date = LocalDate.parse(dateText);
    } catch (DateTimeParseException e) {
      throw malformed("pci_attestation.date must be a date YYYY-MM-DD");
    }
    ExportRequest.Scope scope = parseScope(JsonTree.object(root, "scope", Reason.MALFORMED_REQUEST), "scope", true, Reason.MALFORMED_REQUEST);
    try {
      return ExportRequest.builder()
          .requestId(JsonTree.string(root, "request_id", Reason.MALFORMED_REQUEST))
          .organization(JsonTree.string(root, "organization", Reason.MALFORMED_REQUEST))
          .clusterId(JsonTree.string(root, "cluster_id", Reason.MALFORMED_REQUEST))
          .useCase(JsonTree.string(root, "use_case", Reason.MALFORMED_REQUEST))
          .pciAttestation(JsonTree.string(attestation, "pci_attestation.reference", Reason.MALFORMED_REQUEST), date)
          .scope(scope)
          .recipientTeam(JsonTree.string(recipient, "recipient.team", Reason.MALFORMED_REQUEST))
          .recipientContact(JsonTree.string(recipient, "recipient.contact", Reason.MALFORMED_REQUEST))
          .pointOfContact(JsonTree.string(root, "point_of_contact", Reason.MALFORMED_REQUEST))
          .recipientCertificatePem(JsonTree.string(root, "recipient_certificate", Reason.MALFORMED_REQUEST))
          .build();
    } catch (IllegalStateException | IllegalArgumentException e) {
      throw malformed(e.getMessage());
    }
  }

  /**
   * A scope from its JSON object at {@code path}. With {@code strict}, unknown members are errors
   * (request files); in a manifest they are ignored, as everywhere in a manifest.
   */
  static ExportRequest.Scope parseScope(Map<String, Object> map, String path, boolean strict, Reason reason)
      throws ExportFormatException {
    if (strict) {
      only(map, path + ".", SCOPE_MEMBERS);
    }
    ExportRequest.Scope.Builder b = ExportRequest.Scope.builder();
    try {
      b.createdFrom(instant(JsonTree.string(map, path + ".created_from", reason), path + ".created_from", reason));
      b.createdUntil(instant(JsonTree.string(map, path + ".created_until", reason), path + ".created_until", reason));
      Object schemes = map.get("schemes");
      if (schemes != null) {
        if (!(schemes instanceof List)) {
          throw new ExportFormatException(reason, path + ".schemes must be an array of strings");
        }
        List<?> list = (List<?>) schemes;
        if (list.isEmpty()) {
          throw new ExportFormatException(reason, path + ".schemes must not be empty when present");
        }
        for (Object s : list) {
          if (!(s instanceof String)) {
            throw new ExportFormatException(reason, path + ".schemes must be an array of strings");
          }
          if (b.hasScheme((String) s)) {
            throw new ExportFormatException(reason, path + ".schemes has a duplicate entry");
          }
          b.scheme((String) s);
        }
      }
      Object metadata = map.get("metadata");
      if (metadata != null) {
        if (!(metadata instanceof Map)) {
          throw new ExportFormatException(reason, path + ".metadata must be an object of strings");
        }
        Map<?, ?> m = (Map<?, ?>) metadata;
        if (m.isEmpty()) {
          throw new ExportFormatException(reason, path + ".metadata must not be empty when present");
        }
        for (Map.Entry<?, ?> e : m.entrySet()) {
          if (!(e.getValue() instanceof String)) {
            throw new ExportFormatException(reason, path + ".metadata values must be strings");
          }
          b.metadata((String) e.getKey(), (String) e.getValue());
        }
      }
      if (map.containsKey("system")) {
        b.system(JsonTree.string(map, path + ".system", reason));
      }
      if (map.containsKey("batch")) {
        b.batch(JsonTree.string(map, path + ".batch", reason));
      }
      return b.build();
    } catch (IllegalStateException | IllegalArgumentException e) {
      throw new ExportFormatException(reason, e.getMessage());
    }
  }

  private static Instant instant(String text, String field, Reason reason) throws ExportFormatException {
    try {
      return RecordCodec.instant(text, field);
    } catch (RecordCodec.InvalidRecord e) {
      throw new ExportFormatException(reason, field + " must be an RFC 3339 date-time");
    }
  }

  private static void only(Map<String, Object> map, String prefix, Set<String> allowed) throws ExportFormatException {
    for (String name : map.keySet()) {
      if (!allowed.contains(name)) {
        throw malformed("unknown member " + prefix + RecordValidation.printable(name));
      }
    }
  }

  private static ExportFormatException malformed(String message) {
    return new ExportFormatException(Reason.MALFORMED_REQUEST, message);
  }
}
