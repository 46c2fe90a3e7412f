package io.kubetrail.collector;

import io.kubetrail.collect.CommitWatermark;
import io.kubetrail.history.HistoryOptions;
import io.kubetrail.report.ReportSource;
import io.kubetrail.report.runs.ReportRuns;
import io.kubetrail.report.runs.ReportScheduler;
import io.kubetrail.store.AuditStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** The collector's scheduled reports: its {@code reports:} file, made as periods complete. */
final class ScheduledReports {
  /** How often the collector looks for complete periods. */
  static final long EVERY_SECONDS = 30;

  private ScheduledReports() {}

  /** Starts making the reports, on a thread of their own; empty when there are none to make. */
  static Optional<ScheduledExecutorService> start(
      CollectorRun.Setup setup,
      AuditStore store,
      String location,
      CommitWatermark watermark,
      Consumer<String> log) {
    if (setup.reports().isEmpty()) {
      return Optional.empty();
    }
    ReportScheduler scheduler =
        new ReportScheduler(
            new ReportSource(store, setup.config().cluster(), HistoryOptions.defaults()),
            setup.reports(),
            ReportRuns.of(location, store),
            setup.policy(),
            Clock.systemUTC());
    ScheduledExecutorService s = StatusWriter.daemon("kubetrail-reports");
    s.scheduleWithFixedDelay(
        () -> {
          try {
            Optional<Instant> complete = watermark.complete();
            if (complete.isPresent()) {
              scheduler.runDue(complete.get(), log);
            }
          } catch (IOException | RuntimeException e) {
            log.accept("reports: " + e.getMessage() + "; tried again in " + EVERY_SECONDS + " s");
          }
        },
        1,
        EVERY_SECONDS,
        TimeUnit.SECONDS);
    int n = setup.reports().size();
    log.accept(
        n
            + " scheduled "
            + (n == 1 ? "report" : "reports")
            + " from "
            + setup.config().reports().map(Object::toString).orElse("the configuration"));
    return Optional.of(s);
  }
}
