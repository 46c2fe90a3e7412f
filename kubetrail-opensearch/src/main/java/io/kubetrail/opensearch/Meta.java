package io.kubetrail.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubetrail.store.BatchLink;
import io.kubetrail.store.SourceCheckpoint;
import io.kubetrail.store.StoreException;
import io.kubetrail.store.StoreLockedException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The store's own index: one document per batch (its link in the hash chain and the checkpoints it
 * advanced), the committed checkpoints of every source, and the writer's lock. Every write here is
 * one document, which the cluster applies whole or not at all, and is searchable when it returns.
 */
final class Meta {
  /** A committed batch. */
  record Header(BatchLink link, boolean pruned, Map<String, SourceCheckpoint> checkpoints) {}

  /** The checkpoints document: every source's position as of batch {@code head}. */
  record Checkpoints(long head, Map<String, SourceCheckpoint> sources) {}

  /** A writer that stopped sending heartbeats this long ago is gone. */
  static final long LOCK_STALE_MILLIS = 60_000;

  private static final HexFormat HEX = HexFormat.of();
  private final Cluster cluster;
  private final String index;

  Meta(Cluster cluster) {
    this.cluster = cluster;
    this.index = cluster.meta;
  }

  boolean exists() throws IOException {
    Http.Response r = cluster.http.send("HEAD", "/" + index, null, "application/json");
    if (r.status() != 200 && r.status() != 404) {
      throw cluster.failure("looking for " + index, r);
    }
    return r.status() == 200;
  }

  /** Creates the index when it is missing. */
  void create() throws IOException {
    if (!exists()) {
      Http.Response r =
          cluster.http.put(
              "/" + index,
              resource("meta-index.json").getBytes(java.nio.charset.StandardCharsets.UTF_8));
      if (!r.ok() && !r.text().contains("resource_already_exists_exception")) {
        throw cluster.failure("creating " + index, r);
      }
    }
  }

  /**
   * Installs (or updates) the events' index template, for the engine's types and with {@code
   * settings} added to every new event index's (such as the retention policy that applies).
   */
  void installTemplate(Engine engine, Map<String, String> settings) throws IOException {
    ObjectNode template =
        (ObjectNode)
            Cluster.MAPPER.readTree(
                resource("events-template.json")
                    .replace("${prefix}", cluster.options.indexPrefix())
                    .replace("${flattened}", engine.flattenedType()));
    ObjectNode indexSettings = (ObjectNode) template.path("template").path("settings");
    settings.forEach(indexSettings::put);
    Http.Response t =
        cluster.http.put(
            "/_index_template/" + cluster.options.indexPrefix(),
            Cluster.MAPPER.writeValueAsBytes(template));
    if (!t.ok()) {
      throw cluster.failure("installing the index template", t);
    }
  }

  static String resource(String name) throws IOException {
    try (InputStream in = Meta.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the jar");
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  /** The newest committed batch, if any. */
  Optional<Header> newest() throws IOException {
    ObjectNode body = Cluster.object();
    body.put("size", 1);
    body.set("query", QueryDsl.termQuery("type", "batch"));
    body.putArray("sort").addObject().put("batch", "desc");
    JsonNode hits = cluster.json("POST", "/" + index + "/_search", body).path("hits").path("hits");
    return hits.isEmpty() ? Optional.empty() : Optional.of(header(hits.get(0).path("_source")));
  }

  /** Every committed batch from {@code from} on, in order, a page at a time. */
  List<Header> headers(long from, int limit) throws IOException {
    ObjectNode body = Cluster.object();
    body.put("size", limit);
    ObjectNode bool = body.putObject("query").putObject("bool");
    bool.putArray("filter")
        .add(QueryDsl.termQuery("type", "batch"))
        .add(
            Cluster.object()
                .set("range", Cluster.object().set("batch", Cluster.object().put("gte", from))));
    body.putArray("sort").addObject().put("batch", "asc");
    List<Header> out = new ArrayList<>();
    for (JsonNode hit :
        cluster.json("POST", "/" + index + "/_search", body).path("hits").path("hits")) {
      out.add(header(hit.path("_source")));
    }
    return out;
  }

  /** Commits a batch: after this, its events are visible and its checkpoints hold. */
  void commit(BatchLink link, Map<String, SourceCheckpoint> checkpoints) throws IOException {
    ObjectNode doc = Cluster.object();
    doc.put("type", "batch");
    doc.put("batch", link.batch());
    doc.put("prev_hash", HEX.formatHex(link.prevHash()));
    doc.put("events_digest", HEX.formatHex(link.eventsDigest()));
    doc.put("count", link.count());
    doc.put("first_seq", link.firstSeq());
    doc.put("min_received_us", link.minReceived());
    doc.put("max_received_us", link.maxReceived());
    doc.put("appended_at", link.appendedAt());
    doc.put("hash", HEX.formatHex(link.hash()));
    doc.put("pruned", false);
    ObjectNode cp = doc.putObject("checkpoints");
    checkpoints.forEach((k, v) -> cp.put(k, v.position()));
    Http.Response r =
        cluster.http.put(
            "/" + index + "/_create/batch-" + link.batch() + "?refresh=true",
            Cluster.MAPPER.writeValueAsBytes(doc));
    if (r.status() == 409) {
      throw new StoreException(
          cluster.location(),
          "batch " + link.batch() + " was committed by another writer; the store's lock was lost");
    }
    if (!r.ok()) {
      throw cluster.failure("committing batch " + link.batch(), r);
    }
  }

  void markPruned(long batch) throws IOException {
    ObjectNode body = Cluster.object();
    body.putObject("doc").put("pruned", true);
    cluster.raw("POST", "/" + index + "/_update/batch-" + batch + "?refresh=true", body);
  }

  Checkpoints checkpoints() throws IOException {
    Http.Response r = cluster.http.get("/" + index + "/_doc/checkpoints");
    if (r.status() == 404) {
      return new Checkpoints(0, Map.of());
    }
    if (!r.ok()) {
      throw cluster.failure("reading the checkpoints", r);
    }
    JsonNode source = Cluster.MAPPER.readTree(r.body()).path("_source");
    return new Checkpoints(source.path("head").asLong(), positions(source.path("sources")));
  }

  void writeCheckpoints(Checkpoints c) throws IOException {
    ObjectNode doc = Cluster.object();
    doc.put("type", "checkpoints");
    doc.put("head", c.head());
    ObjectNode sources = doc.putObject("sources");
    c.sources().forEach((k, v) -> sources.put(k, v.position()));
    cluster.raw("PUT", "/" + index + "/_doc/checkpoints?refresh=true", doc);
  }

  // --- the writer's lock ------------------------------------------------------------------------

  /** Takes the lock, or takes over one whose holder stopped its heartbeat; else refuses. */
  String lock() throws IOException {
    String holder = holder();
    Http.Response r = cluster.http.put("/" + index + "/_create/lock?refresh=true", lockDoc(holder));
    if (r.ok()) {
      return holder;
    }
    if (r.status() != 409) {
      throw cluster.failure("taking the writer's lock", r);
    }
    Http.Response current = cluster.http.get("/" + index + "/_doc/lock");
    JsonNode doc = Cluster.MAPPER.readTree(current.body());
    JsonNode source = doc.path("_source");
    long age = System.currentTimeMillis() - source.path("heartbeat").asLong();
    if (current.ok() && age > LOCK_STALE_MILLIS) {
      Http.Response takeover =
          cluster.http.put(
              "/"
                  + index
                  + "/_doc/lock?refresh=true&if_seq_no="
                  + doc.path("_seq_no").asLong()
                  + "&if_primary_term="
                  + doc.path("_primary_term").asLong(),
              lockDoc(holder));
      if (takeover.ok()) {
        return holder;
      }
    }
    throw new StoreLockedException(
        cluster.location(),
        "another writer ("
            + source.path("holder").asText("unknown")
            + ", last seen "
            + Instant.ofEpochMilli(source.path("heartbeat").asLong())
            + ") has this store open for writing; stop it, or open the store read-only to search"
            + " it meanwhile. A writer that stopped without closing gives up its lock "
            + LOCK_STALE_MILLIS / 1000
            + " s after its last heartbeat.");
  }

  void heartbeat(String holder) throws IOException {
    cluster.http.put("/" + index + "/_doc/lock", lockDoc(holder));
  }

  void unlock(String holder) throws IOException {
    Http.Response current = cluster.http.get("/" + index + "/_doc/lock");
    if (current.ok()
        && Cluster.MAPPER
            .readTree(current.body())
            .path("_source")
            .path("holder")
            .asText()
            .equals(holder)) {
      cluster.http.delete("/" + index + "/_doc/lock?refresh=true");
    }
  }

  private static byte[] lockDoc(String holder) throws IOException {
    ObjectNode doc = Cluster.object();
    doc.put("type", "lock");
    doc.put("holder", holder);
    doc.put("heartbeat", System.currentTimeMillis());
    return Cluster.MAPPER.writeValueAsBytes(doc);
  }

  private static String holder() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown host";
    }
    // The runtime name is pid@host; a random part tells two stores in one process apart.
    return ManagementFactory.getRuntimeMXBean().getName()
        + " on "
        + host
        + " #"
        + Long.toHexString(Double.doubleToLongBits(Math.random()));
  }

  private static Header header(JsonNode s) {
    BatchLink link =
        new BatchLink(
            s.path("batch").asLong(),
            HEX.parseHex(s.path("prev_hash").asText()),
            HEX.parseHex(s.path("events_digest").asText()),
            s.path("count").asLong(),
            s.path("first_seq").asLong(),
            s.path("min_received_us").asLong(),
            s.path("max_received_us").asLong(),
            s.path("appended_at").asLong(),
            HEX.parseHex(s.path("hash").asText()));
    return new Header(link, s.path("pruned").asBoolean(), positions(s.path("checkpoints")));
  }

  private static Map<String, SourceCheckpoint> positions(JsonNode node) {
    Map<String, SourceCheckpoint> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), new SourceCheckpoint(e.getValue().asText()));
    }
    return out;
  }
}
