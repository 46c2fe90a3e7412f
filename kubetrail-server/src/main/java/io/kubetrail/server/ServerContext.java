package io.kubetrail.server;

import io.kubetrail.history.HistoryOptions;
import io.kubetrail.report.runs.EmbeddedReportRuns;
import io.kubetrail.report.runs.ReportRuns;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.AuditStores;
import java.time.Clock;
import java.time.Instant;

/**
 * What every route shares: the options, the clock, the access log, the replay options and the kept
 * report runs.
 */
record ServerContext(ServerOptions options, Clock clock, AccessLog access, HistoryOptions history) {
  Instant now() {
    return clock.instant();
  }

  /**
   * The runs of scheduled reports a collector kept with the store: in its directory, or in its
   * cluster.
   */
  ReportRuns reportRuns(AuditStore store) {
    return AuditStores.directory(options.storeLocation()).isPresent()
        ? EmbeddedReportRuns.in(options.storeDirectory())
        : ReportRuns.of(options.storeLocation(), store);
  }
}
