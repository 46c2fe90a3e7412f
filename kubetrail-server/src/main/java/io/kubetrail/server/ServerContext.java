package io.kubetrail.server;

import io.kubetrail.history.HistoryOptions;
import io.kubetrail.report.runs.EmbeddedReportRuns;
import io.kubetrail.report.runs.ReportRuns;
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

  /** The runs of scheduled reports kept beside the store (by a collector). */
  ReportRuns reportRuns() {
    return EmbeddedReportRuns.in(options.storeDirectory());
  }
}
