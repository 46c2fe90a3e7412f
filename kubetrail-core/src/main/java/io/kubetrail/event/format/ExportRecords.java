package io.kubetrail.event.format;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubetrail.event.AuditDecodeException;
import io.kubetrail.event.AuditEventReader;
import io.kubetrail.event.DecodeLimits;
import io.kubetrail.event.DecodeResult;
import io.kubetrail.event.SourcePosition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * Turns one exported record into decode results: tells its shape, checks it against the format
 * asked for, converts it to an audit Event's JSON and decodes that under the usual rules and
 * limits. Wrappers ({@code {"records": [...]}} from Azure, {@code {"entries": [...]}} from the
 * Cloud Logging API, arrays, EventLists) give one result per record inside.
 */
final class ExportRecords {

  /** The shapes a record can have. */
  enum Shape {
    AUDIT("an audit.k8s.io Event or EventList"),
    GKE("a Cloud Logging entry with a protoPayload"),
    AKS("an Azure diagnostic record with category and properties"),
    UNKNOWN("none of an audit Event, a Cloud Logging entry or an Azure diagnostic record");

    final String description;

    Shape(String description) {
      this.description = description;
    }

    static Shape of(JsonNode record) {
      if (record.has("protoPayload")) {
        return GKE;
      }
      if (record.has("category") && record.has("properties")) {
        return AKS;
      }
      String kind = record.path("kind").asText("");
      if (kind.equals("Event") || kind.equals("EventList") || record.has("auditID")) {
        return AUDIT;
      }
      return UNKNOWN;
    }
  }

  private final RecordFormat format;
  private final DecodeLimits limits;
  private final ObjectMapper json;

  ExportRecords(RecordFormat format, DecodeLimits limits, ObjectMapper json) {
    this.format = format;
    this.limits = limits;
    this.json = json;
  }

  /**
   * Adds the result of a JSON Lines line that holds one kube-apiserver Event, decoded from the
   * line's own bytes (so its raw JSON is the line, as with {@link RecordFormat#AUDIT}) without
   * building a tree first; false, adding nothing, for any other line.
   */
  boolean addAuditLine(byte[] line, SourcePosition at, Collection<DecodeResult> results) {
    if (format != RecordFormat.AUTO || !isSingleEvent(line)) {
      return false;
    }
    results.add(decode(line, at));
    return true;
  }

  /** True when the line's top-level object is an Event: a kind of Event, or an auditID. */
  private boolean isSingleEvent(byte[] line) {
    boolean event = false;
    try (JsonParser p = json.getFactory().createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return false;
      }
      for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "protoPayload", "category", "records", "entries", "items" -> {
            return false;
          }
          case "kind" -> {
            if (value != JsonToken.VALUE_STRING || !p.getText().equals("Event")) {
              return false;
            }
            event = true;
          }
          case "auditID" -> event = true;
          default -> p.skipChildren();
        }
      }
      return event;
    } catch (IOException e) {
      return false; // the tree's reading says what is wrong
    }
  }

  /** Adds the results of {@code record}, read at {@code at}, to {@code results}. */
  void add(JsonNode record, SourcePosition at, Collection<DecodeResult> results) {
    if (record.isArray()) {
      record.forEach(r -> add(r, at, results));
      return;
    }
    if (!record.isObject()) {
      results.add(new DecodeResult.Rejected(at, "expected a JSON object, got " + kindOf(record)));
      return;
    }
    JsonNode wrapped = record.has("kind") ? null : wrapped(record);
    if (wrapped != null) {
      wrapped.forEach(r -> add(r, at, results));
      return;
    }
    Shape shape = Shape.of(record);
    Shape expected = expected();
    if (shape == Shape.UNKNOWN || (expected != null && shape != expected)) {
      results.add(
          new DecodeResult.Rejected(
              at,
              "expected "
                  + (expected == null
                      ? Shape.UNKNOWN.description.replace("none of", "one of")
                      : expected.description)
                  + " (--format "
                  + format.label()
                  + "), got "
                  + (shape == Shape.UNKNOWN
                      ? "an object with fields " + fieldNames(record)
                      : shape.description)));
      return;
    }
    try {
      switch (shape) {
        case AUDIT -> audit(record, at, results);
        case GKE -> results.add(decode(bytes(GkeEntries.toEvent(record)), at));
        case AKS -> results.add(decode(AksRecords.toEvent(record, json), at));
        default -> throw new IllegalStateException("unknown shape " + shape);
      }
    } catch (ConversionException e) {
      results.add(new DecodeResult.Rejected(at, e.getMessage()));
    }
  }

  private Shape expected() {
    return switch (format) {
      case GKE -> Shape.GKE;
      case AKS -> Shape.AKS;
      case AUDIT -> Shape.AUDIT;
      case AUTO -> null;
    };
  }

  /** The records of a wrapper object, or null when it is none. */
  private static JsonNode wrapped(JsonNode record) {
    for (String field : new String[] {"records", "entries"}) {
      JsonNode inner = record.get(field);
      if (inner != null && inner.isArray()) {
        return inner;
      }
    }
    return null;
  }

  private void audit(JsonNode record, SourcePosition at, Collection<DecodeResult> results)
      throws ConversionException {
    if (!record.path("kind").asText("").equals("EventList")) {
      results.add(decode(bytes(record), at));
      return;
    }
    JsonNode items = record.path("items");
    JsonNode version = record.get("apiVersion");
    for (JsonNode item : items) {
      if (item.isObject() && !item.has("apiVersion") && version != null) {
        // An item without apiVersion takes its EventList's, as in kube-apiserver's own files.
        ((ObjectNode) item).set("apiVersion", version);
      }
      results.add(decode(bytes(item), at));
    }
  }

  private DecodeResult decode(byte[] event, SourcePosition at) {
    try {
      return new DecodeResult.Decoded(AuditEventReader.decode(event, limits), at);
    } catch (AuditDecodeException e) {
      return new DecodeResult.Rejected(at, e.getMessage());
    }
  }

  private byte[] bytes(JsonNode node) throws ConversionException {
    try {
      return json.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new ConversionException("cannot write the event: " + e.getOriginalMessage());
    }
  }

  static String kindOf(JsonNode node) {
    return node.isTextual()
        ? "a string"
        : node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
  }

  private static String fieldNames(JsonNode record) {
    StringBuilder names = new StringBuilder();
    var it = record.fieldNames();
    for (int i = 0; it.hasNext() && i < 6; i++) {
      names.append(i == 0 ? "" : ", ").append(it.next());
    }
    return names.length() == 0 ? "(none)" : names.toString();
  }

  /** A record that cannot be turned into an audit Event: the message names the field path. */
  static final class ConversionException extends Exception {
    private static final long serialVersionUID = 1L;

    ConversionException(String message) {
      super(message);
    }
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
