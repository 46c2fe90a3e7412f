package io.kubetrail.opensearch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The hits of a search response, each with its {@code _source} as the very bytes stored (the
 * cluster returns a JSON source as it was indexed), which the hash chain covers.
 */
final class Hits {
  private static final JsonFactory JSON = new JsonFactory();

  /** One hit. */
  record Hit(String index, String id, byte[] source, List<Object> sort) {}

  /** The hits of one response and the point in time it names, if any. */
  record Page(List<Hit> hits, Optional<String> pitId) {}

  private Hits() {}

  static Page parse(byte[] response) throws IOException {
    List<Hit> hits = new ArrayList<>();
    String pit = null;
    try (JsonParser p = JSON.createParser(response)) {
      expect(p.nextToken(), JsonToken.START_OBJECT);
      for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("pit_id") && value == JsonToken.VALUE_STRING) {
          pit = p.getText();
        } else if (field.equals("hits") && value == JsonToken.START_OBJECT) {
          readHitsObject(p, response, hits);
        } else {
          p.skipChildren();
        }
      }
    }
    return new Page(hits, Optional.ofNullable(pit));
  }

  private static void readHitsObject(JsonParser p, byte[] response, List<Hit> hits)
      throws IOException {
    for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      if (field.equals("hits") && value == JsonToken.START_ARRAY) {
        while (p.nextToken() == JsonToken.START_OBJECT) {
          hits.add(readHit(p, response));
        }
      } else {
        p.skipChildren();
      }
    }
  }

  private static Hit readHit(JsonParser p, byte[] response) throws IOException {
    String index = "";
    String id = "";
    byte[] source = null;
    List<Object> sort = List.of();
    for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "_index" -> index = p.getText();
        case "_id" -> id = p.getText();
        case "_source" -> {
          int start = (int) p.currentTokenLocation().getByteOffset();
          p.skipChildren();
          int end = (int) p.currentLocation().getByteOffset();
          source = Arrays.copyOfRange(response, start, end);
        }
        case "sort" -> {
          List<Object> values = new ArrayList<>();
          for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken()) {
            values.add(v == JsonToken.VALUE_NUMBER_INT ? (Object) p.getLongValue() : p.getText());
          }
          sort = values;
        }
        default -> p.skipChildren();
      }
      if (value == null) {
        throw new IOException("a search response ended in the middle of a hit");
      }
    }
    if (source == null) {
      throw new IOException("a hit without _source (document " + id + " in " + index + ")");
    }
    return new Hit(index, id, source, sort);
  }

  private static void expect(JsonToken actual, JsonToken wanted) throws IOException {
    if (actual != wanted) {
      throw new IOException("a search response is not a JSON object");
    }
  }
}
