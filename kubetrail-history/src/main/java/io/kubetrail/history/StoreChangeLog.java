package io.kubetrail.history;

import io.kubetrail.event.AuditEvent;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.EventStream;
import io.kubetrail.store.ReadAhead;
import io.kubetrail.store.StoredEvent;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * One cluster's changes in an {@link AuditStore}, read ahead on a thread of their own ({@link
 * ReadAhead}): replaying a change costs about as much as finding and decoding it.
 */
final class StoreChangeLog implements ChangeLog {
  private final AuditStore store;
  private final String cluster;

  StoreChangeLog(AuditStore store, String cluster) {
    this.store = store;
    this.cluster = cluster;
  }

  /** The store's ranges are half-open at microsecond precision: "at or before t" ends here. */
  static Instant justAfter(Instant t) {
    return t.truncatedTo(ChronoUnit.MICROS).plus(1, ChronoUnit.MICROS);
  }

  @Override
  public Changes changes(Instant from, Instant to) throws IOException {
    return wrap(ReadAhead.of(store.scanChanges(cluster, from, justAfter(to))));
  }

  private static Changes wrap(EventStream s) {
    return new Changes() {
      @Override
      public Optional<AuditEvent> next() throws IOException {
        return s.next().map(StoredEvent::event);
      }

      @Override
      public void close() throws IOException {
        s.close();
      }
    };
  }

  @Override
  public Changes changes(Instant from, Instant to, Set<String> resources) throws IOException {
    return wrap(ReadAhead.of(store.scanChanges(cluster, from, justAfter(to), resources)));
  }

  /** Prepares each change on the read-ahead thread, beside the replay. */
  @Override
  public Prepared prepared(
      Instant from,
      Instant to,
      Optional<Set<String>> resources,
      Function<AuditEvent, Replayer.Prepared> prepare)
      throws IOException {
    EventStream scan =
        resources.isPresent()
            ? store.scanChanges(cluster, from, justAfter(to), resources.get())
            : store.scanChanges(cluster, from, justAfter(to));
    ReadAhead<Replayer.Prepared> r = ReadAhead.mapped(scan, e -> prepare.apply(e.event()));
    return Prepared.of(r::next, r);
  }

  /**
   * The number of changes received at or before {@code t}: a change that happened by {@code t} was
   * received by then, so adding or pruning one moves this count.
   */
  @Override
  public long fingerprint(Instant t) throws IOException {
    return store.countChanges(cluster, justAfter(t));
  }
}
