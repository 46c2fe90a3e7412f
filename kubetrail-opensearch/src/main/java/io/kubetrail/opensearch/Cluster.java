package io.kubetrail.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubetrail.store.StoreException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * The cluster as this store sees it: the HTTP client, the names of the store's indices, and JSON
 * requests that fail with a {@link StoreException} naming the location and the cluster's answer.
 */
final class Cluster {
  static final ObjectMapper MAPPER = new ObjectMapper();

  /** Documents found, then deleted, per round of {@link #deleteMatching}. */
  private static final int DELETE_PAGE = 5000;

  final OpenSearchOptions options;
  final Http http;

  /** The pattern of every event index: {@code <prefix>.*}. */
  final String events;

  /** The index of batch links, checkpoints and the writer's lock. */
  final String meta;

  /** The engine, asked once, when first needed (a store asks at open). */
  private Engine engine;

  Cluster(OpenSearchOptions options) throws IOException {
    this.options = options;
    this.http = new Http(options);
    this.events = options.indexPrefix() + ".*";
    this.meta = options.indexPrefix() + "-kubetrail";
  }

  /** OpenSearch or Elasticsearch, and its version: asked the first time, then remembered. */
  synchronized Engine engine() throws IOException {
    if (engine == null) {
      engine = Engine.detect(this);
    }
    return engine;
  }

  /** The event indices of one cluster. */
  String eventsOf(String cluster) {
    return options.indexPrefix() + "." + cluster + ".*";
  }

  String location() {
    return options.displayLocation();
  }

  /** Sends JSON, expects a success, returns the parsed answer. */
  JsonNode json(String method, String path, JsonNode body) throws IOException {
    Http.Response r = raw(method, path, body);
    return MAPPER.readTree(r.body());
  }

  /** Sends JSON and expects a success. */
  Http.Response raw(String method, String path, JsonNode body) throws IOException {
    Http.Response r =
        http.send(
            method, path, body == null ? null : MAPPER.writeValueAsBytes(body), "application/json");
    if (!r.ok()) {
      throw failure(method + " " + path, r);
    }
    return r;
  }

  /**
   * Deletes every document of {@code index} (a name or pattern) the query {@code body} matches, a
   * page at a time: found by search, removed by bulk deletes (which every distribution has;
   * delete-by-query is a module some lack).
   */
  void deleteMatching(String index, ObjectNode body, String what) throws IOException {
    while (true) {
      Http.Response refresh = http.post("/" + index + "/_refresh", new byte[0]);
      if (!refresh.ok() && refresh.status() != 404) {
        throw failure("refreshing " + index, refresh);
      }
      ObjectNode search = body.deepCopy();
      search.put("size", DELETE_PAGE);
      search.put("_source", false);
      search.put("track_total_hits", false);
      Http.Response r = http.post("/" + index + "/_search", MAPPER.writeValueAsBytes(search));
      if (r.status() == 404) {
        return;
      }
      if (!r.ok()) {
        throw failure("finding " + what + " to remove", r);
      }
      JsonNode hits = MAPPER.readTree(r.body()).path("hits").path("hits");
      if (hits.isEmpty()) {
        return;
      }
      ByteArrayOutputStream bulk = new ByteArrayOutputStream();
      for (JsonNode hit : hits) {
        ObjectNode action = object();
        action
            .putObject("delete")
            .put("_index", hit.path("_index").asText())
            .put("_id", hit.path("_id").asText());
        bulk.write(MAPPER.writeValueAsBytes(action));
        bulk.write('\n');
      }
      Http.Response deleted = http.bulk("/_bulk?refresh=true", bulk.toByteArray());
      if (!deleted.ok() || MAPPER.readTree(deleted.body()).path("errors").asBoolean()) {
        throw failure("removing " + what, deleted);
      }
    }
  }

  StoreException failure(String what, Http.Response r) {
    return new StoreException(
        location(), what + " was refused (" + r.status() + "): " + Http.abbreviate(r.text()));
  }

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }
}
