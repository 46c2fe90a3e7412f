package io.kubetrail.collect.metrics;

import io.kubetrail.store.AuditStore;
import io.kubetrail.store.EventQuery;
import io.kubetrail.store.SearchPage;
import io.kubetrail.store.SourceCheckpoint;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What {@code kubetrail status} shows: the store (events, clusters, newest event, size) with the
 * position each source reached, and what the collector last said about its sources.
 *
 * @param events events stored
 * @param clusters the clusters they are of
 * @param newestEvent the newest stored event's {@code requestReceivedTimestamp}; empty when none
 * @param sizeBytes the store's size on disk
 * @param positions source id → committed position
 * @param collector the collector's last status, when one has run on this store
 * @param collectorRunning whether that collector is running: it has not said it stopped, and wrote
 *     the status in the last {@link #STALE_AFTER}
 */
public record StatusReport(
    long events,
    List<String> clusters,
    Optional<Instant> newestEvent,
    long sizeBytes,
    SortedMap<String, String> positions,
    Optional<CollectorStatus> collector,
    boolean collectorRunning) {

  /** A collector status older than this means the collector is not running. */
  public static final Duration STALE_AFTER = Duration.ofSeconds(30);

  public StatusReport {
    clusters = List.copyOf(clusters);
    positions = new TreeMap<>(positions);
  }

  /**
   * Whether the collector that wrote this status is running: it has not said it stopped, and wrote
   * it in the last {@link #STALE_AFTER}.
   */
  public static boolean running(Optional<CollectorStatus> collector, Instant now) {
    return collector.isPresent()
        && !collector.get().stopped()
        && Duration.between(Instant.parse(collector.get().updated()), now).compareTo(STALE_AFTER)
            < 0;
  }

  /** Gathers the report from a store and the collector's status file (if any). */
  public static StatusReport of(
      AuditStore store, long sizeBytes, Optional<CollectorStatus> collector, Instant now)
      throws IOException {
    SearchPage newest = store.search(EventQuery.all(), 1, Optional.empty());
    SortedMap<String, String> positions = new TreeMap<>();
    for (Map.Entry<String, SourceCheckpoint> e : store.checkpoints().entrySet()) {
      positions.put(e.getKey(), e.getValue().position());
    }
    boolean running = running(collector, now);
    return new StatusReport(
        store.count(EventQuery.all()),
        List.copyOf(store.clusters()),
        newest.events().stream().findFirst().map(e -> e.event().requestReceivedTimestamp()),
        sizeBytes,
        positions,
        collector,
        running);
  }
}
