package io.kubetrail.collect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.ObjectReference;
import io.kubetrail.event.RawJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps Secret values off disk. For an event on core {@code secrets}, every value under {@code
 * data} and {@code stringData} of its {@code requestObject} and {@code responseObject} becomes
 * {@code sha256:<hex>}: keys stay, and a changed value shows as a changed hash, but the value
 * itself is never stored. The hash is over the secret value itself, base64-decoded for {@code
 * data}, so a value written through {@code stringData} and read back through {@code data} hashes
 * the same.
 *
 * <p>Covered bodies: Secret objects, lists of them ({@code items[*]}), tables that include objects
 * ({@code rows[*].object}), merge and strategic-merge patches (objects), JSON patches (arrays of
 * operations whose {@code path} is under {@code /data} or {@code /stringData}), and the {@code
 * kubectl.kubernetes.io/last-applied-configuration} annotation, which {@code kubectl apply} fills
 * with the whole Secret, values included. A JSON {@code null} value stays null: in a merge patch it
 * removes the key, which is worth seeing.
 *
 * <p>Other events, and events without bodies, come back unchanged (the same instance).
 */
public final class SecretRedactor {
  /** The prefix of every hashed value. */
  public static final String HASH_PREFIX = "sha256:";

  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
  // JSON Pointer escapes '/' in a key as '~1' (RFC 6901).
  private static final String LAST_APPLIED_POINTER =
      "/metadata/annotations/" + LAST_APPLIED.replace("/", "~1");

  /**
   * The mapper, made when the first Secret is redacted: {@link #appliesTo} is asked of every event
   * ingested, and making a mapper was a twentieth of a second of the start of each ingest.
   */
  private static final class Json {
    // Exact numbers, so that a re-written event differs from the original only where redacted.
    static final JsonMapper MAPPER =
        JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();
  }

  private SecretRedactor() {}

  /** True when {@code event} is about core-group Secrets, whose bodies hold secret values. */
  public static boolean appliesTo(AuditEvent event) {
    // Asked of every event ingested: no Optional built for the answer.
    Optional<ObjectReference> ref = event.objectRef();
    return ref.isPresent() && isSecret(ref.get());
  }

  private static boolean isSecret(ObjectReference ref) {
    return ref.resource().equals("secrets") && ref.apiGroup().isEmpty();
  }

  /**
   * The event with its Secret values hashed, or {@code event} itself when it is not about Secrets
   * or carries no body.
   */
  public static AuditEvent redact(AuditEvent event) {
    if (!appliesTo(event)) {
      return event;
    }
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(event.json().unsafeBytes());
    } catch (IOException e) {
      // The event was decoded from these bytes a moment ago.
      throw new UncheckedIOException("decoded event is no longer valid JSON", e);
    }
    if (!(root instanceof ObjectNode top)) {
      return event;
    }
    boolean changed = false;
    for (String body : new String[] {"requestObject", "responseObject"}) {
      JsonNode node = top.get(body);
      if (node instanceof ObjectNode object) {
        redactObject(object);
        changed = true;
      } else if (node instanceof ArrayNode patch) {
        redactJsonPatch(patch);
        changed = true;
      }
    }
    if (!changed) {
      return event;
    }
    return event.withLevelAndJson(event.level(), RawJson.of(toBytes(top)));
  }

  /** A Secret, a list or table of them, a merge patch or a DeleteOptions: all are objects. */
  private static void redactObject(ObjectNode object) {
    hashValues(object.get("data"), true);
    hashValues(object.get("stringData"), false);
    if (object.get("metadata") instanceof ObjectNode metadata
        && metadata.get("annotations") instanceof ObjectNode annotations) {
      redactLastApplied(annotations);
    }
    if (object.get("items") instanceof ArrayNode items) {
      for (JsonNode item : items) {
        if (item instanceof ObjectNode itemObject) {
          redactObject(itemObject);
        }
      }
    }
    if (object.get("rows") instanceof ArrayNode rows) {
      for (JsonNode row : rows) {
        if (row.get("object") instanceof ObjectNode rowObject) {
          redactObject(rowObject);
        }
      }
    }
  }

  /** An RFC 6902 JSON patch: operations carry values at paths. */
  private static void redactJsonPatch(ArrayNode operations) {
    for (JsonNode op : operations) {
      if (!(op instanceof ObjectNode operation) || !operation.has("value")) {
        continue;
      }
      String path = operation.path("path").asText("");
      JsonNode value = operation.get("value");
      if (path.equals("/data") || path.equals("/stringData")) {
        hashValues(value, path.equals("/data"));
      } else if (path.startsWith("/data/")) {
        operation.set("value", hash(value, true));
      } else if (path.startsWith("/stringData/")) {
        operation.set("value", hash(value, false));
      } else if (path.equals(LAST_APPLIED_POINTER) && value.isTextual()) {
        operation.put("value", redactEmbeddedSecret(value.asText()));
      } else if (path.equals("/metadata/annotations") && value instanceof ObjectNode annotations) {
        redactLastApplied(annotations);
      } else if (path.equals("/metadata")
          && value.get("annotations") instanceof ObjectNode annotations) {
        redactLastApplied(annotations);
      } else if (path.isEmpty() && value instanceof ObjectNode whole) {
        redactObject(whole);
      }
    }
  }

  private static void redactLastApplied(ObjectNode annotations) {
    if (annotations.get(LAST_APPLIED) instanceof TextNode text) {
      annotations.put(LAST_APPLIED, redactEmbeddedSecret(text.asText()));
    }
  }

  /** The last-applied annotation is a Secret serialised as a JSON string. */
  private static String redactEmbeddedSecret(String json) {
    try {
      JsonNode embedded = Json.MAPPER.readTree(json);
      if (embedded instanceof ObjectNode object) {
        redactObject(object);
        return new String(toBytes(object), StandardCharsets.UTF_8);
      }
    } catch (JsonProcessingException e) {
      // Not JSON: fall through and hide all of it.
    }
    return hashOf(json.getBytes(StandardCharsets.UTF_8));
  }

  private static void hashValues(JsonNode map, boolean base64) {
    if (!(map instanceof ObjectNode object)) {
      return;
    }
    for (Map.Entry<String, JsonNode> entry : object.properties()) {
      entry.setValue(hash(entry.getValue(), base64));
    }
  }

  private static JsonNode hash(JsonNode value, boolean base64) {
    if (value.isNull()) {
      return value;
    }
    byte[] bytes;
    if (value.isTextual()) {
      bytes =
          base64 ? decodeOrRaw(value.asText()) : value.asText().getBytes(StandardCharsets.UTF_8);
    } else {
      bytes = value.toString().getBytes(StandardCharsets.UTF_8);
    }
    return TextNode.valueOf(hashOf(bytes));
  }

  private static byte[] decodeOrRaw(String text) {
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      // kube-apiserver rejects such a Secret, but a request may still carry one: hash it as text.
      return text.getBytes(StandardCharsets.UTF_8);
    }
  }

  static String hashOf(byte[] bytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      return HASH_PREFIX + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  private static byte[] toBytes(JsonNode node) {
    try {
      return Json.MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot write a JSON tree", e);
    }
  }
}
