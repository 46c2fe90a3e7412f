package io.kubetrail.collect.webhook;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks that a request body is one JSON {@code EventList} of {@code audit.k8s.io/v1} or {@code
 * v1beta1} whose items are objects, before any of it is decoded: a body that is not is refused
 * whole (400) rather than stored in part. Notes where each item lies, so that a bad item can go to
 * the dead letters as it was sent.
 */
final class EventListBody {
  static final List<String> VERSIONS = List.of("audit.k8s.io/v1", "audit.k8s.io/v1beta1");

  private final byte[] body;
  private final String apiVersion;
  private final List<long[]> items;

  /** The parser factory of the last nesting limit asked for: building one per body costs. */
  private static volatile Factory factory = new Factory(-1, new JsonFactory());

  private record Factory(int maxNestingDepth, JsonFactory json) {}

  private EventListBody(byte[] body, String apiVersion, List<long[]> items) {
    this.body = body;
    this.apiVersion = apiVersion;
    this.items = items;
  }

  private static JsonFactory factory(int maxNestingDepth) {
    Factory f = factory;
    if (f.maxNestingDepth() != maxNestingDepth) {
      f =
          new Factory(
              maxNestingDepth,
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder().maxNestingDepth(maxNestingDepth + 2).build())
                  .build());
      factory = f;
    }
    return f.json();
  }

  /** A checked body, or why it is not an EventList. */
  sealed interface Checked {}

  record Valid(EventListBody body) implements Checked {}

  record Malformed(String reason) implements Checked {}

  static Checked check(byte[] body, int maxNestingDepth) {
    JsonFactory json = factory(maxNestingDepth);
    String kind = null;
    String apiVersion = null;
    List<long[]> items = null;
    try (JsonParser p = json.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return new Malformed("the body is not a JSON object (expected an EventList)");
      }
      for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("kind") && value == JsonToken.VALUE_STRING) {
          kind = p.getText();
        } else if (field.equals("apiVersion") && value == JsonToken.VALUE_STRING) {
          apiVersion = p.getText();
        } else if (field.equals("items") && value == JsonToken.START_ARRAY) {
          items = new ArrayList<>();
          for (JsonToken i = p.nextToken(); i != JsonToken.END_ARRAY; i = p.nextToken()) {
            if (i != JsonToken.START_OBJECT) {
              return new Malformed(
                  "items[" + items.size() + "] is " + describe(i) + ", not an Event object");
            }
            long start = p.currentTokenLocation().getByteOffset();
            p.skipChildren();
            items.add(new long[] {start, p.currentTokenLocation().getByteOffset() + 1});
          }
        } else {
          p.skipChildren();
        }
      }
      if (p.nextToken() != null) {
        return new Malformed("the body holds more than one JSON value");
      }
    } catch (JsonProcessingException e) {
      return new Malformed("the body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      return new Malformed("the body cannot be read: " + e.getMessage());
    }
    if (!"EventList".equals(kind)) {
      return new Malformed(
          "kind: expected \"EventList\", got " + (kind == null ? "none" : "\"" + kind + "\""));
    }
    if (apiVersion == null || !VERSIONS.contains(apiVersion)) {
      return new Malformed(
          "apiVersion: expected one of "
              + String.join(", ", VERSIONS)
              + ", got "
              + (apiVersion == null ? "none" : "\"" + apiVersion + "\""));
    }
    if (items == null) {
      return new Malformed("items: missing (expected an array of Events)");
    }
    return new Valid(new EventListBody(body, apiVersion, items));
  }

  private static String describe(JsonToken t) {
    switch (t) {
      case START_ARRAY:
        return "an array";
      case VALUE_STRING:
        return "a string";
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return "a number";
      case VALUE_TRUE:
      case VALUE_FALSE:
        return "a boolean";
      default:
        return "null";
    }
  }

  byte[] bytes() {
    return body;
  }

  /** The list's {@code apiVersion}, one of {@link #VERSIONS}. */
  String apiVersion() {
    return apiVersion;
  }

  /** Where item {@code index}'s text starts in {@link #bytes()}. */
  int start(int index) {
    return (int) items.get(index)[0];
  }

  /** Where item {@code index}'s text ends in {@link #bytes()}, exclusive. */
  int end(int index) {
    return (int) items.get(index)[1];
  }

  int items() {
    return items.size();
  }

  /** Item {@code index}'s JSON text as sent. */
  Optional<String> item(int index) {
    if (index < 0 || index >= items.size()) {
      return Optional.empty();
    }
    long[] at = items.get(index);
    return Optional.of(
        new String(body, (int) at[0], (int) (at[1] - at[0]), StandardCharsets.UTF_8));
  }
}
