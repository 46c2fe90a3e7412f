package io.kubetrail.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubetrail.store.StateKey;
import io.kubetrail.store.StateKind;
import io.kubetrail.store.StateRepository;
import io.kubetrail.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The store's replay snapshots and checkpoints, in an index of their own ({@code
 * <prefix>-kubetrail-state}). A blob is a head document ({@code type: head}: its cluster, kind,
 * name, and which generation of chunks holds its content) and chunk documents of at most {@link
 * #DEFAULT_CHUNK_BYTES} each, the first of at most {@link #FIRST_CHUNK_BYTES} ({@code type: chunk},
 * base64 {@code data}).
 *
 * <p>A write puts the new generation's chunks first and then the head, one document write that
 * happens or not: readers see the old generation or the new, whole. The old generation's chunks
 * (and any left by a write that failed half-way) are removed afterwards.
 */
final class StateIndex implements StateRepository {
  /** Chunks of 4 MiB: 5.4 MiB of base64, well under any cluster's request limit. */
  static final int DEFAULT_CHUNK_BYTES = 4 << 20;

  /**
   * The first chunk is small: listings read a state's header only, which then costs one small
   * document rather than a whole chunk.
   */
  static final int FIRST_CHUNK_BYTES = 64 << 10;

  private static final HexFormat HEX = HexFormat.of();
  private static final int LIST_PAGE = 1_000;

  private final Cluster cluster;
  private final String index;
  private final int chunkBytes;
  private volatile boolean created;

  StateIndex(Cluster cluster, int chunkBytes) {
    if (chunkBytes < 1) {
      throw new IllegalArgumentException("chunkBytes must be at least 1, was " + chunkBytes);
    }
    this.cluster = Objects.requireNonNull(cluster, "cluster");
    this.index = cluster.options.indexPrefix() + "-kubetrail-state";
    this.chunkBytes = chunkBytes;
  }

  @Override
  public SortedSet<String> clusters() throws IOException {
    ObjectNode body = Cluster.object();
    body.put("size", 0);
    body.set("query", QueryDsl.termQuery("type", "head"));
    body.putObject("aggs")
        .putObject("clusters")
        .putObject("terms")
        .put("field", "cluster")
        .put("size", 10_000);
    Http.Response r =
        cluster.http.post("/" + index + "/_search", Cluster.MAPPER.writeValueAsBytes(body));
    SortedSet<String> clusters = new TreeSet<>();
    if (r.status() == 404) {
      return clusters;
    }
    if (!r.ok()) {
      throw cluster.failure("listing the clusters of " + index, r);
    }
    for (JsonNode b :
        Cluster.MAPPER.readTree(r.body()).path("aggregations").path("clusters").path("buckets")) {
      clusters.add(b.path("key").asText());
    }
    return clusters;
  }

  @Override
  public List<String> list(String clusterName, StateKind kind) throws IOException {
    Objects.requireNonNull(kind, "kind");
    List<String> names = new ArrayList<>();
    Optional<String> after = Optional.empty();
    while (true) {
      ObjectNode body = Cluster.object();
      body.put("size", LIST_PAGE);
      body.putArray("_source").add("name");
      ArrayNode filter = body.putObject("query").putObject("bool").putArray("filter");
      filter
          .add(QueryDsl.termQuery("type", "head"))
          .add(QueryDsl.termQuery("cluster", clusterName))
          .add(QueryDsl.termQuery("kind", kind.name()));
      body.putArray("sort").addObject().put("name", "asc");
      after.ifPresent(a -> body.putArray("search_after").add(a));
      Http.Response r =
          cluster.http.post("/" + index + "/_search", Cluster.MAPPER.writeValueAsBytes(body));
      if (r.status() == 404) {
        return names;
      }
      if (!r.ok()) {
        throw cluster.failure("listing the " + kind.folder() + " of " + clusterName, r);
      }
      JsonNode hits = Cluster.MAPPER.readTree(r.body()).path("hits").path("hits");
      for (JsonNode hit : hits) {
        names.add(hit.path("_source").path("name").asText());
      }
      if (hits.size() < LIST_PAGE) {
        return names;
      }
      after = Optional.of(names.get(names.size() - 1));
    }
  }

  @Override
  public Optional<InputStream> open(StateKey key) throws IOException {
    Http.Response r = cluster.http.get("/" + index + "/_doc/" + headId(key));
    if (r.status() == 404) {
      return Optional.empty();
    }
    if (!r.ok()) {
      throw cluster.failure("reading " + describe(key), r);
    }
    JsonNode head = Cluster.MAPPER.readTree(r.body()).path("_source");
    return Optional.of(
        new ChunkStream(key, head.path("generation").asText(), head.path("chunks").asInt()));
  }

  @Override
  public void put(StateKey key, Content content) throws IOException {
    Objects.requireNonNull(content, "content");
    ensureIndex();
    String generation = UUID.randomUUID().toString();
    ChunkWriter out = new ChunkWriter(key, generation);
    try {
      content.writeTo(out);
      out.finish();
    } catch (IOException | RuntimeException e) {
      try {
        out.discard();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    ObjectNode head = Cluster.object();
    head.put("type", "head");
    head.put("blob", blobId(key));
    head.put("cluster", key.cluster());
    head.put("kind", key.kind().name());
    head.put("name", key.name());
    head.put("generation", generation);
    head.put("chunks", out.chunks);
    head.put("size", out.size);
    // Refreshed, so that a listing sees it and the old chunks can be found to be removed.
    cluster.raw("PUT", "/" + index + "/_doc/" + headId(key) + "?refresh=true", head);
    removeChunks(key, Optional.of(generation));
  }

  @Override
  public boolean delete(StateKey key) throws IOException {
    Http.Response r = cluster.http.delete("/" + index + "/_doc/" + headId(key) + "?refresh=true");
    if (r.status() == 404) {
      return false;
    }
    if (!r.ok()) {
      throw cluster.failure("removing " + describe(key), r);
    }
    removeChunks(key, Optional.empty());
    return true;
  }

  @Override
  public String describe(StateKey key) {
    return cluster.location() + " (index " + index + ", " + key + ")";
  }

  /** Removes the blob's chunks of every generation but {@code keep}. */
  private void removeChunks(StateKey key, Optional<String> keep) throws IOException {
    ObjectNode body = Cluster.object();
    ObjectNode bool = body.putObject("query").putObject("bool");
    bool.putArray("filter")
        .add(QueryDsl.termQuery("type", "chunk"))
        .add(QueryDsl.termQuery("blob", blobId(key)));
    keep.ifPresent(g -> bool.putArray("must_not").add(QueryDsl.termQuery("generation", g)));
    cluster.deleteMatching(index, body, "state chunks");
  }

  private void ensureIndex() throws IOException {
    if (created) {
      return;
    }
    Http.Response exists = cluster.http.send("HEAD", "/" + index, null, "application/json");
    if (exists.status() == 404) {
      Http.Response r =
          cluster.http.put(
              "/" + index, Meta.resource("state-index.json").getBytes(StandardCharsets.UTF_8));
      if (!r.ok() && !r.text().contains("resource_already_exists_exception")) {
        throw cluster.failure("creating " + index, r);
      }
    } else if (!exists.ok()) {
      throw cluster.failure("looking for " + index, exists);
    }
    created = true;
  }

  /** The blob's identity as a document id: a digest, as names and clusters may be long. */
  static String blobId(StateKey key) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String part : List.of(key.cluster(), key.kind().name(), key.name())) {
        sha.update(part.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
      }
      return HEX.formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static String headId(StateKey key) {
    return "head-" + blobId(key);
  }

  private static String chunkId(String generation, int seq) {
    return String.format(Locale.ROOT, "chunk-%s-%d", generation, seq);
  }

  /** Sends the content a chunk at a time, so that memory holds one chunk however large it is. */
  private final class ChunkWriter extends OutputStream {
    private final StateKey key;
    private final String generation;
    private final byte[] buffer = new byte[chunkBytes];
    private int filled;
    private int chunks;
    private long size;

    ChunkWriter(StateKey key, String generation) {
      this.key = key;
      this.generation = generation;
    }

    /** How much the chunk being filled holds. */
    private int limit() {
      return chunks == 0 ? Math.min(FIRST_CHUNK_BYTES, buffer.length) : buffer.length;
    }

    @Override
    public void write(int b) throws IOException {
      if (filled == limit()) {
        send();
      }
      buffer[filled++] = (byte) b;
      size++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      while (len > 0) {
        if (filled == limit()) {
          send();
        }
        int n = Math.min(len, limit() - filled);
        System.arraycopy(b, off, buffer, filled, n);
        filled += n;
        off += n;
        len -= n;
        size += n;
      }
    }

    void finish() throws IOException {
      if (filled > 0) {
        send();
      }
    }

    private void send() throws IOException {
      ObjectNode doc = Cluster.object();
      doc.put("type", "chunk");
      doc.put("blob", blobId(key));
      doc.put("generation", generation);
      doc.put("seq", chunks);
      doc.put("data", java.util.Arrays.copyOf(buffer, filled));
      cluster.raw("PUT", "/" + index + "/_doc/" + chunkId(generation, chunks), doc);
      chunks++;
      filled = 0;
    }

    /** Removes the chunks sent so far, of a write that failed. */
    void discard() throws IOException {
      for (int i = 0; i < chunks; i++) {
        cluster.http.delete("/" + index + "/_doc/" + chunkId(generation, i));
      }
    }
  }

  /** Reads a blob's chunks in turn, each when the one before is used up. */
  private final class ChunkStream extends InputStream {
    private final StateKey key;
    private final String generation;
    private final int chunks;
    private int next;
    private byte[] chunk = new byte[0];
    private int pos;

    ChunkStream(StateKey key, String generation, int chunks) {
      this.key = key;
      this.generation = generation;
      this.chunks = chunks;
    }

    @Override
    public int read() throws IOException {
      if (!fill()) {
        return -1;
      }
      return chunk[pos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      if (len == 0) {
        return 0;
      }
      if (!fill()) {
        return -1;
      }
      int n = Math.min(len, chunk.length - pos);
      System.arraycopy(chunk, pos, b, off, n);
      pos += n;
      return n;
    }

    private boolean fill() throws IOException {
      while (pos == chunk.length) {
        if (next == chunks) {
          return false;
        }
        Http.Response r = cluster.http.get("/" + index + "/_doc/" + chunkId(generation, next));
        if (r.status() == 404) {
          throw new StoreException(
              cluster.location(),
              describe(key) + " was replaced or removed while being read; read it again");
        }
        if (!r.ok()) {
          throw cluster.failure("reading " + describe(key), r);
        }
        chunk = Cluster.MAPPER.readTree(r.body()).path("_source").path("data").binaryValue();
        pos = 0;
        next++;
      }
      return true;
    }
  }
}
