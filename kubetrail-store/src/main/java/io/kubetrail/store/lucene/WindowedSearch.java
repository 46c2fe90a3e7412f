package io.kubetrail.store.lucene;

import io.kubetrail.store.EventQuery;
import java.io.IOException;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.PointValues;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.TopFieldDocs;

/**
 * The first hits of a search in time order, found by looking at the end of the time range first.
 *
 * <p>Events are appended in about the order they were received, so newest first is the reverse of
 * the index's order: Lucene then finds every matching event more competitive than the ones before
 * it and sorts them all, which on millions of events costs a hundred milliseconds and more a page.
 * Searching a time window at the near end first, and widening it eightfold while it holds too few
 * hits, gives the same hits: every event outside the window sorts after every event in it. A search
 * that has to look at everything costs at most a seventh more than one full search.
 */
final class WindowedSearch {
  /** How much wider each try looks than the one before. */
  private static final int GROWTH = 8;

  /** How many more hits than wanted the first window should hold, by the events' density. */
  private static final int HEADROOM = 4;

  private WindowedSearch() {}

  /**
   * The first {@code n} hits of {@code query} in the order of {@code sort}, after {@code after} (or
   * from the start when null), as {@link IndexSearcher#searchAfter} would give them.
   */
  static TopFieldDocs search(
      IndexSearcher searcher,
      EventQuery events,
      Query query,
      FieldDoc after,
      int n,
      Sort sort,
      boolean newestFirst)
      throws IOException {
    byte[] minPacked = PointValues.getMinPackedValue(searcher.getIndexReader(), Fields.RECEIVED);
    byte[] maxPacked = PointValues.getMaxPackedValue(searcher.getIndexReader(), Fields.RECEIVED);
    if (minPacked == null || maxPacked == null) {
      return searcher.searchAfter(after, query, n, sort, false);
    }
    long lo = LongPoint.decodeDimension(minPacked, 0);
    long hi = LongPoint.decodeDimension(maxPacked, 0);
    if (events.since().isPresent()) {
      lo = Math.max(lo, Times.micros(events.since().get()));
    }
    if (events.until().isPresent()) {
      hi = Math.min(hi, Times.micros(events.until().get()));
    }
    if (after != null) {
      long cursor = (Long) after.fields[0];
      if (newestFirst) {
        hi = Math.min(hi, cursor);
      } else {
        lo = Math.max(lo, cursor);
      }
    }
    long span = hi - lo;
    int docs = searcher.getIndexReader().numDocs();
    if (span <= 0 || docs <= (long) n * HEADROOM * GROWTH) {
      return searcher.searchAfter(after, query, n, sort, false);
    }
    // Events spread evenly over the store's whole time would fill this window HEADROOM times.
    long total = LongPoint.decodeDimension(maxPacked, 0) - LongPoint.decodeDimension(minPacked, 0);
    long width = Math.max(1, (long) ((double) total * n * HEADROOM / docs));
    while (width < span) {
      long from = newestFirst ? hi - width : lo;
      long to = newestFirst ? hi : lo + width;
      Query windowed =
          new BooleanQuery.Builder()
              .add(query, Occur.FILTER)
              .add(Queries.longRange(Fields.RECEIVED, from, to), Occur.FILTER)
              .build();
      TopFieldDocs hits = searcher.searchAfter(after, windowed, n, sort, false);
      if (hits.scoreDocs.length >= n) {
        return hits;
      }
      width = width > span / GROWTH ? span : width * GROWTH;
    }
    return searcher.searchAfter(after, query, n, sort, false);
  }
}
