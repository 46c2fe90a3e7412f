package io.kubetrail.simulate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.Map;

/** JSON building and writing shared by the simulator; compact output, as Go's encoder writes. */
final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper();
  static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Something that writes JSON. */
  interface Body {
    void write(JsonOut g);
  }

  private Json() {}

  /** A buffer kept per thread: events are up to tens of kilobytes, and grown buffers stay. */
  private static final ThreadLocal<JsonOut> BUFFER =
      ThreadLocal.withInitial(() -> new JsonOut(16_384));

  static String render(Body body) {
    JsonOut shared = BUFFER.get();
    // A body that renders another body while writing gets a buffer of its own.
    JsonOut out = shared.inUse ? new JsonOut(1024) : shared;
    out.inUse = true;
    try {
      out.reset();
      body.write(out);
      return out.toString();
    } finally {
      out.inUse = false;
    }
  }

  static String write(JsonNode node) {
    JsonOut out = new JsonOut(256);
    out.writeTree(node);
    return out.toString();
  }

  static JsonNode parse(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An object from key, value pairs; values may be strings, numbers, booleans, nodes or null. */
  static ObjectNode obj(Object... keyValues) {
    if (keyValues.length % 2 != 0) {
      throw new IllegalArgumentException("keys and values must pair up");
    }
    ObjectNode node = NODES.objectNode();
    for (int i = 0; i < keyValues.length; i += 2) {
      node.set((String) keyValues[i], value(keyValues[i + 1]));
    }
    return node;
  }

  static ArrayNode arr(Object... items) {
    ArrayNode node = NODES.arrayNode();
    for (Object item : items) {
      node.add(value(item));
    }
    return node;
  }

  /** A string map as a JSON object, in the map's iteration order (use sorted maps, as Go does). */
  static ObjectNode strings(Map<String, String> map) {
    ObjectNode node = NODES.objectNode();
    map.forEach(node::put);
    return node;
  }

  /** A deep copy with every object's keys sorted, as Go writes a {@code map[string]interface{}}. */
  static JsonNode sorted(JsonNode node) {
    if (node.isObject()) {
      java.util.TreeMap<String, JsonNode> fields = new java.util.TreeMap<>();
      node.fields().forEachRemaining(e -> fields.put(e.getKey(), sorted(e.getValue())));
      ObjectNode out = NODES.objectNode();
      out.setAll(fields);
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = NODES.arrayNode();
      node.forEach(item -> out.add(sorted(item)));
      return out;
    }
    return node;
  }

  static JsonNode value(Object v) {
    if (v == null) {
      return NODES.nullNode();
    } else if (v instanceof JsonNode n) {
      return n;
    } else if (v instanceof String s) {
      return NODES.textNode(s);
    } else if (v instanceof Integer i) {
      return NODES.numberNode(i);
    } else if (v instanceof Long l) {
      return NODES.numberNode(l);
    } else if (v instanceof Boolean b) {
      return NODES.booleanNode(b);
    }
    throw new IllegalArgumentException("not a JSON value: " + v.getClass());
  }
}
