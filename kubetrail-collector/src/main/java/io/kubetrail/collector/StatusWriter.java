package io.kubetrail.collector;

import io.kubetrail.collect.StoreConnection;
import io.kubetrail.collect.metrics.CollectorMetrics;
import io.kubetrail.collect.metrics.CollectorStatus;
import io.kubetrail.store.AuditStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Writes the collector's status for {@code kubetrail status}: to the status file every {@value
 * #EVERY_SECONDS} s, and for a store on a cluster into the cluster too, every other time (a write
 * there costs a few requests), so that every machine sees it.
 */
final class StatusWriter {
  static final long EVERY_SECONDS = 5;

  private final CollectorMetrics metrics;
  private final Path file;
  private final Optional<StoreConnection> cluster;
  private final Consumer<String> log;
  private final AtomicBoolean warned = new AtomicBoolean();

  /** Writes what the metrics say to the destination's status file, and its cluster if any. */
  StatusWriter(CollectorMetrics metrics, Destination destination, Consumer<String> log) {
    this.metrics = metrics;
    this.file = destination.statusFile();
    this.cluster = destination.inCluster();
    this.log = log;
  }

  ScheduledExecutorService start(String clusterName) {
    ScheduledExecutorService s = daemon("kubetrail-status");
    long[] ticks = new long[1];
    s.scheduleAtFixedRate(
        () -> {
          try {
            write(metrics.status(false), clusterName, ticks[0]++ % 2 == 0);
          } catch (IOException | RuntimeException e) {
            if (!warned.getAndSet(true)) {
              log.accept("cannot write the collector's status: " + e);
            }
          }
        },
        0,
        EVERY_SECONDS,
        TimeUnit.SECONDS);
    return s;
  }

  void write(CollectorStatus status, String clusterName, boolean intoCluster) throws IOException {
    status.write(file);
    Optional<AuditStore> store = cluster.flatMap(StoreConnection::store);
    if (intoCluster && store.isPresent()) {
      try {
        status.write(store.get().states(), clusterName);
      } catch (IOException e) {
        // The cluster is down or refuses for now: the file has it, the next write tries again.
      }
    }
  }

  /** A scheduler on one daemon thread of this name. */
  static ScheduledExecutorService daemon(String name) {
    return Executors.newSingleThreadScheduledExecutor(
        r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          return t;
        });
  }
}
