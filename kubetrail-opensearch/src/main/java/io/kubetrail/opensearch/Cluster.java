package io.kubetrail.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubetrail.store.StoreException;
import java.io.IOException;

/**
 * The cluster as this store sees it: the HTTP client, the names of the store's indices, and JSON
 * requests that fail with a {@link StoreException} naming the location and the cluster's answer.
 */
final class Cluster {
  static final ObjectMapper MAPPER = new ObjectMapper();

  final OpenSearchOptions options;
  final Http http;

  /** The pattern of every event index: {@code <prefix>.*}. */
  final String events;

  /** The index of batch links, checkpoints and the writer's lock. */
  final String meta;

  Cluster(OpenSearchOptions options) throws IOException {
    this.options = options;
    this.http = new Http(options);
    this.events = options.indexPrefix() + ".*";
    this.meta = options.indexPrefix() + "-kubetrail";
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

  StoreException failure(String what, Http.Response r) {
    return new StoreException(
        location(), what + " was refused (" + r.status() + "): " + Http.abbreviate(r.text()));
  }

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }
}
