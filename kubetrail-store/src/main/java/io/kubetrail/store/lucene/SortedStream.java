package io.kubetrail.store.lucene;

import io.kubetrail.store.EventStream;
import io.kubetrail.store.StoredEvent;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.TopFieldDocs;

/**
 * Reads every event matching a query in a sort order, a page at a time (search-after), so that
 * memory stays bounded however many events match. Holds one searcher — one point-in-time view —
 * until closed.
 */
final class SortedStream implements EventStream {

  /** Gives the searcher back when the stream is closed. */
  interface Release {
    void release(IndexSearcher searcher) throws IOException;
  }

  private final IndexSearcher searcher;
  private final Release release;
  private final Query query;
  private final Sort sort;
  private final int pageSize;
  private final Deque<StoredEvent> page = new ArrayDeque<>();
  private FieldDoc after;
  private boolean exhausted;
  private boolean closed;

  SortedStream(IndexSearcher searcher, Release release, Query query, Sort sort, int pageSize) {
    this.searcher = searcher;
    this.release = release;
    this.query = query;
    this.sort = sort;
    this.pageSize = pageSize;
  }

  @Override
  public Optional<StoredEvent> next() throws IOException {
    if (closed) {
      throw new IllegalStateException("event stream is closed");
    }
    if (page.isEmpty() && !exhausted) {
      fill();
    }
    return Optional.ofNullable(page.poll());
  }

  private void fill() throws IOException {
    TopFieldDocs docs =
        after == null
            ? searcher.search(query, pageSize, sort, false)
            : searcher.searchAfter(after, query, pageSize, sort, false);
    ScoreDoc[] hits = docs.scoreDocs;
    if (hits.length < pageSize) {
      exhausted = true;
    }
    if (hits.length > 0) {
      after = (FieldDoc) hits[hits.length - 1];
    }
    page.addAll(StoredEvents.load(searcher, hits));
  }

  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      page.clear();
      release.release(searcher);
    }
  }
}
