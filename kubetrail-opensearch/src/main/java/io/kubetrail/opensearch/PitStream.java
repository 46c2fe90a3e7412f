package io.kubetrail.opensearch;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubetrail.store.EventStream;
import io.kubetrail.store.StoredEvent;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Events read page by page from a point in time, so the stream sees the indices as they were when
 * it opened, however long it is read, in a total order ({@code search_after} on sort values that
 * end in the unique sequence number).
 */
final class PitStream implements EventStream {
  private static final String KEEP_ALIVE = "5m";

  private final Cluster cluster;
  private final ObjectNode query;
  private final ArrayNode sort;
  private final int pageSize;
  private final Deque<Hits.Hit> buffer = new ArrayDeque<>();
  private Optional<String> pit;
  private List<Object> after = List.of();
  private boolean done;

  PitStream(Cluster cluster, String indices, ObjectNode query, ArrayNode sort, int pageSize)
      throws IOException {
    this.cluster = cluster;
    this.query = query;
    this.sort = sort;
    this.pageSize = pageSize;
    Http.Response exists =
        cluster.http.send(
            "HEAD", "/" + indices + "?allow_no_indices=false", null, "application/json");
    if (exists.status() == 404) {
      // No index of that name yet: nothing to read.
      pit = Optional.empty();
      done = true;
      return;
    }
    Engine engine = cluster.engine();
    Http.Response r = cluster.http.post(engine.openPitPath(indices, KEEP_ALIVE), new byte[0]);
    if (!r.ok()) {
      throw cluster.failure("opening a point in time on " + indices, r);
    }
    pit = Optional.of(engine.pitId(Cluster.MAPPER.readTree(r.body())));
  }

  @Override
  public Optional<StoredEvent> next() throws IOException {
    Optional<Hits.Hit> hit = nextHit();
    return hit.isEmpty() ? Optional.empty() : Optional.of(Documents.event(hit.get().source()));
  }

  /** The next hit as stored, for a reader that checks the stored bytes themselves. */
  Optional<Hits.Hit> nextHit() throws IOException {
    if (buffer.isEmpty() && !done) {
      fetch();
    }
    return Optional.ofNullable(buffer.poll());
  }

  private void fetch() throws IOException {
    ObjectNode body = Cluster.object();
    body.put("size", pageSize);
    body.set("query", query);
    body.set("sort", sort);
    body.put("track_total_hits", false);
    body.putObject("pit").put("id", pit.orElseThrow()).put("keep_alive", KEEP_ALIVE);
    if (!after.isEmpty()) {
      ArrayNode a = body.putArray("search_after");
      for (Object v : after) {
        if (v instanceof Long l) {
          a.add(l);
        } else {
          a.add(v.toString());
        }
      }
    }
    Http.Response r = cluster.raw("POST", "/_search", body);
    Hits.Page page = Hits.parse(r.body());
    page.pitId().ifPresent(id -> pit = Optional.of(id));
    buffer.addAll(page.hits());
    if (page.hits().size() < pageSize) {
      done = true;
    } else {
      after = page.hits().get(page.hits().size() - 1).sort();
    }
  }

  @Override
  public void close() throws IOException {
    if (pit.isPresent()) {
      Engine engine = cluster.engine();
      ObjectNode body = engine.closePitBody(pit.get());
      pit = Optional.empty();
      done = true;
      buffer.clear();
      // A point in time that cannot be deleted expires by itself; nothing else to do.
      cluster.http.send(
          "DELETE",
          engine.closePitPath(),
          Cluster.MAPPER.writeValueAsBytes(body),
          "application/json");
    }
  }

  /** A sort over fields, ascending. */
  static ArrayNode ascending(String... fields) {
    ArrayNode sort = Cluster.MAPPER.createArrayNode();
    for (String f : fields) {
      sort.addObject().put(f, "asc");
    }
    return sort;
  }
}
