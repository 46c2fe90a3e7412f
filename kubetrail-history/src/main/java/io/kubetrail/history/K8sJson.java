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
  private static final byte[] RESPONSE_OBJECT = JsonScan.key("responseObject");

  private K8sJson() {}

  /**
   * The {@code responseObject} of an audit event, when it is a JSON object (a JSON-patch array or
   * any other value is not an object body). Its labels are not read (left empty): replay reads
   * every change's response, and labels only of the few objects a deletecollection's selector
   * weighs, by {@link #describe}.
   */
  static Optional<ObjectInfo> responseObject(byte[] eventJson) {
    return responseObject(eventJson, new BodyLayout.Builder());
  }

  /**
   * {@link #responseObject(byte[])}, also collecting into {@code layout} where the object's parts
   * lie (in the event's offsets), for {@link BodyLayout}.
   */
  static Optional<ObjectInfo> responseObject(byte[] eventJson, BodyLayout.Builder layout) {
    try {
      return Scanned.topLevelObject(eventJson, RESPONSE_OBJECT, layout);
    } catch (Scanned.Escaped e) {
      layout.unknown();
      return topLevelObjectByTokens(eventJson, "responseObject");
    }
  }

  /** {@link BodyLayout#of}: a buffer whose JSON object starts at its first byte. */
  static BodyLayout layout(byte[] json) {
    if (json.length == 0 || json[0] != '{') {
      return BodyLayout.UNKNOWN;
    }
    BodyLayout.Builder layout = new BodyLayout.Builder();
    try {
      Scanned.object(json, 0, json.length, false, false, layout);
      return layout.build(0);
    } catch (Scanned.Escaped | IllegalArgumentException e) {
      return BodyLayout.UNKNOWN;
    }
  }

  /**
   * The object value of a top-level field, by a streaming parser: for keys with escapes, and to
   * test the scan against.
   */
  static Optional<ObjectInfo> topLevelObjectByTokens(byte[] json, String field) {
    try (JsonParser p = FACTORY.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return Optional.empty();
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        if (name.equals(field) && t == JsonToken.START_OBJECT) {
          return Optional.of(readObject(p, true, false));
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
      return readObject(p, true, true);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a JSON object: " + e.getMessage(), e);
    }
  }

  /** Reads the object whose START_OBJECT is the current token, through its END_OBJECT. */
  private static ObjectInfo readObject(JsonParser p, boolean withItems, boolean withLabels)
      throws IOException {
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
            readMeta(p, meta, withLabels);
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
                items.add(readObject(p, false, withLabels));
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
    return meta.info(kind, apiVersion, items, start, end - start);
  }

  private static final class Meta {
    String name = "";
    String generateName = "";
    String namespace = "";
    String resourceVersion = "";
    String uid = "";
    boolean deleting;
    Map<String, String> labels = Map.of();

    ObjectInfo info(
        String kind, String apiVersion, List<ObjectInfo> items, int offset, int length) {
      return new ObjectInfo(
          kind,
          apiVersion,
          name,
          generateName,
          namespace,
          resourceVersion,
          uid,
          deleting,
          labels,
          items,
          offset,
          length);
    }
  }

  private static void readMeta(JsonParser p, Meta m, boolean withLabels) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      JsonToken t = p.nextToken();
      switch (f) {
        case "name" -> m.name = text(p, t);
        case "generateName" -> m.generateName = text(p, t);
        case "namespace" -> m.namespace = text(p, t);
        case "resourceVersion" -> m.resourceVersion = text(p, t);
        case "uid" -> m.uid = text(p, t);
        case "deletionTimestamp" -> {
          m.deleting = t != JsonToken.VALUE_NULL;
          p.skipChildren();
        }
        case "labels" -> {
          if (withLabels && t == JsonToken.START_OBJECT) {
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

  /**
   * What {@link #readObject} reads, found by {@link JsonScan}: the bytes of the fields replay does
   * not read are stepped over rather than tokenized. Keys with escapes (which kube-apiserver never
   * writes) send the caller back to the parser, so the answer is always the parser's.
   */
  static final class Scanned {
    private static final byte[] KIND = JsonScan.key("kind");
    private static final byte[] API_VERSION = JsonScan.key("apiVersion");
    private static final byte[] METADATA = JsonScan.key("metadata");
    private static final byte[] ITEMS = JsonScan.key("items");
    private static final byte[] NAME = JsonScan.key("name");
    private static final byte[] GENERATE_NAME = JsonScan.key("generateName");
    private static final byte[] NAMESPACE = JsonScan.key("namespace");
    private static final byte[] RESOURCE_VERSION = JsonScan.key("resourceVersion");
    private static final byte[] UID = JsonScan.key("uid");
    private static final byte[] DELETION_TIMESTAMP = JsonScan.key("deletionTimestamp");
    private static final byte[] LABELS = JsonScan.key("labels");
    private static final byte[] SPEC = JsonScan.key("spec");

    /** Thrown where the scan cannot answer as the parser would; carries no stack. */
    static final class Escaped extends RuntimeException {
      private static final long serialVersionUID = 1L;
      static final Escaped INSTANCE = new Escaped();

      private Escaped() {
        super("escaped key", null, false, false);
      }
    }

    private Scanned() {}

    static Optional<ObjectInfo> topLevelObject(
        byte[] json, byte[] field, BodyLayout.Builder layout) {
      int start = JsonScan.skipSpace(json, 0, json.length);
      if (start >= json.length || json[start] != '{') {
        return Optional.empty();
      }
      JsonScan top = new JsonScan(json, start, json.length);
      while (top.next()) {
        if (top.keyEscaped()) {
          throw Escaped.INSTANCE;
        }
        if (top.keyIs(field) && top.valueType() == '{') {
          // Bounded by the buffer, not by the value's end: finding that end first would read
          // the whole body twice.
          return Optional.of(object(json, top.valueStart(), json.length, true, false, layout));
        }
      }
      return Optional.empty();
    }

    /** Reads the object at {@code start}, collecting where its parts lie into {@code layout}. */
    static ObjectInfo object(
        byte[] json,
        int start,
        int end,
        boolean withItems,
        boolean withLabels,
        BodyLayout.Builder layout) {
      JsonScan o = new JsonScan(json, start, end);
      String kind = "";
      String apiVersion = "";
      Meta meta = new Meta();
      List<ObjectInfo> items = List.of();
      while (o.next()) {
        if (o.keyEscaped()) {
          throw Escaped.INSTANCE;
        }
        if (o.keyIs(KIND)) {
          kind = text(json, o);
        } else if (o.keyIs(API_VERSION)) {
          apiVersion = text(json, o);
        } else if (o.keyIs(METADATA)) {
          if (o.valueType() == '{') {
            o.skippedTo(meta(json, o.valueStart(), end, meta, withLabels, layout));
          }
          layout.metadata(o.valueStart(), o.valueEnd());
        } else if (o.keyIs(SPEC)) {
          layout.spec();
          if (o.valueType() == '{') {
            // Stepping over spec member by member costs about what skipping it whole does.
            o.skippedTo(spec(json, o.valueStart(), end, layout));
          }
        } else if (o.keyIs(ITEMS) && withItems && o.valueType() == '[') {
          List<ObjectInfo> list = new ArrayList<>();
          int arrayEnd = o.valueEnd();
          JsonScan.elements(
              json,
              o.valueStart(),
              arrayEnd,
              at -> {
                if (json[at] == '{') {
                  list.add(
                      object(
                          json,
                          at,
                          JsonScan.skipValue(json, at, arrayEnd),
                          false,
                          withLabels,
                          new BodyLayout.Builder()));
                }
              });
          items = list;
        }
      }
      return meta.info(kind, apiVersion, items, start, o.end() - start);
    }

    /** Notes where spec's members lie; returns where it ends. */
    private static int spec(byte[] json, int start, int end, BodyLayout.Builder layout) {
      JsonScan s = new JsonScan(json, start, end);
      while (s.next()) {
        if (s.keyEscaped()) {
          layout.unknown();
        }
        layout.specMember(s.keyStart(), s.keyEnd(), s.valueStart(), s.valueEnd());
      }
      return s.end();
    }

    /** Reads metadata into {@code m}; returns where it ends. */
    private static int meta(
        byte[] json, int start, int end, Meta m, boolean withLabels, BodyLayout.Builder layout) {
      JsonScan o = new JsonScan(json, start, end);
      while (o.next()) {
        if (o.keyEscaped()) {
          throw Escaped.INSTANCE;
        }
        if (o.keyIs(NAME)) {
          m.name = text(json, o);
        } else if (o.keyIs(GENERATE_NAME)) {
          m.generateName = text(json, o);
        } else if (o.keyIs(NAMESPACE)) {
          m.namespace = text(json, o);
        } else if (o.keyIs(RESOURCE_VERSION)) {
          m.resourceVersion = text(json, o);
        } else if (o.keyIs(UID)) {
          m.uid = text(json, o);
        } else if (o.keyIs(DELETION_TIMESTAMP)) {
          m.deleting = o.valueType() != 'n';
        } else if (o.keyIs(LABELS)) {
          if (withLabels && o.valueType() == '{') {
            Map<String, String> labels = new HashMap<>();
            JsonScan l = new JsonScan(json, o.valueStart(), end);
            while (l.next()) {
              if (l.keyEscaped()) {
                throw Escaped.INSTANCE;
              }
              labels.put(l.keyText(), text(json, l));
            }
            o.skippedTo(l.end());
            m.labels = labels;
          }
          layout.labels(o.valueStart(), o.valueEnd());
        }
      }
      return o.end();
    }

    /** A value as {@link K8sJson#text} reads it; escaped strings by the parser. */
    private static String text(byte[] json, JsonScan o) {
      if (!o.valueEscaped()) {
        return o.text();
      }
      try (JsonParser p =
          FACTORY.createParser(json, o.valueStart(), o.valueEnd() - o.valueStart())) {
        return p.nextToken() == JsonToken.VALUE_STRING ? p.getText() : "";
      } catch (IOException e) {
        throw new UncheckedIOException("unreadable event JSON: " + e.getMessage(), e);
      }
    }
  }
}
