package io.kubetrail.history;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reads a snapshot: the output of {@code kubectl get ... -o json} or {@code -o yaml} (a {@code
 * List}, a typed list such as {@code PodList}, a single object, or several YAML documents of
 * those). Streams item by item, so a large listing is never held as one tree. An item that is not a
 * Kubernetes object (no {@code kind}, {@code apiVersion} or {@code metadata.name}) is rejected with
 * its position and reason; every other item is kept.
 */
public final class SnapshotReader {
  private static final YAMLFactory YAML = new YAMLFactory();

  private SnapshotReader() {}

  /**
   * What a snapshot held.
   *
   * @param objects the objects read, each stamped with the snapshot's time
   * @param rejected one line per rejected item: source, item number and reason
   */
  public record Result(List<LiveObject> objects, List<String> rejected) {
    public Result {
      objects = List.copyOf(objects);
      rejected = List.copyOf(rejected);
    }
  }

  /**
   * Reads a listing; JSON or YAML is told from the first character.
   *
   * @param sourceName how rejections name the source, e.g. a file name
   * @param at the time the listing was taken
   * @throws IOException when the input cannot be read or parsed at all
   */
  public static Result read(InputStream input, String sourceName, Instant at) throws IOException {
    Objects.requireNonNull(sourceName, "sourceName");
    Objects.requireNonNull(at, "at");
    BufferedInputStream in = new BufferedInputStream(input);
    in.mark(64);
    int c;
    do {
      c = in.read();
    } while (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == 0xEF || c == 0xBB
        || c == 0xBF);
    in.reset();
    boolean json = c == '{' || c == '[';
    List<LiveObject> objects = new ArrayList<>();
    List<String> rejected = new ArrayList<>();
    try (JsonParser p = json ? K8sJson.FACTORY.createParser(in) : YAML.createParser(in)) {
      int[] index = {0};
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (t == JsonToken.START_ARRAY) {
          // A bare array of objects.
          while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
            item(p, t, sourceName, at, index, objects, rejected);
          }
        } else if (t == JsonToken.START_OBJECT) {
          document(p, sourceName, at, index, objects, rejected);
        } else if (t != JsonToken.VALUE_NULL) {
          throw new IOException(sourceName + ": expected a List or an object, found " + t);
        }
      }
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new IOException(
          sourceName + ": not a kubectl JSON or YAML listing: " + e.getOriginalMessage(), e);
    }
    return new Result(objects, rejected);
  }

  /** One top-level object: a list whose items are read one by one, or a single object. */
  private static void document(
      JsonParser p,
      String source,
      Instant at,
      int[] index,
      List<LiveObject> objects,
      List<String> rejected)
      throws IOException {
    // Buffer the top-level fields other than items: a single object needs them all.
    ByteArrayOutputStream other = new ByteArrayOutputStream();
    boolean sawItems = false;
    try (JsonGenerator g = K8sJson.FACTORY.createGenerator(other)) {
      g.writeStartObject();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String f = p.currentName();
        JsonToken t = p.nextToken();
        if (f.equals("items") && t == JsonToken.START_ARRAY) {
          sawItems = true;
          while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            item(p, t, source, at, index, objects, rejected);
          }
        } else {
          g.writeFieldName(f);
          g.copyCurrentStructure(p);
        }
      }
      g.writeEndObject();
    }
    if (!sawItems) {
      index[0]++;
      accept(other.toByteArray(), source, at, index[0], objects, rejected);
    }
  }

  private static void item(
      JsonParser p,
      JsonToken t,
      String source,
      Instant at,
      int[] index,
      List<LiveObject> objects,
      List<String> rejected)
      throws IOException {
    index[0]++;
    if (t != JsonToken.START_OBJECT) {
      p.skipChildren();
      rejected.add(source + ": item " + index[0] + ": not an object (" + t + ")");
      return;
    }
    ByteArrayOutputStream buf = new ByteArrayOutputStream(2048);
    try (JsonGenerator g = K8sJson.FACTORY.createGenerator(buf)) {
      g.copyCurrentStructure(p);
    }
    accept(buf.toByteArray(), source, at, index[0], objects, rejected);
  }

  private static void accept(
      byte[] json,
      String source,
      Instant at,
      int index,
      List<LiveObject> objects,
      List<String> rejected) {
    ObjectInfo info = K8sJson.describe(json);
    String missing =
        info.kind().isEmpty()
            ? "kind"
            : info.apiVersion().isEmpty()
                ? "apiVersion"
                : info.name().isEmpty() ? "metadata.name" : "";
    if (!missing.isEmpty()) {
      rejected.add(source + ": item " + index + ": no " + missing + ", not a Kubernetes object");
      return;
    }
    ResourceType type = new ResourceType(info.group(), Kinds.resourceFor(info.kind()));
    ResourceKey key = new ResourceKey(type, info.namespace(), info.name());
    objects.add(
        new LiveObject(key, info.resourceVersion(), info.kind(), at, CompactJson.pack(json)));
  }
}
