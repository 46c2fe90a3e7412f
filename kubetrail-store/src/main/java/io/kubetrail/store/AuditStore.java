package io.kubetrail.store;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;

/**
 * A durable store of audit events. See the package documentation for the guarantees every
 * implementation keeps; {@code AuditStoreContractTest} (in this module's test jar) checks them.
 *
 * <p>Appends are serialised; queries may run concurrently with each other and with appends, and
 * each sees the store as of the last completed append. Failures throw {@link StoreException} (a
 * missing, locked or corrupt store, a failed write) or another {@link IOException}.
 */
public interface AuditStore extends Closeable {

  /**
   * Stores a batch atomically and durably: when this returns, its new events and its checkpoints
   * survive a crash; when it throws, neither part of the batch is visible, and the store remains
   * usable. Events already stored, or repeated within the batch, are counted as duplicates and not
   * stored again. Checkpoints replace those of the same source.
   *
   * @throws StoreException when the write fails (a full disk, an I/O error) or the store is
   *     read-only
   */
  AppendResult append(Batch batch) throws IOException;

  /** The committed checkpoint of every source that has one. */
  Map<String, SourceCheckpoint> checkpoints() throws IOException;

  /** Every cluster the store holds events of, sorted. */
  SortedSet<String> clusters() throws IOException;

  /**
   * One page of events matching the query, in its {@link EventQuery#order() order} by {@code
   * requestReceivedTimestamp}.
   *
   * @param limit the most events to return, from 1 to {@link StoreOptions#maxPageSize()}
   * @param after the {@link SearchPage#next() cursor} of the previous page, or empty for the first
   * @throws IllegalArgumentException when {@code after} came from a query of another order, or is
   *     not a cursor at all
   */
  SearchPage search(EventQuery query, int limit, Optional<PageCursor> after) throws IOException;

  /** How many events match the query. */
  long count(EventQuery query) throws IOException;

  /**
   * How many {@link StoredEvent#isChange() changes} of one cluster were received before {@code
   * until}: {@link #count} of {@link EventQuery#changesBefore}, which this default runs. Asked each
   * time a state checkpoint is written, while appends go on; a store that makes new events
   * searchable in steps can answer it without taking one.
   */
  default long countChanges(String cluster, Instant until) throws IOException {
    return count(EventQuery.changesBefore(cluster, until));
  }

  /**
   * How many events match the query in each bucket of {@code requestReceivedTimestamp}, oldest
   * first. Buckets are aligned to the epoch; empty buckets are omitted.
   *
   * @throws StoreException when more than {@link StoreOptions#maxHistogramBuckets()} buckets are
   *     not empty
   */
  List<HistogramBucket> histogram(EventQuery query, Duration bucket) throws IOException;

  /**
   * How many events matching the query have each value of a field, most first (then by value), at
   * most {@code limit} values. This default reads every matching event; a store with an index
   * should do better.
   */
  default List<FacetCount> facet(EventQuery query, FacetField field, int limit) throws IOException {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
    Map<String, Long> counts = new HashMap<>();
    Optional<PageCursor> after = Optional.empty();
    do {
      SearchPage page = search(query, StoreOptions.DEFAULT_MAX_PAGE_SIZE, after);
      for (StoredEvent e : page.events()) {
        field.valueOf(e).ifPresent(v -> counts.merge(v, 1L, Long::sum));
      }
      after = page.next();
    } while (after.isPresent());
    return FacetCounts.top(counts, limit);
  }

  /**
   * Every event about one object in one cluster, whatever its verb, stage or outcome (changes,
   * reads, failed and dry-run attempts), oldest first: by {@code stageTimestamp}, then {@code
   * requestReceivedTimestamp}, then {@code auditID}. Events on subresources belong to their object;
   * see {@link ObjectKey#of(StoredEvent)}.
   */
  EventStream history(String cluster, ObjectKey object) throws IOException;

  /**
   * The {@link StoredEvent#isChange() changes} of one cluster with {@code stageTimestamp} in [from,
   * to), in the order they happened: by {@code stageTimestamp}, then {@code
   * requestReceivedTimestamp}, then {@code auditID} — whatever order they were appended in. Streams
   * any number of events in bounded memory.
   */
  EventStream scanChanges(String cluster, Instant from, Instant to) throws IOException;

  /**
   * The changes of {@link #scanChanges(String, Instant, Instant)} to objects of the given resources
   * only ({@code objectRef.resource}, whatever the group; writes to their subresources included),
   * in the same order: for a reader that follows a few kinds of object, so that it need not read
   * the others. This default reads every change and skips the others; a store with an index of
   * resources should do better.
   *
   * @throws IllegalArgumentException when {@code resources} is empty
   */
  default EventStream scanChanges(String cluster, Instant from, Instant to, Set<String> resources)
      throws IOException {
    Set<String> wanted = Set.copyOf(resources);
    if (wanted.isEmpty()) {
      throw new IllegalArgumentException("resources must not be empty");
    }
    EventStream all = scanChanges(cluster, from, to);
    return new EventStream() {
      @Override
      public Optional<StoredEvent> next() throws IOException {
        for (Optional<StoredEvent> e = all.next(); e.isPresent(); e = all.next()) {
          if (e.get().event().objectRef().filter(r -> wanted.contains(r.resource())).isPresent()) {
            return e;
          }
        }
        return Optional.empty();
      }

      @Override
      public void close() throws IOException {
        all.close();
      }
    };
  }

  /**
   * Checks every stored batch against the hash chain: detects a stored event that was changed,
   * removed, added or moved, and batches removed other than by {@link #prune}; and checks that
   * whatever searches rely on besides the stored events (an index) agrees with them.
   */
  default VerifyResult verify() throws IOException {
    return verify(VerifyListener.NONE);
  }

  /** As {@link #verify()}, telling {@code listener} how far it got. */
  VerifyResult verify(VerifyListener listener) throws IOException;

  /**
   * Removes every whole batch whose newest event ({@code requestReceivedTimestamp}) is before
   * {@code olderThan}. A batch holding any newer event is kept whole. {@link #verify()} still
   * passes afterwards.
   */
  PruneResult prune(Instant olderThan) throws IOException;

  /**
   * What a user should know about how this store keeps its events that nothing else shows, one
   * sentence each: for example whether anything but {@link #prune} deletes old events. Commands
   * that report on a store ({@code verify}, {@code status}) print them. Most stores have none.
   */
  default List<String> notes() throws IOException {
    return List.of();
  }

  /**
   * Where this store keeps its clusters' replay snapshots and checkpoints: beside its events, in
   * the same backend. A read-only store's repository may still be written (checkpoints only speed
   * replay up).
   */
  StateRepository states();
}
