package io.kubetrail.store.lucene;

import io.kubetrail.store.Batch;
import io.kubetrail.store.StoredEvent;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.util.BytesRef;

/**
 * Finds the events of a batch that the store does not hold yet. Those the searchers' index holds
 * are looked up before the append's turn ({@link #ahead}), so that appends of several threads look
 * at once; in the turn, under the appender's lock, only the events appended since the searchers
 * refreshed are ({@link #inTurn}), unless the searchers refreshed meanwhile. Keeps what the
 * searchers do not see yet of those: their ids, and the changes among them ({@link
 * #changesBefore}).
 */
final class FreshEvents {
  /**
   * How many events may be appended before the searchers refresh without being asked to: bounds
   * {@link #unrefreshed} (8 to 32 bytes an event) and the changes noted (12 bytes each). Each
   * refresh flushes a segment, which merges then rewrite: refreshing every 65,536 events made a
   * third of a 200,000-event ingest's segments.
   */
  static final int REFRESH_AFTER_EVENTS = 1 << 20;

  private final Searchers searchers;

  /**
   * Fingerprints of the ids of the events appended since the searchers last refreshed, which the
   * duplicate check looks up besides the index (under the appender's lock): an event found here may
   * be stored, and the appender then refreshes and looks in the index ({@link #mayHold}).
   * Refreshing after every append would flush a small segment each time (and merge them later),
   * which made a webhook's small batches cost several times their events; queries refresh when they
   * need to ({@link Searchers#acquire}).
   */
  private final IdFingerprints unrefreshed = new IdFingerprints();

  /**
   * The changes among the events appended since the searchers last refreshed, each by its cluster
   * and received time (microseconds): with the searchers as they are, they count the changes
   * received before a time without a refresh ({@link #changesBefore}). Each refresh flushes the
   * writer's buffered documents into a segment and waits for the indexing thread meanwhile: asked
   * for each state checkpoint an ingest writes, it stalled the appends.
   */
  private String[] changeClusters = new String[256];

  private long[] changeReceived = new long[256];
  private int changes;

  /** Counts the times {@link #unrefreshed} was cleared, which a look ahead checks in the turn. */
  private volatile long refreshes;

  FreshEvents(Searchers searchers) {
    this.searchers = searchers;
  }

  /**
   * A batch's events by identity, in order, and how many were left out as already stored.
   *
   * @param indexLooked whether the index was looked in ahead, and {@code seen} the refreshes then
   */
  static final class Lookup {
    final Map<BytesRef, StoredEvent> fresh = new LinkedHashMap<>();
    long duplicates;
    private boolean indexLooked;
    private long seen;
  }

  /**
   * Before the append's turn: leaves out the events repeated in the batch and those the searchers'
   * index holds. Needs no lock; when the index cannot be read now, the turn looks in it.
   */
  Lookup ahead(Batch batch) {
    Lookup lookup = new Lookup();
    for (StoredEvent e : batch.events()) {
      if (lookup.fresh.putIfAbsent(Fields.id(e), e) != null) {
        lookup.duplicates++;
      }
    }
    lookup.seen = refreshes;
    if (lookup.fresh.isEmpty()) {
      lookup.indexLooked = true;
      return lookup;
    }
    try {
      IndexSearcher searcher = searchers.acquireAsIs();
      try {
        // Removes nothing should it fail.
        lookup.duplicates += BatchWriter.removeStored(searcher.getIndexReader(), lookup.fresh);
      } finally {
        searchers.release(searcher);
      }
      lookup.indexLooked = true;
    } catch (IOException | RuntimeException e) {
      // The turn looks again, and reports what it meets.
    }
    return lookup;
  }

  /**
   * In the append's turn (under the appender's lock): whether one of the batch's events may be
   * among those appended since the searchers refreshed. Then the appender refreshes them before
   * {@link #inTurn}, which finds it in the index if it is there.
   */
  boolean mayHold(Lookup lookup) {
    if (unrefreshed.isEmpty()) {
      return false;
    }
    for (BytesRef id : lookup.fresh.keySet()) {
      if (unrefreshed.mayContain(id)) {
        return true;
      }
    }
    return false;
  }

  /**
   * In the append's turn (under the appender's lock), after {@link #mayHold} said no or a refresh:
   * leaves out the events the index holds when it was not looked in since the searchers refreshed.
   */
  void inTurn(Lookup lookup) throws IOException {
    if (!lookup.indexLooked || refreshes != lookup.seen) {
      IndexSearcher searcher = searchers.acquireAsIs();
      try {
        lookup.duplicates += BatchWriter.removeStored(searcher.getIndexReader(), lookup.fresh);
      } catch (IOException | RuntimeException e) {
        throw searchers.failure(searcher, e);
      } finally {
        searchers.release(searcher);
      }
    }
  }

  /** Events written in an append's turn, which the searchers do not see yet. */
  void appended(BatchWriter.Prepared written) {
    for (BytesRef id : written.ids()) {
      unrefreshed.add(id);
    }
    for (StoredEvent e : written.events()) {
      if (e.isChange()) {
        if (changes == changeReceived.length) {
          changeClusters = Arrays.copyOf(changeClusters, changes * 2);
          changeReceived = Arrays.copyOf(changeReceived, changes * 2);
        }
        changeClusters[changes] = e.cluster();
        changeReceived[changes++] = Times.micros(e.event().requestReceivedTimestamp());
      }
    }
  }

  /**
   * How many of the changes appended since the searchers refreshed are of {@code cluster} and were
   * received before {@code untilMicros}. Under the appender's lock.
   */
  long changesBefore(String cluster, long untilMicros) {
    long n = 0;
    for (int i = 0; i < changes; i++) {
      if (changeReceived[i] < untilMicros && changeClusters[i].equals(cluster)) {
        n++;
      }
    }
    return n;
  }

  /** Whether so many events were appended since the searchers refreshed that they should. */
  boolean refreshDue() {
    return unrefreshed.size() >= REFRESH_AFTER_EVENTS;
  }

  /** The searchers were refreshed, or replaced, and see every event appended. */
  void refreshed() {
    unrefreshed.clear();
    changes = 0;
    refreshes++;
  }
}
