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
 * Searching a time window at the near end first, and widening it while it holds too few hits, gives
 * the same hits: every event outside the window sorts after every event in it. Each wider window is
 * sized by the density of hits in the last (at least eightfold), so that a selective filter needs
 * two or three tries rather than one per eightfold; a search that has to look at everything costs
 * at most a seventh more than one full search.
 */
final class WindowedSearch {
  /** How much wider each try looks than the one before, at least. */
  private static final int GROWTH = 8;

  /** How much wider a try looks after one that found nothing, which tells little of density. */
  private static final int EMPTY_GROWTH = 32;

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
      // The window first: a segment with no event in it then answers no scorer before the
      // query's terms are looked up in it, and events are appended in about time order, so most
      // segments have none.
      Query windowed =
          new BooleanQuery.Builder()
              .add(Queries.longRange(Fields.RECEIVED, from, to), Occur.FILTER)
              .add(query, Occur.FILTER)
              .build();
      TopFieldDocs hits = searcher.searchAfter(after, windowed, n, sort, false);
      int found = hits.scoreDocs.length;
      if (found >= n) {
        return hits;
      }
      // Each try costs much the same however few events it finds (the terms are looked up in
      // every segment again): widen by the density found, to about twice what the page needs.
      long growth = found == 0 ? EMPTY_GROWTH : Math.max(GROWTH, (2L * n + found - 1) / found);
      width = width > span / growth ? span : width * growth;
    }
    return searcher.searchAfter(after, query, n, sort, false);
  }
}
