package io.kubetrail.cli;

import io.kubetrail.collect.CommitWatermark;
import io.kubetrail.collect.config.CollectorConfig;
import io.kubetrail.history.HistoryOptions;
import io.kubetrail.policy.LoadedPolicy;
import io.kubetrail.report.ReportSource;
import io.kubetrail.report.runs.ReportDefinition;
import io.kubetrail.report.runs.ReportDefinitionException;
import io.kubetrail.report.runs.ReportDefinitions;
import io.kubetrail.report.runs.ReportRuns;
import io.kubetrail.report.runs.ReportScheduler;
import io.kubetrail.store.AuditStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The collector's scheduled reports: its {@code reports:} file, made as periods complete. */
final class ScheduledReports {
  /** How often the collector looks for complete periods. */
  static final long EVERY_SECONDS = 30;

  private ScheduledReports() {}

  /** The definitions of the configuration's reports file; none without one. */
  static List<ReportDefinition> definitions(CollectorConfig cfg) throws IOException {
    if (cfg.reports().isEmpty()) {
      return List.of();
    }
    try {
      return ReportDefinitions.load(cfg.reports().get());
    } catch (ReportDefinitionException e) {
      throw new UsageException("reports: " + e.getMessage(), e);
    }
  }

  /** Starts making the reports, on a thread of their own; empty when there are none to make. */
  static Optional<ScheduledExecutorService> start(
      List<ReportDefinition> definitions,
      CollectorConfig cfg,
      Optional<AuditStore> store,
      String location,
      CommitWatermark watermark,
      PrintWriter err) {
    if (definitions.isEmpty() || store.isEmpty()) {
      return Optional.empty();
    }
    Optional<LoadedPolicy> policy = cfg.policy().map(p -> PolicyFiles.loadValid(p, "policy", err));
    ReportScheduler scheduler =
        new ReportScheduler(
            new ReportSource(store.get(), cfg.cluster(), HistoryOptions.defaults()),
            definitions,
            ReportRuns.of(location, store.get()),
            policy,
            Clock.systemUTC());
    ScheduledExecutorService s = CollectCommand.daemon("kubetrail-reports");
    s.scheduleWithFixedDelay(
        () -> {
          try {
            Optional<Instant> complete = watermark.complete();
            if (complete.isPresent()) {
              scheduler.runDue(complete.get(), note -> say(err, note));
            }
          } catch (IOException | RuntimeException e) {
            say(err, "reports: " + e.getMessage() + "; tried again in " + EVERY_SECONDS + " s");
          }
        },
        1,
        EVERY_SECONDS,
        TimeUnit.SECONDS);
    say(
        err,
        definitions.size()
            + " scheduled "
            + (definitions.size() == 1 ? "report" : "reports")
            + " from "
            + cfg.reports().get());
    return Optional.of(s);
  }

  private static void say(PrintWriter err, String message) {
    synchronized (err) {
      err.println("kubetrail collect: " + message);
      err.flush();
    }
  }
}
