package io.kubetrail.collector;

import io.kubetrail.collect.Sink;
import io.kubetrail.collect.StoreConnection;
import io.kubetrail.collect.config.CollectorConfig;
import io.kubetrail.collect.config.ConfiguredSources;
import io.kubetrail.collect.metrics.CollectorStatus;
import io.kubetrail.history.CheckpointAdvancer;
import io.kubetrail.history.HistoryOptions;
import io.kubetrail.history.StateHistory;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.AuditStores;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where events go: the store, opened now or once it can be reached, or a forwarding sink.
 *
 * @param connection the store's, when events go to a store
 * @param storeLocation the store's location as configured, when events go to a store
 * @param statusFile where the collector's status is written
 */
record Destination(
    Sink sink,
    Optional<StoreConnection> connection,
    Optional<String> storeLocation,
    Path statusFile,
    String description) {

  /** The store's connection when the store is on a cluster, whose state repository is shared. */
  Optional<StoreConnection> inCluster() {
    return storeLocation.filter(l -> AuditStores.scheme(l).isPresent()).flatMap(l -> connection);
  }

  /**
   * Opens the configured destination.
   *
   * @param open what to close when the collector is done; the store's connection goes first
   */
  static Destination open(
      CollectorConfig.Destination d, CollectorRun.Stores stores, List<Closeable> open)
      throws IOException {
    if (d instanceof CollectorConfig.Store s) {
      String location = s.location();
      boolean remote = AuditStores.scheme(location).isPresent();
      Path statusDirectory = stores.directory(location).resolve("collector");
      // A cluster may be down when the collector starts: it starts all the same.
      StoreConnection connection =
          StoreConnection.open(
              () -> stores.openForWriting(location),
              remote
                  ? Optional.of(statusDirectory.resolve(CollectorRun.POSITIONS_FILE))
                  : Optional.empty());
      open.add(0, connection);
      return new Destination(
          connection,
          Optional.of(connection),
          Optional.of(location),
          statusDirectory.resolve(CollectorStatus.FILE),
          "store " + location);
    }
    CollectorConfig.Forward f = (CollectorConfig.Forward) d;
    Path positions = f.positions().toAbsolutePath();
    return new Destination(
        ConfiguredSources.forwarding(f),
        Optional.empty(),
        Optional.empty(),
        positions.resolveSibling(CollectorStatus.FILE),
        "forward to " + f.url());
  }

  /** Keeps the cluster's state checkpoints up to date; empty when it cannot. */
  static Optional<CheckpointAdvancer> advancer(
      AuditStore store, String cluster, Consumer<String> log) {
    try {
      return Optional.of(
          StateHistory.open(store, cluster, HistoryOptions.defaults())
              .advancer()
              .onNote(note -> log.accept("note: " + note)));
    } catch (IOException e) {
      log.accept("warning: state checkpoints will not be kept up to date: " + e);
      return Optional.empty();
    }
  }
}
