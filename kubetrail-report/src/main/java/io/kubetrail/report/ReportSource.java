package io.kubetrail.report;

import io.kubetrail.history.HistoryOptions;
import io.kubetrail.history.StateHistory;
import io.kubetrail.store.AuditStore;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where reports read one cluster's history: a store, its directory (for snapshots and checkpoints),
 * the cluster and the replay options.
 */
public record ReportSource(
    AuditStore store, Path storeDirectory, String cluster, HistoryOptions options) {
  public ReportSource {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(storeDirectory, "storeDirectory");
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(options, "options");
  }

  StateHistory history() {
    return StateHistory.open(store, storeDirectory, cluster, options);
  }
}
