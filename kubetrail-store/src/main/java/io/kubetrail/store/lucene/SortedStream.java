package io.kubetrail.store.lucene;

import io.kubetrail.store.EventStream;
import io.kubetrail.store.StoredEvent;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopFieldDocs;

/**
 * Every event matching a query, in the order changes happened: by stageTimestamp, then
 * requestReceivedTimestamp, then auditID, then append order. Reads a page at a time in bounded
 * memory, however many events match, from one searcher (one point-in-time view) held until closed.
 *
 * <p>Each page is searched within a window of stageTimestamp that adapts to how densely events fall
 * in time, so that a page costs about as much at the end of millions of events as at their start (a
 * plain search-after would look at every event after the cursor for every page). The index orders
 * equal timestamps by sequence number; the events of one timestamp are then ordered by auditID
 * here, in memory. A page's events are read from their blocks a slice at a time, as they are asked
 * for: a reader that works on each event as it comes (a replay) then finds it still in the
 * processor's caches, and few events are held at once, which the garbage collector would otherwise
 * copy at each young collection.
 */
final class SortedStream implements EventStream {

  /** Gives the searcher back when the stream is closed. */
  interface Release {
    void release(IndexSearcher searcher) throws IOException;
  }

  /** The first window tried; it then doubles while pages come back short, and shrinks to fit. */
  static final long INITIAL_WINDOW_MICROS = 60_000_000L;

  private static final long MAX_WINDOW_MICROS = Long.MAX_VALUE / 4;

  /** Hits whose events are read from their blocks at a time. */
  static final int SLICE = 256;

  private static final Comparator<StoredEvent> TIES =
      Comparator.comparing((StoredEvent e) -> e.event().stageTimestamp())
          .thenComparing(e -> e.event().requestReceivedTimestamp())
          .thenComparing(e -> e.event().auditID());

  private final IndexSearcher searcher;
  private final StoredEvents.Cursor cursor;
  private final Release release;
  private final Query query;
  private final long to;
  private final int pageSize;

  /** Events ready to return, in order. */
  private final Deque<StoredEvent> ready = new ArrayDeque<>();

  /** Events of the last timestamp seen, held back until no more of that timestamp can come. */
  private final List<StoredEvent> held = new ArrayList<>();

  /** The last page's hits, of which the first {@code loaded} have been read. */
  private ScoreDoc[] page = new ScoreDoc[0];

  private int loaded;

  private long heldStage;
  private long heldReceived;
  private long lower;
  private long window = INITIAL_WINDOW_MICROS;
  private FieldDoc after;
  private boolean started;
  private boolean exhausted;
  private boolean closed;

  /**
   * @param query the events to read
   * @param from the least stageTimestamp, in microseconds, inclusive
   * @param to the greatest stageTimestamp, in microseconds, exclusive; {@code Long.MAX_VALUE} means
   *     no bound
   */
  SortedStream(
      IndexSearcher searcher,
      BlockFiles blocks,
      Release release,
      Query query,
      long from,
      long to,
      int pageSize) {
    this.searcher = searcher;
    this.cursor = new StoredEvents.Cursor(blocks);
    this.release = release;
    this.query = query;
    this.lower = from;
    this.to = to;
    this.pageSize = pageSize;
  }

  @Override
  public Optional<StoredEvent> next() throws IOException {
    if (closed) {
      throw new IllegalStateException("event stream is closed");
    }
    while (ready.isEmpty() && !(exhausted && loaded == page.length && held.isEmpty())) {
      fill();
    }
    return Optional.ofNullable(ready.poll());
  }

  private void fill() throws IOException {
    if (loaded == page.length && !exhausted) {
      search();
    }
    if (loaded < page.length) {
      load();
    }
    if (exhausted && loaded == page.length) {
      release(held);
    }
  }

  /** Finds the next page of hits. */
  private void search() throws IOException {
    if (!started) {
      started = true;
      Query all = within(lower, to);
      if (searcher.count(all) < pageSize) {
        // One page holds them all (a typical object history): no windows needed.
        newPage(searcher.search(all, pageSize, Queries.HAPPENED, false).scoreDocs);
        exhausted = true;
        return;
      }
      // Start at the first matching event, so that a sparse or far-off start costs nothing.
      lower = stage(searcher.search(all, 1, Queries.HAPPENED, false).scoreDocs[0]);
    }
    long upper = lower + window;
    if (upper > to || upper < lower) {
      upper = to;
    }
    Query windowed = within(lower, upper);
    TopFieldDocs docs =
        after == null
            ? searcher.search(windowed, pageSize, Queries.HAPPENED, false)
            : searcher.searchAfter(after, windowed, pageSize, Queries.HAPPENED, false);
    ScoreDoc[] hits = docs.scoreDocs;
    if (hits.length > 0) {
      after = (FieldDoc) hits[hits.length - 1];
    }
    if (hits.length == pageSize) {
      // The window held at least a page: the next one starts where this page ended and spans
      // about two pages' worth of time.
      long last = stage(after);
      window = Math.max(1, Math.min(MAX_WINDOW_MICROS, (last - lower) * 2));
      lower = last;
    } else if (upper >= to) {
      exhausted = true;
    } else if (hits.length > 0) {
      lower = upper;
      window = Math.min(MAX_WINDOW_MICROS, window * 2);
    } else {
      // An empty window: jump over the gap to the next event, if there is one.
      ScoreDoc[] next = searcher.search(within(upper, to), 1, Queries.HAPPENED, false).scoreDocs;
      if (next.length == 0) {
        exhausted = true;
      } else {
        lower = stage(next[0]);
        window = Math.min(MAX_WINDOW_MICROS, window * 2);
      }
    }
    newPage(hits);
  }

  private void newPage(ScoreDoc[] hits) {
    page = hits;
    loaded = 0;
  }

  /**
   * Reads the events of the page's next slice of hits, in index order, releasing each timestamp's
   * events once complete.
   */
  private void load() throws IOException {
    ScoreDoc[] hits = Arrays.copyOfRange(page, loaded, Math.min(page.length, loaded + SLICE));
    loaded += hits.length;
    List<StoredEvent> events = StoredEvents.load(searcher.getIndexReader(), cursor, hits, false);
    for (int i = 0; i < hits.length; i++) {
      Object[] fields = ((FieldDoc) hits[i]).fields;
      long stage = (Long) fields[0];
      long received = (Long) fields[1];
      if (!held.isEmpty() && (stage != heldStage || received != heldReceived)) {
        release(held);
      }
      heldStage = stage;
      heldReceived = received;
      held.add(events.get(i));
    }
  }

  /** Moves the events of one timestamp to the ready queue, ordered by auditID. */
  private void release(List<StoredEvent> group) {
    group.sort(TIES);
    ready.addAll(group);
    group.clear();
  }

  private Query within(long fromInclusive, long toExclusive) {
    long hi = toExclusive == Long.MAX_VALUE ? Long.MAX_VALUE : toExclusive - 1;
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    b.add(query, Occur.FILTER);
    b.add(Queries.longRange(Fields.STAGE_TIME, fromInclusive, hi), Occur.FILTER);
    return b.build();
  }

  private static long stage(ScoreDoc hit) {
    return (Long) ((FieldDoc) hit).fields[0];
  }

  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      ready.clear();
      held.clear();
      page = new ScoreDoc[0];
      loaded = 0;
      release.release(searcher);
    }
  }
}
