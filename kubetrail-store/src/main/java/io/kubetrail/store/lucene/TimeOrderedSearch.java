package io.kubetrail.store.lucene;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.search.BulkScorer;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.LeafCollector;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.Scorable;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Weight;

/**
 * The first hits of a search by receive time (then sequence number), newest or oldest first, found
 * by reading the runs of documents that can hold them and no others.
 *
 * <p>Events are appended in about time order, so newest first is the reverse of the index's order:
 * a plain sorted search finds every matching event more competitive than the ones before it and
 * sorts them all. Here the runs of {@link TimeBlocks} are read nearest end first, a run at a time
 * and then as many more each round as the hits found so far say the page needs ({@link #nextSize}),
 * and the search stops at the first run whose span cannot beat the last hit of a full page: every
 * event outside the runs read sorts after the page. A selective filter reads more runs, a broad one
 * one or two; each round creates the query's scorer once per segment it reads, however many runs it
 * reads there. The time range is applied to the receive times read for the order, not by the query,
 * whose scorer would read them again from the points or doc values.
 */
final class TimeOrderedSearch {
  private TimeOrderedSearch() {}

  /**
   * Receive times a search keeps, {@code [lo, hi]}; when {@code bounded}, an event with no receive
   * time is outside (as a range query on the field leaves it out), else it counts as 0.
   */
  record Range(long lo, long hi, boolean bounded) {
    static final Range ALL = new Range(Long.MIN_VALUE, Long.MAX_VALUE, false);
  }

  /**
   * The first {@code n} hits of {@code query} within {@code range}, after {@code after} (null: from
   * the start), best first; each hit's fields are its receive time and sequence number, as {@link
   * Queries#NEWEST_FIRST} and {@link Queries#OLDEST_FIRST} sort them. The range is applied here, to
   * the receive times read for the order, so {@code query} need not hold it.
   */
  static FieldDoc[] search(
      IndexSearcher searcher,
      TimeBlocks blocks,
      Query query,
      Range range,
      FieldDoc after,
      int n,
      boolean newestFirst)
      throws IOException {
    Top top =
        after == null
            ? new Top(n, newestFirst, range)
            : new Top(n, newestFirst, range, after.fields);
    long lo = range.lo();
    long hi = range.hi();
    if (after != null) {
      long cursor = (Long) after.fields[0];
      lo = newestFirst ? lo : Math.max(lo, cursor);
      hi = newestFirst ? Math.min(hi, cursor) : hi;
    }
    if (lo > hi) {
      return top.hits();
    }
    List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
    PriorityQueue<Runs> next =
        new PriorityQueue<>(
            Math.max(1, leaves.size()),
            (a, b) -> newestFirst ? Long.compare(b.key, a.key) : Long.compare(a.key, b.key));
    for (int i = 0; i < leaves.size(); i++) {
      Runs runs = new Runs(i, blocks.of(leaves.get(i).reader()), newestFirst, lo, hi);
      if (runs.advance()) {
        next.add(runs);
      }
    }
    if (next.isEmpty()) {
      return top.hits();
    }
    Weight weight =
        searcher.createWeight(searcher.rewrite(query), ScoreMode.COMPLETE_NO_SCORES, 1f);
    List<List<Integer>> round = new ArrayList<>(leaves.size());
    for (int i = 0; i < leaves.size(); i++) {
      round.add(new ArrayList<>());
    }
    int size = 1;
    long read = 0;
    while (!next.isEmpty() && top.mayTake(next.peek().key)) {
      int taken = 0;
      for (; taken < size && !next.isEmpty() && top.mayTake(next.peek().key); taken++) {
        Runs runs = next.poll();
        round.get(runs.leaf).add(runs.block());
        if (runs.advance()) {
          next.add(runs);
        }
      }
      for (int i = 0; i < leaves.size(); i++) {
        List<Integer> picked = round.get(i);
        if (!picked.isEmpty()) {
          read(weight, leaves.get(i), blocks.of(leaves.get(i).reader()), picked, top);
          picked.clear();
        }
      }
      read += taken;
      size = nextSize(size, read, top.taken(), n);
    }
    return top.hits();
  }

  /**
   * The runs the next round reads: as many as the hits found so far say the page still needs (half
   * as many again, since matches are rarely even), at least twice and at most eight times this
   * round's. Every round makes a scorer for each segment it reads, so a selective filter reads its
   * runs in a few rounds rather than a dozen; one that matches nothing reads the whole index in
   * about five, and no search reads much more than the runs it needs.
   */
  static int nextSize(int size, long read, long taken, int n) {
    long least = 2L * size;
    long most = 8L * size;
    long wanted;
    if (taken >= n) {
      wanted = least;
    } else if (taken == 0) {
      wanted = most;
    } else {
      long needed = (n - taken) * read / taken;
      wanted = Math.max(least, Math.min(most, needed + needed / 2));
    }
    return (int) Math.min(Integer.MAX_VALUE / 2, wanted);
  }

  /** Collects the matches of the picked runs of one segment, in document order. */
  private static void read(
      Weight weight,
      LeafReaderContext leaf,
      TimeBlocks.Segment segment,
      List<Integer> picked,
      Top top)
      throws IOException {
    BulkScorer scorer = weight.bulkScorer(leaf);
    if (scorer == null) {
      return;
    }
    int[] runs = picked.stream().mapToInt(Integer::intValue).toArray();
    Arrays.sort(runs);
    LeafCollector collector = top.leaf(leaf);
    int maxDoc = leaf.reader().maxDoc();
    int i = 0;
    while (i < runs.length) {
      int first = runs[i];
      while (i + 1 < runs.length && runs[i + 1] == runs[i] + 1) {
        i++;
      }
      scorer.score(
          collector,
          leaf.reader().getLiveDocs(),
          segment.start(first),
          segment.end(runs[i], maxDoc));
      top.flush();
      i++;
    }
  }

  /** One segment's runs that overlap {@code [lo, hi]}, in the search's order. */
  private static final class Runs {
    final int leaf;
    private final TimeBlocks.Segment segment;
    private final boolean newestFirst;
    private final long lo;
    private final long hi;
    private final int[] order;
    private int at = -1;

    /** How near the search's end this run's events can be: its latest (or earliest) in range. */
    long key;

    Runs(int leaf, TimeBlocks.Segment segment, boolean newestFirst, long lo, long hi) {
      this.leaf = leaf;
      this.segment = segment;
      this.newestFirst = newestFirst;
      this.lo = lo;
      this.hi = hi;
      this.order = newestFirst ? segment.newestFirst() : segment.oldestFirst();
    }

    int block() {
      return order[at];
    }

    /** Moves to the next run in range; false when there is none. */
    boolean advance() {
      while (++at < order.length) {
        int b = order[at];
        long min = segment.min()[b];
        long max = segment.max()[b];
        if (newestFirst ? max < lo : min > hi) {
          // The rest come later in this order: none in range.
          return false;
        }
        if (min <= max && min <= hi && max >= lo) {
          key = newestFirst ? Math.min(max, hi) : Math.max(min, lo);
          return true;
        }
      }
      return false;
    }
  }

  /** The best {@code n} hits so far, the worst of them at the heap's root. */
  private static final class Top {
    private static final int HELD = 2048;

    private final int n;
    private final boolean newestFirst;
    private final Range range;
    private final boolean bounded;
    private final long afterReceived;
    private final long afterSeq;
    private final long[] received;
    private final long[] seq;
    private final int[] docs;
    private int size;

    /** Hits collected and not yet offered (see {@link #hold}). */
    private long[] heldTimes = new long[64];

    private long[] heldSeqs = new long[64];
    private int[] heldDocs = new int[64];
    private int held;

    /** Hits in the range and after the cursor, offered so far. */
    private long taken;

    Top(int n, boolean newestFirst, Range range) {
      this(n, newestFirst, range, false, 0, 0);
    }

    Top(int n, boolean newestFirst, Range range, Object[] after) {
      this(n, newestFirst, range, true, (Long) after[0], (Long) after[1]);
    }

    private Top(int n, boolean newestFirst, Range range, boolean bounded, long received, long seq) {
      this.n = n;
      this.newestFirst = newestFirst;
      this.range = range;
      this.bounded = bounded;
      this.afterReceived = received;
      this.afterSeq = seq;
      this.received = new long[n];
      this.seq = new long[n];
      this.docs = new int[n];
    }

    /** Whether a run whose nearest event is at {@code key} may hold a hit better than these. */
    boolean mayTake(long key) {
      if (size < n) {
        return true;
      }
      // Equal times are decided by the sequence number, which the run's span does not tell.
      return newestFirst ? key >= received[0] : key <= received[0];
    }

    LeafCollector leaf(LeafReaderContext leaf) throws IOException {
      NumericDocValues times = leaf.reader().getNumericDocValues(Fields.RECEIVED);
      NumericDocValues seqs = leaf.reader().getNumericDocValues(Fields.SEQ);
      int base = leaf.docBase;
      long lo = range.lo();
      long hi = range.hi();
      boolean missingOutside = range.bounded();
      return new LeafCollector() {
        @Override
        public void setScorer(Scorable scorer) {}

        @Override
        public void collect(int doc) throws IOException {
          long t;
          if (times != null && times.advanceExact(doc)) {
            t = times.longValue();
            if (t < lo || t > hi) {
              return;
            }
          } else if (missingOutside) {
            return;
          } else {
            // Missing values sort as 0, as the sort fields' default.
            t = 0;
          }
          long s = seqs != null && seqs.advanceExact(doc) ? seqs.longValue() : 0;
          hold(t, s, base + doc);
        }
      };
    }

    /** How many hits in the range and after the cursor were offered (flushed) so far. */
    long taken() {
      return taken;
    }

    /**
     * Keeps a hit for {@link #flush}. Hits come in document order, about the order of receive
     * times: offered in that order, each hit of a newest-first search beat the page's last and went
     * through the heap, while offered best first, after the first page-full each is turned away by
     * one comparison.
     */
    private void hold(long t, long s, int doc) {
      if (held == heldDocs.length) {
        if (held < HELD) {
          heldTimes = Arrays.copyOf(heldTimes, 2 * held);
          heldSeqs = Arrays.copyOf(heldSeqs, 2 * held);
          heldDocs = Arrays.copyOf(heldDocs, 2 * held);
        } else {
          flush();
        }
      }
      heldTimes[held] = t;
      heldSeqs[held] = s;
      heldDocs[held] = doc;
      held++;
    }

    /** Offers the hits held, best first as far as document order tells. */
    void flush() {
      if (newestFirst) {
        for (int i = held - 1; i >= 0; i--) {
          offer(heldTimes[i], heldSeqs[i], heldDocs[i]);
        }
      } else {
        for (int i = 0; i < held; i++) {
          offer(heldTimes[i], heldSeqs[i], heldDocs[i]);
        }
      }
      held = 0;
    }

    private void offer(long t, long s, int doc) {
      if (bounded && !before(afterReceived, afterSeq, t, s)) {
        return;
      }
      taken++;
      if (size < n) {
        set(size, t, s, doc);
        up(size++);
      } else if (before(t, s, received[0], seq[0])) {
        set(0, t, s, doc);
        down(0);
      }
    }

    /** Whether (t1, s1) comes before (t2, s2) in the search's order. */
    private boolean before(long t1, long s1, long t2, long s2) {
      int c = t1 != t2 ? Long.compare(t1, t2) : Long.compare(s1, s2);
      return newestFirst ? c > 0 : c < 0;
    }

    private boolean worse(int i, int j) {
      return before(received[j], seq[j], received[i], seq[i]);
    }

    private void up(int i) {
      while (i > 0) {
        int parent = (i - 1) >>> 1;
        if (!worse(i, parent)) {
          return;
        }
        swap(i, parent);
        i = parent;
      }
    }

    private void down(int i) {
      while (true) {
        int worst = i;
        int l = 2 * i + 1;
        if (l < size && worse(l, worst)) {
          worst = l;
        }
        if (l + 1 < size && worse(l + 1, worst)) {
          worst = l + 1;
        }
        if (worst == i) {
          return;
        }
        swap(i, worst);
        i = worst;
      }
    }

    private void set(int i, long t, long s, int doc) {
      received[i] = t;
      seq[i] = s;
      docs[i] = doc;
    }

    private void swap(int i, int j) {
      long t = received[i];
      long s = seq[i];
      int d = docs[i];
      set(i, received[j], seq[j], docs[j]);
      set(j, t, s, d);
    }

    /** The hits, best first; empties the heap. */
    FieldDoc[] hits() {
      flush();
      FieldDoc[] out = new FieldDoc[size];
      for (int i = size - 1; i >= 0; i--) {
        out[i] = new FieldDoc(docs[0], Float.NaN, new Object[] {received[0], seq[0]});
        size--;
        set(0, received[size], seq[size], docs[size]);
        down(0);
      }
      return out;
    }
  }
}
