package io.kubetrail.store.lucene;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.SimpleCollector;

/** Counts hits per bucket of requestReceivedTimestamp, refusing more than a limit of buckets. */
final class HistogramCollector extends SimpleCollector {

  /** Thrown out of the search when the limit is passed. */
  static final class TooManyBuckets extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TooManyBuckets() {
      super(null, null, false, false);
    }
  }

  private final long bucketMicros;
  private final int maxBuckets;
  private final Map<Long, long[]> counts = new HashMap<>();
  private NumericDocValues received;

  HistogramCollector(long bucketMicros, int maxBuckets) {
    this.bucketMicros = bucketMicros;
    this.maxBuckets = maxBuckets;
  }

  @Override
  protected void doSetNextReader(LeafReaderContext context) throws IOException {
    received = DocValues.getNumeric(context.reader(), Fields.RECEIVED);
  }

  @Override
  public void collect(int doc) throws IOException {
    if (!received.advanceExact(doc)) {
      return;
    }
    long bucket = Math.floorDiv(received.longValue(), bucketMicros);
    long[] count = counts.get(bucket);
    if (count == null) {
      if (counts.size() >= maxBuckets) {
        throw new TooManyBuckets();
      }
      count = new long[1];
      counts.put(bucket, count);
    }
    count[0]++;
  }

  @Override
  public ScoreMode scoreMode() {
    return ScoreMode.COMPLETE_NO_SCORES;
  }

  /** Bucket number (start / bucket length) → count. */
  Map<Long, long[]> counts() {
    return counts;
  }
}
