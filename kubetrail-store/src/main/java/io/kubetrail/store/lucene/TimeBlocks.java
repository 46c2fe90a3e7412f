package io.kubetrail.store.lucene;

import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.search.DocIdSetIterator;

/**
 * The receive times each run of {@link #blockDocs} documents of a segment spans, kept for the
 * segment's life: a segment never changes (deletes only make a span wider than its live events), so
 * every search of an unchanged store shares them. Events are appended in about time order, so these
 * spans are narrow, and a search for the newest (or oldest) events reads the few runs that can hold
 * them instead of every match. Thread-safe.
 */
final class TimeBlocks {
  /** Documents a run, by default: 5 million events make about 2,500 runs (60 KB). */
  static final int DEFAULT_BLOCK_DOCS = 2048;

  private final int blockDocs;
  private final Map<IndexReader.CacheKey, Segment> segments = new ConcurrentHashMap<>();

  TimeBlocks(int blockDocs) {
    if (blockDocs < 1) {
      throw new IllegalArgumentException("blockDocs must be at least 1, was " + blockDocs);
    }
    this.blockDocs = blockDocs;
  }

  int blockDocs() {
    return blockDocs;
  }

  /** The runs of one segment, read once and dropped when the segment is closed. */
  Segment of(LeafReader reader) throws IOException {
    IndexReader.CacheHelper helper = reader.getCoreCacheHelper();
    if (helper == null) {
      return read(reader);
    }
    IndexReader.CacheKey key = helper.getKey();
    Segment held = segments.get(key);
    if (held != null) {
      return held;
    }
    Segment read = read(reader);
    if (segments.putIfAbsent(key, read) == null) {
      helper.addClosedListener(segments::remove);
    }
    return read;
  }

  int segmentsHeld() {
    return segments.size();
  }

  private Segment read(LeafReader reader) throws IOException {
    int blocks = (int) (((long) reader.maxDoc() + blockDocs - 1) / blockDocs);
    long[] min = new long[blocks];
    long[] max = new long[blocks];
    // A run with no event (only batch headers) spans nothing: min above max.
    Arrays.fill(min, Long.MAX_VALUE);
    Arrays.fill(max, Long.MIN_VALUE);
    NumericDocValues received = reader.getNumericDocValues(Fields.RECEIVED);
    if (received != null) {
      for (int doc = received.nextDoc();
          doc != DocIdSetIterator.NO_MORE_DOCS;
          doc = received.nextDoc()) {
        int b = doc / blockDocs;
        long t = received.longValue();
        min[b] = Math.min(min[b], t);
        max[b] = Math.max(max[b], t);
      }
    }
    return new Segment(blockDocs, min, max, order(max, true), order(min, false));
  }

  /** The runs by {@code key}, largest first when {@code descending}. */
  private static int[] order(long[] key, boolean descending) {
    Integer[] runs = new Integer[key.length];
    for (int i = 0; i < runs.length; i++) {
      runs[i] = i;
    }
    Arrays.sort(
        runs, (a, b) -> descending ? Long.compare(key[b], key[a]) : Long.compare(key[a], key[b]));
    return Arrays.stream(runs).mapToInt(Integer::intValue).toArray();
  }

  /**
   * One segment's runs.
   *
   * @param min the earliest receive time of each run
   * @param max the latest of each
   * @param newestFirst the runs by their latest time, latest first
   * @param oldestFirst the runs by their earliest time, earliest first
   */
  record Segment(int blockDocs, long[] min, long[] max, int[] newestFirst, int[] oldestFirst) {
    int blocks() {
      return min.length;
    }

    int start(int block) {
      return block * blockDocs;
    }

    int end(int block, int maxDoc) {
      return (int) Math.min(maxDoc, (long) (block + 1) * blockDocs);
    }
  }
}
