package io.kubetrail.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.Level;
import io.kubetrail.event.RawJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Rewrites an event's JSON for a new level: sets {@code level}, drops bodies the level forbids,
 * strips managed fields. Works on a Jackson tree (field order kept, numbers kept exactly), and only
 * when a quick scan of the bytes says something may change.
 */
final class EventRewriter {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .build();

  private static final byte[] REQUEST_OBJECT = bytes("\"requestObject\"");
  private static final byte[] RESPONSE_OBJECT = bytes("\"responseObject\"");
  private static final byte[] MANAGED_FIELDS = bytes("\"managedFields\"");

  private EventRewriter() {}

  static AuditEvent rewrite(AuditEvent event, Level level, boolean omitManagedFields) {
    boolean levelChanges = level != event.level();
    boolean dropRequest = !level.atLeast(Level.Request);
    boolean dropResponse = !level.atLeast(Level.RequestResponse);
    byte[] raw = event.json().unsafeBytes();
    if (!levelChanges && !mayChange(raw, dropRequest, dropResponse, omitManagedFields)) {
      return event;
    }
    ObjectNode root;
    try {
      JsonNode tree = MAPPER.readTree(raw);
      if (!(tree instanceof ObjectNode object)) {
        return levelChanges ? event.withLevelAndJson(level, event.json()) : event;
      }
      root = object;
    } catch (IOException e) {
      // The decoder accepted these bytes as JSON; they cannot fail to parse now.
      throw new UncheckedIOException("event JSON no longer parses", e);
    }
    boolean changed = false;
    if (levelChanges) {
      root.put("level", level.name());
      changed = true;
    }
    if (dropRequest && root.remove("requestObject") != null) {
      changed = true;
    }
    if (dropResponse && root.remove("responseObject") != null) {
      changed = true;
    }
    if (omitManagedFields) {
      // kube-apiserver logs a patch body as sent (LogRequestPatch), without stripping it.
      if (!event.verb().equals("patch")) {
        changed |= stripManagedFields(root.get("requestObject"));
      }
      changed |= stripManagedFields(root.get("responseObject"));
    }
    if (!changed) {
      return event;
    }
    try {
      return event.withLevelAndJson(level, RawJson.of(MAPPER.writeValueAsBytes(root)));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot write event JSON", e);
    }
  }

  /**
   * False only when no change is possible. Exact when the bytes hold no backslash: then no key can
   * be spelled with escapes, so a key that is not found verbatim is not there.
   */
  private static boolean mayChange(
      byte[] raw, boolean dropRequest, boolean dropResponse, boolean omitManagedFields) {
    if (!dropRequest && !dropResponse && !omitManagedFields) {
      return false;
    }
    if (indexOf(raw, (byte) '\\') >= 0) {
      return true;
    }
    boolean hasRequest = contains(raw, REQUEST_OBJECT);
    boolean hasResponse = contains(raw, RESPONSE_OBJECT);
    if (dropRequest && hasRequest || dropResponse && hasResponse) {
      return true;
    }
    return omitManagedFields && (hasRequest || hasResponse) && contains(raw, MANAGED_FIELDS);
  }

  /** Removes managed fields from an object, a list's items and a Table's rows. */
  private static boolean stripManagedFields(JsonNode body) {
    if (!(body instanceof ObjectNode object)) {
      return false;
    }
    boolean changed = stripObjectMeta(object);
    JsonNode items = object.get("items");
    if (items != null && items.isArray()) {
      for (JsonNode item : items) {
        changed |= stripObjectMeta(item);
      }
    }
    JsonNode rows = object.get("rows");
    if (rows != null && rows.isArray() && "Table".equals(object.path("kind").asText())) {
      for (JsonNode row : rows) {
        changed |= stripObjectMeta(row.get("object"));
      }
    }
    return changed;
  }

  private static boolean stripObjectMeta(JsonNode node) {
    if (node instanceof ObjectNode object && object.get("metadata") instanceof ObjectNode meta) {
      return meta.remove("managedFields") != null;
    }
    return false;
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0, last = haystack.length - needle.length; i <= last; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private static int indexOf(byte[] bytes, byte b) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
