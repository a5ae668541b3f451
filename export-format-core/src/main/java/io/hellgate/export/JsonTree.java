package io.hellgate.export;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.hellgate.export.ExportFormatException.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Strict UTF-8 JSON objects as plain maps, for the manifest and the request file: strings, longs,
 * nested maps, lists (arrays), and a marker for anything else. Duplicate member names are errors
 * (the factory's duplicate detection); Jackson's messages are never passed on.
 */
final class JsonTree {
  /** Any value other than a string, an integer that fits a long, an object or an array. */
  static final Object OTHER = new Object();

  private JsonTree() {}

  /** Parses {@code json} (named {@code what} in messages) as one strict UTF-8 JSON object. */
  static Map<String, Object> parseObject(byte[] json, String what, Reason reason) throws ExportFormatException {
    // Strict UTF-8 JSON: Jackson would otherwise skip a BOM and auto-detect UTF-16/32.
    if (json.length >= 3 && (json[0] & 0xff) == 0xef && (json[1] & 0xff) == 0xbb && (json[2] & 0xff) == 0xbf) {
      throw new ExportFormatException(reason, what + " starts with a byte order mark; it must be UTF-8 without one");
    }
    for (byte b : json) {
      if (b == 0) {
        throw new ExportFormatException(reason, what + " contains a NUL byte (it must be UTF-8 JSON)");
      }
    }
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(json));
    } catch (CharacterCodingException e) {
      throw new ExportFormatException(reason, what + " is not valid UTF-8");
    }
    try (JsonParser p = RecordCodec.FACTORY.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new ExportFormatException(reason, what + " must be a JSON object");
      }
      Map<String, Object> root = object(p);
      if (p.nextToken() != null) {
        throw new ExportFormatException(reason, what + " has data after its JSON object");
      }
      return root;
    } catch (ExportFormatException e) {
      throw e;
    } catch (IOException e) {
      throw new ExportFormatException(reason, what + " is not valid JSON", e);
    }
  }

  /** The members of the object whose START_OBJECT was just read. */
  static Map<String, Object> object(JsonParser p) throws IOException {
    Map<String, Object> map = new HashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      map.put(name, value(p, p.nextToken()));
    }
    return map;
  }

  private static Object value(JsonParser p, JsonToken t) throws IOException {
    switch (t) {
      case START_OBJECT:
        return object(p);
      case START_ARRAY:
        List<Object> list = new ArrayList<>();
        for (JsonToken e; (e = p.nextToken()) != JsonToken.END_ARRAY; ) {
          list.add(value(p, e));
        }
        return list;
      case VALUE_STRING:
        return p.getText();
      case VALUE_NUMBER_INT:
        return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? OTHER : (Object) p.getLongValue();
      default:
        p.skipChildren();
        return OTHER;
    }
  }

  /** The string member named by the last segment of {@code path}. */
  static String string(Map<String, Object> map, String path, Reason reason) throws ExportFormatException {
    Object value = map.get(leaf(path));
    if (!(value instanceof String)) {
      throw new ExportFormatException(reason, path + (value == null ? " is missing" : " must be a string"));
    }
    if (!RecordValidation.isWellFormed((String) value)) {
      // an escaped lone surrogate (\ud800): not Unicode text (section 2)
      throw new ExportFormatException(reason, path + " contains an unpaired surrogate");
    }
    return (String) value;
  }

  /** The object member named by the last segment of {@code path}. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> object(Map<String, Object> map, String path, Reason reason) throws ExportFormatException {
    Object value = map.get(leaf(path));
    if (!(value instanceof Map)) {
      throw new ExportFormatException(reason, path + (value == null ? " is missing" : " must be an object"));
    }
    return (Map<String, Object>) value;
  }

  static String leaf(String path) {
    return path.substring(path.lastIndexOf('.') + 1);
  }
}
