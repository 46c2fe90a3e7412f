package io.kubetrail.history;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Streaming reads of Kubernetes object JSON: no trees are built for the fields replay needs. */
final class K8sJson {
  static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(500).build())
          .build();
  static final ObjectMapper MAPPER = new ObjectMapper(FACTORY);

  private K8sJson() {}

  /**
   * The {@code responseObject} of an audit event, when it is a JSON object (a JSON-patch array or
   * any other value is not an object body).
   */
  static Optional<ObjectInfo> responseObject(byte[] eventJson) {
    return topLevelObject(eventJson, "responseObject");
  }

  static Optional<ObjectInfo> topLevelObject(byte[] json, String field) {
    try (JsonParser p = FACTORY.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return Optional.empty();
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        if (name.equals(field) && t == JsonToken.START_OBJECT) {
          return Optional.of(readObject(p, true));
        }
        p.skipChildren();
      }
      return Optional.empty();
    } catch (IOException e) {
      // Events come out of the decoder as valid JSON; anything else is a bug upstream.
      throw new UncheckedIOException("unreadable event JSON: " + e.getMessage(), e);
    }
  }

  /** Describes a whole buffer holding one JSON object. */
  static ObjectInfo describe(byte[] objectJson) {
    try (JsonParser p = FACTORY.createParser(objectJson)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("not a JSON object");
      }
      return readObject(p, true);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a JSON object: " + e.getMessage(), e);
    }
  }

  /** Reads the object whose START_OBJECT is the current token, through its END_OBJECT. */
  private static ObjectInfo readObject(JsonParser p, boolean withItems) throws IOException {
    int start = (int) p.currentTokenLocation().getByteOffset();
    String kind = "";
    String apiVersion = "";
    Meta meta = new Meta();
    List<ObjectInfo> items = List.of();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      JsonToken t = p.nextToken();
      switch (f) {
        case "kind" -> kind = text(p, t);
        case "apiVersion" -> apiVersion = text(p, t);
        case "metadata" -> {
          if (t == JsonToken.START_OBJECT) {
            readMeta(p, meta);
          } else {
            p.skipChildren();
          }
        }
        case "items" -> {
          if (withItems && t == JsonToken.START_ARRAY) {
            items = new ArrayList<>();
            JsonToken it;
            while ((it = p.nextToken()) != JsonToken.END_ARRAY) {
              if (it == JsonToken.START_OBJECT) {
                items.add(readObject(p, false));
              } else {
                p.skipChildren();
              }
            }
          } else {
            p.skipChildren();
          }
        }
        default -> p.skipChildren();
      }
    }
    int end = (int) p.currentLocation().getByteOffset();
    return new ObjectInfo(
        kind,
        apiVersion,
        meta.name,
        meta.generateName,
        meta.namespace,
        meta.resourceVersion,
        meta.uid,
        meta.deleting,
        meta.labels,
        items,
        start,
        end - start);
  }

  private static final class Meta {
    String name = "";
    String generateName = "";
    String namespace = "";
    String resourceVersion = "";
    String uid = "";
    boolean deleting;
    Map<String, String> labels = Map.of();
  }

  private static void readMeta(JsonParser p, Meta m) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      JsonToken t = p.nextToken();
      switch (f) {
        case "name" -> m.name = text(p, t);
        case "generateName" -> m.generateName = text(p, t);
        case "namespace" -> m.namespace = text(p, t);
        case "resourceVersion" -> m.resourceVersion = text(p, t);
        case "uid" -> m.uid = text(p, t);
        case "deletionTimestamp" -> m.deleting = t != JsonToken.VALUE_NULL;
        case "labels" -> {
          if (t == JsonToken.START_OBJECT) {
            Map<String, String> labels = new HashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String k = p.currentName();
              JsonToken v = p.nextToken();
              labels.put(k, text(p, v));
            }
            m.labels = labels;
          } else {
            p.skipChildren();
          }
        }
        default -> p.skipChildren();
      }
    }
  }

  private static String text(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
      p.skipChildren();
      return "";
    }
    return t == JsonToken.VALUE_NULL ? "" : p.getText();
  }
}
