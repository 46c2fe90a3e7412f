package io.kubetrail.report;

import io.kubetrail.history.HistoryOptions;
import io.kubetrail.history.StateHistory;
import io.kubetrail.store.AuditStore;
import java.util.Objects;

/**
 * Where reports read one cluster's history: a store (which keeps its snapshots and checkpoints
 * too), the cluster and the replay options.
 */
public record ReportSource(AuditStore store, String cluster, HistoryOptions options) {
  public ReportSource {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(options, "options");
  }

  StateHistory history() {
    return StateHistory.open(store, cluster, options);
  }
}
