package io.kubetrail.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubetrail.store.StoreException;
import java.io.IOException;
import java.util.Iterator;
import java.util.Optional;

/**
 * The search engine behind a location, told at open, and what this store does differently on each:
 * the type of free-form objects, the point-in-time API and the retention policy's API.
 *
 * @param kind OpenSearch or Elasticsearch
 * @param version the version the cluster reports, such as {@code 2.19.6} or {@code 8.19.4}
 */
record Engine(Kind kind, String version) {

  /** The two engines this store speaks to. */
  enum Kind {
    OPENSEARCH("OpenSearch"),
    ELASTICSEARCH("Elasticsearch");

    private final String display;

    Kind(String display) {
      this.display = display;
    }
  }

  /**
   * Asks the cluster. OpenSearch says {@code version.distribution: opensearch} at {@code GET /};
   * Elasticsearch says nothing of the kind, and a node without its root module (the minimal test
   * distribution) does not serve {@code GET /} at all: its nodes' information gives the version.
   */
  static Engine detect(Cluster cluster) throws IOException {
    Http.Response root = cluster.http.get("/");
    if (root.ok()) {
      return fromRoot(Cluster.MAPPER.readTree(root.body()));
    }
    if (!noHandler(root.text())) {
      throw cluster.failure("asking the cluster what it is (GET /)", root);
    }
    JsonNode nodes =
        cluster.json(
            "GET", "/_nodes/_local?filter_path=nodes.*.version,nodes.*.build_flavor", null);
    return fromNodes(nodes)
        .orElseThrow(
            () ->
                new StoreException(
                    cluster.location(),
                    "the cluster answers neither GET / nor with its version in GET /_nodes/_local:"
                        + " it is not OpenSearch or Elasticsearch"));
  }

  /** The engine that answered {@code GET /} with {@code root}. */
  static Engine fromRoot(JsonNode root) {
    JsonNode version = root.path("version");
    Kind kind =
        version.path("distribution").asText("").equals("opensearch")
            ? Kind.OPENSEARCH
            : Kind.ELASTICSEARCH;
    return new Engine(kind, version.path("number").asText("unknown"));
  }

  /** The engine of a node's information, from Elasticsearch (which OpenSearch always serves /). */
  static Optional<Engine> fromNodes(JsonNode answer) {
    Iterator<JsonNode> nodes = answer.path("nodes").elements();
    if (!nodes.hasNext()) {
      return Optional.empty();
    }
    JsonNode node = nodes.next();
    if (!node.path("version").isTextual() || !node.has("build_flavor")) {
      return Optional.empty();
    }
    return Optional.of(new Engine(Kind.ELASTICSEARCH, node.path("version").asText()));
  }

  /** An answer that says the node serves no such path (Elasticsearch: 405, or 400, or 404). */
  static boolean noHandler(String body) {
    return body.contains("no handler found") || body.contains("Incorrect HTTP method");
  }

  /** The mapping type of an object indexed as flat keywords, such as {@code annotations}. */
  String flattenedType() {
    return kind == Kind.OPENSEARCH ? "flat_object" : "flattened";
  }

  /** The path that opens a point in time on {@code indices}, kept alive for {@code keepAlive}. */
  String openPitPath(String indices, String keepAlive) {
    return kind == Kind.OPENSEARCH
        ? "/" + indices + "/_search/point_in_time?keep_alive=" + keepAlive
        : "/" + indices + "/_pit?keep_alive=" + keepAlive;
  }

  /** The id of the point in time in the answer to {@link #openPitPath}. */
  String pitId(JsonNode opened) {
    return opened.path(kind == Kind.OPENSEARCH ? "pit_id" : "id").asText();
  }

  /** The path that closes a point in time. */
  String closePitPath() {
    return kind == Kind.OPENSEARCH ? "/_search/point_in_time" : "/_pit";
  }

  /** The body that closes the point in time {@code id}. */
  ObjectNode closePitBody(String id) {
    ObjectNode body = Cluster.object();
    if (kind == Kind.OPENSEARCH) {
      body.putArray("pit_id").add(id);
    } else {
      body.put("id", id);
    }
    return body;
  }

  /** How this engine deletes old indices by itself. */
  RetentionApi retentionApi() {
    return kind == Kind.OPENSEARCH ? RetentionApi.ISM : RetentionApi.ILM;
  }

  @Override
  public String toString() {
    return kind.display + " " + version;
  }
}
