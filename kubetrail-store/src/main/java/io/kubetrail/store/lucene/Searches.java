package io.kubetrail.store.lucene;

import io.kubetrail.store.EventQuery;
import io.kubetrail.store.EventStream;
import io.kubetrail.store.FacetCount;
import io.kubetrail.store.FacetCounts;
import io.kubetrail.store.FacetField;
import io.kubetrail.store.HistogramBucket;
import io.kubetrail.store.ObjectKey;
import io.kubetrail.store.PageCursor;
import io.kubetrail.store.SearchPage;
import io.kubetrail.store.StoreException;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.StoredEvent;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.CollectorManager;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;

/** The store's queries: searches, counts, facets, histograms and sorted scans of its events. */
final class Searches {
  private final Searchers searchers;
  private final BlockFiles blockFiles;
  private final StoreOptions options;
  private final TimeBlocks timeBlocks;

  Searches(Searchers searchers, BlockFiles blockFiles, StoreOptions options) {
    this(searchers, blockFiles, options, TimeBlocks.DEFAULT_BLOCK_DOCS);
  }

  /** With runs of {@code blockDocs} documents (see {@link TimeBlocks}); tests use short ones. */
  Searches(Searchers searchers, BlockFiles blockFiles, StoreOptions options, int blockDocs) {
    this.searchers = searchers;
    this.blockFiles = blockFiles;
    this.options = options;
    this.timeBlocks = new TimeBlocks(blockDocs);
  }

  SortedSet<String> clusters() throws IOException {
    IndexSearcher searcher = searchers.acquire();
    try {
      SortedSet<String> clusters = new TreeSet<>();
      // A pruned cluster keeps its term until merges drop its deleted documents.
      for (String cluster : Queries.clusters(searcher.getIndexReader())) {
        if (searcher.count(new TermQuery(new Term(Fields.CLUSTER, cluster))) > 0) {
          clusters.add(cluster);
        }
      }
      return clusters;
    } catch (IOException | RuntimeException e) {
      throw searchers.failure(searcher, e);
    } finally {
      searchers.release(searcher);
    }
  }

  SearchPage search(EventQuery query, int limit, Optional<PageCursor> after) throws IOException {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(after, "after");
    if (limit < 1) {
      throw new IllegalArgumentException("page size must be at least 1, was " + limit);
    }
    if (limit > options.maxPageSize()) {
      throw new IllegalArgumentException(
          "page size "
              + limit
              + " is more than the limit "
              + options.maxPageSize()
              + " (set by "
              + StoreOptions.MAX_PAGE_SIZE_SETTING
              + ")");
    }
    EventQuery.Order order = query.order();
    Object[] afterValues = after.map(c -> Cursors.decode(c, order)).orElse(null);
    IndexSearcher searcher = searchers.acquire();
    try {
      int maxDoc = searcher.getIndexReader().maxDoc();
      if (maxDoc == 0) {
        return new SearchPage(List.of(), Optional.empty());
      }
      // Ties on every sort value are impossible (seq is unique): the cursor's event is excluded
      // by its sort values alone.
      FieldDoc afterDoc =
          afterValues == null ? null : new FieldDoc(maxDoc - 1, Float.NaN, afterValues);
      // The query's time range, until exclusive, as the Lucene query would have it: the
      // time-ordered search applies it to the receive times it reads.
      long lo = query.since().map(Times::micros).orElse(Long.MIN_VALUE);
      Optional<Long> until = query.until().map(Times::micros);
      if (until.isPresent() && until.get() == Long.MIN_VALUE) {
        return new SearchPage(List.of(), Optional.empty());
      }
      TimeOrderedSearch.Range range =
          new TimeOrderedSearch.Range(
              lo,
              until.map(t -> t - 1).orElse(Long.MAX_VALUE),
              query.since().isPresent() || until.isPresent());
      // One extra hit tells whether there is a next page; no cursor (null) means the first page.
      ScoreDoc[] hits =
          TimeOrderedSearch.search(
              searcher,
              timeBlocks,
              Queries.withoutTimeRange(query, searcher.getIndexReader()),
              range,
              afterDoc,
              limit + 1,
              order == EventQuery.Order.NEWEST_FIRST);
      boolean more = hits.length > limit;
      ScoreDoc[] page = more ? Arrays.copyOf(hits, limit) : hits;
      List<StoredEvent> events =
          StoredEvents.load(searcher.getIndexReader(), blockFiles, page, true);
      Optional<PageCursor> next = Optional.empty();
      if (more) {
        Object[] last = ((FieldDoc) page[page.length - 1]).fields;
        next = Optional.of(Cursors.encode(order, (Long) last[0], (Long) last[1]));
      }
      return new SearchPage(events, next);
    } catch (IOException | RuntimeException e) {
      throw searchers.failure(searcher, e);
    } finally {
      searchers.release(searcher);
    }
  }

  long count(EventQuery query) throws IOException {
    Objects.requireNonNull(query, "query");
    return count(query, searchers.acquire());
  }

  /**
   * {@link #count} over the searchers as they are, without the refresh a query asks for when events
   * were appended since: for the appender, which counts those itself.
   */
  long countAsIs(EventQuery query) throws IOException {
    return count(query, searchers.acquireAsIs());
  }

  private long count(EventQuery query, IndexSearcher searcher) throws IOException {
    try {
      return searcher.count(Queries.of(query, searcher.getIndexReader()));
    } catch (IOException | RuntimeException e) {
      throw searchers.failure(searcher, e);
    } finally {
      searchers.release(searcher);
    }
  }

  List<FacetCount> facet(EventQuery query, FacetField field, int limit) throws IOException {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(field, "field");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
    IndexSearcher searcher = searchers.acquire();
    try {
      return FacetCounts.top(
          FacetCounter.count(searcher, Queries.of(query, searcher.getIndexReader()), field), limit);
    } catch (IOException | RuntimeException e) {
      throw searchers.failure(searcher, e);
    } finally {
      searchers.release(searcher);
    }
  }

  List<HistogramBucket> histogram(EventQuery query, Duration bucket) throws IOException {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(bucket, "bucket");
    long bucketMicros = bucketMicros(bucket);
    IndexSearcher searcher = searchers.acquire();
    Map<Long, long[]> counts;
    try {
      counts =
          searcher.search(
              Queries.of(query, searcher.getIndexReader()),
              new CollectorManager<HistogramCollector, Map<Long, long[]>>() {
                @Override
                public HistogramCollector newCollector() {
                  return new HistogramCollector(bucketMicros, options.maxHistogramBuckets());
                }

                @Override
                public Map<Long, long[]> reduce(Collection<HistogramCollector> collectors) {
                  Map<Long, long[]> all = new TreeMap<>();
                  for (HistogramCollector c : collectors) {
                    c.counts()
                        .forEach((b, n) -> all.computeIfAbsent(b, k -> new long[1])[0] += n[0]);
                  }
                  return all;
                }
              });
    } catch (HistogramCollector.TooManyBuckets e) {
      throw new StoreException(
          searchers.location(),
          "the histogram has more than "
              + options.maxHistogramBuckets()
              + " non-empty buckets of "
              + bucket
              + " (the limit, set by "
              + StoreOptions.MAX_HISTOGRAM_BUCKETS_SETTING
              + "); choose a longer bucket or a shorter time range");
    } catch (IOException | RuntimeException e) {
      throw searchers.failure(searcher, e);
    } finally {
      searchers.release(searcher);
    }
    if (counts.size() > options.maxHistogramBuckets()) {
      throw new StoreException(
          searchers.location(),
          "the histogram has "
              + counts.size()
              + " non-empty buckets, more than the limit "
              + options.maxHistogramBuckets()
              + " (set by "
              + StoreOptions.MAX_HISTOGRAM_BUCKETS_SETTING
              + "); choose a longer bucket or a shorter time range");
    }
    List<HistogramBucket> buckets = new ArrayList<>(counts.size());
    counts.forEach(
        (b, n) -> buckets.add(new HistogramBucket(Times.instant(b * bucketMicros), n[0])));
    return buckets;
  }

  private static long bucketMicros(Duration bucket) {
    if (bucket.isNegative() || bucket.isZero()) {
      throw new IllegalArgumentException("histogram bucket must be positive, was " + bucket);
    }
    long micros;
    try {
      micros =
          Math.addExact(
              Math.multiplyExact(bucket.getSeconds(), 1_000_000L), bucket.getNano() / 1_000);
    } catch (ArithmeticException e) {
      micros = Long.MAX_VALUE;
    }
    if (micros < 1) {
      throw new IllegalArgumentException(
          "histogram bucket must be at least 1 microsecond, was " + bucket);
    }
    return micros;
  }

  EventStream history(String cluster, ObjectKey object) throws IOException {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(object, "object");
    return stream(Queries.history(cluster, object), Long.MIN_VALUE, Long.MAX_VALUE);
  }

  EventStream scanChanges(String cluster, Instant from, Instant to) throws IOException {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    long lo = Times.micros(from);
    long hi = Times.micros(to);
    return stream(Queries.changes(cluster), lo, Math.max(lo, hi));
  }

  EventStream scanChanges(String cluster, Instant from, Instant to, Set<String> resources)
      throws IOException {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (resources.isEmpty()) {
      throw new IllegalArgumentException("resources must not be empty");
    }
    long lo = Times.micros(from);
    long hi = Times.micros(to);
    return stream(Queries.changes(cluster, resources), lo, Math.max(lo, hi));
  }

  private EventStream stream(org.apache.lucene.search.Query query, long from, long to)
      throws IOException {
    IndexSearcher searcher = searchers.acquire();
    EventStream sorted =
        new SortedStream(
            searcher, blockFiles, searchers::release, query, from, to, options.scanPageSize());
    return new EventStream() {
      @Override
      public Optional<StoredEvent> next() throws IOException {
        try {
          return sorted.next();
        } catch (IOException | RuntimeException e) {
          throw searchers.failure(searcher, e);
        }
      }

      @Override
      public void close() throws IOException {
        sorted.close();
      }
    };
  }
}
