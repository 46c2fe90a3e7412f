package io.kubetrail.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubetrail.store.EventQuery;
import io.kubetrail.store.HistogramBucket;
import io.kubetrail.store.PageCursor;
import io.kubetrail.store.SearchPage;
import io.kubetrail.store.StoreException;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.StoredEvent;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/** Searches, counts and aggregations over the events of committed batches. */
final class Reads {
  /** The most hits the cluster returns for one search (its index.max_result_window default). */
  private static final int MAX_WINDOW = 10_000;

  private final Cluster cluster;
  private final StoreOptions options;

  Reads(Cluster cluster, StoreOptions options) {
    this.cluster = cluster;
    this.options = options;
  }

  SearchPage search(EventQuery query, int limit, Optional<PageCursor> after, long head)
      throws IOException {
    if (limit < 1 || limit > options.maxPageSize()) {
      throw new IllegalArgumentException(
          "page size "
              + limit
              + " is outside 1.."
              + options.maxPageSize()
              + " (set by "
              + StoreOptions.MAX_PAGE_SIZE_SETTING
              + ")");
    }
    boolean newest = query.order() == EventQuery.Order.NEWEST_FIRST;
    String order = newest ? "desc" : "asc";
    // One more than the page tells whether a next page exists; the cluster refuses more than
    // MAX_WINDOW hits at once, so a full-size page asks separately.
    int size = Math.min(limit + 1, MAX_WINDOW);
    Optional<long[]> from = after.map(c -> Cursor.decode(c, newest));
    List<Hits.Hit> hits = page(query, head, order, size, from);
    boolean more = hits.size() > limit;
    if (!more && hits.size() == limit && limit == size) {
      List<Object> last = hits.get(limit - 1).sort();
      more =
          !page(
                  query,
                  head,
                  order,
                  1,
                  Optional.of(new long[] {(Long) last.get(0), (Long) last.get(1)}))
              .isEmpty();
    }
    List<StoredEvent> events = new ArrayList<>();
    for (Hits.Hit h : hits.subList(0, Math.min(limit, hits.size()))) {
      events.add(Documents.event(h.source()));
    }
    Optional<PageCursor> next = Optional.empty();
    if (more) {
      List<Object> last = hits.get(limit - 1).sort();
      next = Optional.of(Cursor.encode(newest, (Long) last.get(0), (Long) last.get(1)));
    }
    return new SearchPage(events, next);
  }

  private List<Hits.Hit> page(
      EventQuery query, long head, String order, int size, Optional<long[]> after)
      throws IOException {
    ObjectNode body = Cluster.object();
    body.put("size", size);
    body.put("track_total_hits", false);
    body.set("query", QueryDsl.of(query, head));
    ArrayNode sort = body.putArray("sort");
    sort.addObject().put("kubetrail.received_us", order);
    sort.addObject().put("kubetrail.seq", order);
    if (after.isPresent()) {
      body.putArray("search_after").add(after.get()[0]).add(after.get()[1]);
    }
    return Hits.parse(cluster.raw("POST", "/" + cluster.events + "/_search", body).body()).hits();
  }

  long count(EventQuery query, long head) throws IOException {
    ObjectNode body = Cluster.object();
    body.set("query", QueryDsl.of(query, head));
    return cluster.json("POST", "/" + cluster.events + "/_count", body).path("count").asLong();
  }

  List<HistogramBucket> histogram(EventQuery query, Duration bucket, long head) throws IOException {
    long width = bucket.toNanos() / 1_000;
    if (width <= 0) {
      throw new IllegalArgumentException("bucket " + bucket + " is shorter than a microsecond");
    }
    List<HistogramBucket> out = new ArrayList<>();
    ObjectNode source = Cluster.object();
    source
        .putObject("t")
        .putObject("histogram")
        .put("field", "kubetrail.received_us")
        .put("interval", width);
    for (JsonNode b : composite(QueryDsl.of(query, head), source)) {
      if (out.size() == options.maxHistogramBuckets()) {
        throw new StoreException(
            cluster.location(),
            "more than "
                + options.maxHistogramBuckets()
                + " non-empty buckets of "
                + bucket
                + "; choose a longer bucket, or raise "
                + StoreOptions.MAX_HISTOGRAM_BUCKETS_SETTING);
      }
      long startMicros = b.path("key").path("t").asLong();
      out.add(
          new HistogramBucket(
              Instant.EPOCH.plusNanos(Math.multiplyExact(startMicros, 1_000L)),
              b.path("doc_count").asLong()));
    }
    return out;
  }

  SortedSet<String> clusters(long head) throws IOException {
    ObjectNode source = Cluster.object();
    source.putObject("c").putObject("terms").put("field", "cluster");
    SortedSet<String> out = new TreeSet<>();
    for (JsonNode b : composite(QueryDsl.committed(head), source)) {
      out.add(b.path("key").path("c").asText());
    }
    return out;
  }

  /** Every bucket of a composite aggregation with one source, page by page, in key order. */
  private List<JsonNode> composite(ObjectNode query, ObjectNode source) throws IOException {
    List<JsonNode> buckets = new ArrayList<>();
    JsonNode afterKey = null;
    while (true) {
      ObjectNode body = Cluster.object();
      body.put("size", 0);
      body.put("track_total_hits", false);
      body.set("query", query);
      ObjectNode composite =
          body.putObject("aggs").putObject("buckets").putObject("composite").put("size", 1000);
      composite.putArray("sources").add(source);
      if (afterKey != null) {
        composite.set("after", afterKey);
      }
      JsonNode agg =
          cluster
              .json("POST", "/" + cluster.events + "/_search", body)
              .path("aggregations")
              .path("buckets");
      JsonNode page = agg.path("buckets");
      page.forEach(buckets::add);
      afterKey = agg.get("after_key");
      if (page.size() < 1000 || afterKey == null) {
        return buckets;
      }
      if (buckets.size() > options.maxHistogramBuckets()) {
        return buckets;
      }
    }
  }

  /** A search cursor: the order and the last event's sort values. */
  static final class Cursor {
    private Cursor() {}

    static PageCursor encode(boolean newest, long received, long seq) {
      return new PageCursor((newest ? "n" : "o") + "." + received + "." + seq);
    }

    static long[] decode(PageCursor cursor, boolean newest) {
      String[] parts = cursor.token().split("\\.");
      if (parts.length != 3 || !(parts[0].equals("n") || parts[0].equals("o"))) {
        throw new IllegalArgumentException("'" + cursor.token() + "' is not a page cursor");
      }
      if (parts[0].equals("n") != newest) {
        throw new IllegalArgumentException(
            "the cursor '" + cursor.token() + "' belongs to a search in the other order");
      }
      try {
        return new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2])};
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + cursor.token() + "' is not a page cursor", e);
      }
    }
  }
}
