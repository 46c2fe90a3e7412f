package io.kubetrail.report.runs;

import io.kubetrail.policy.LoadedPolicy;
import io.kubetrail.report.Report;
import io.kubetrail.report.ReportException;
import io.kubetrail.report.ReportSource;
import io.kubetrail.report.ReportSpec;
import io.kubetrail.report.Reports;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Makes scheduled reports once their period is complete: for each definition not suspended, every
 * period (from one firing of its schedule to the next) that ends at or before the time up to which
 * every event has arrived, and has no run kept yet. After the last kept run, every missed period is
 * made in turn (periods missed while the collector was down are caught up); a definition with no
 * run yet starts with its latest complete period.
 *
 * <p>A report that fails (bad data in the store) is noted and tried again on the next call; the
 * periods after it wait, so runs stay in order.
 */
public final class ReportScheduler {
  /** At most this many periods of one definition per call, so a long catch-up yields in between. */
  static final int MAX_PERIODS_PER_CALL = 50;

  private final ReportSource source;
  private final List<ReportDefinition> definitions;
  private final ReportRuns runs;
  private final Optional<LoadedPolicy> policy;
  private final Clock clock;

  /**
   * @param policy the audit policy in force, when known: runs warn of what it does not log
   */
  public ReportScheduler(
      ReportSource source,
      List<ReportDefinition> definitions,
      ReportRuns runs,
      Optional<LoadedPolicy> policy,
      Clock clock) {
    this.source = Objects.requireNonNull(source, "source");
    this.definitions = List.copyOf(definitions);
    this.runs = Objects.requireNonNull(runs, "runs");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** One period of a definition. */
  public record Period(ReportDefinition definition, Instant start, Instant end) {}

  /** The periods due when every event up to {@code complete} has arrived, oldest first. */
  public List<Period> due(Instant complete) throws IOException {
    List<Period> out = new ArrayList<>();
    for (ReportDefinition d : definitions) {
      if (!d.suspend()) {
        out.addAll(due(d, complete));
      }
    }
    out.sort(Comparator.comparing(Period::end).thenComparing(p -> p.definition().name()));
    return out;
  }

  private List<Period> due(ReportDefinition d, Instant complete) throws IOException {
    List<Period> out = new ArrayList<>();
    List<ReportRun> last =
        runs.list(RunFilter.all().withCluster(source.cluster()).withReport(d.name()).withLimit(1));
    Instant start;
    if (last.isEmpty()) {
      Optional<Instant> end = d.schedule().previous(complete);
      if (end.isEmpty()) {
        return out;
      }
      Optional<Instant> before = d.schedule().previous(end.get().minusSeconds(60));
      if (before.isEmpty()) {
        return out;
      }
      start = before.get();
    } else {
      start = last.get(0).end();
    }
    for (Optional<Instant> end = d.schedule().next(start);
        end.isPresent() && !end.get().isAfter(complete) && out.size() < MAX_PERIODS_PER_CALL;
        end = d.schedule().next(end.get())) {
      out.add(new Period(d, start, end.get()));
      start = end.get();
    }
    return out;
  }

  /**
   * Makes and keeps every period due, oldest first.
   *
   * @param notes hears each run made and each report that failed
   * @return the runs made
   */
  public List<ReportRun> runDue(Instant complete, Consumer<String> notes) throws IOException {
    List<ReportRun> made = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    for (Period p : due(complete)) {
      if (failed.contains(p.definition().name())) {
        continue;
      }
      try {
        made.add(run(p));
        notes.accept("report " + id(p) + " made (" + p.start() + " to " + p.end() + ")");
      } catch (ReportException e) {
        failed.add(p.definition().name());
        notes.accept("report " + id(p) + " failed, tried again later: " + e.getMessage());
      }
    }
    return made;
  }

  private String id(Period p) {
    return ReportRun.idOf(source.cluster(), p.definition().name(), p.end());
  }

  /** Makes and keeps one period's run. */
  public ReportRun run(Period p) throws IOException {
    ReportSpec spec = p.definition().spec(p.start(), p.end());
    if (policy.isPresent()) {
      spec = spec.withAuditPolicy(policy.get());
    }
    Report report = Reports.generate(source, spec);
    ReportRun run =
        new ReportRun(
            id(p),
            source.cluster(),
            p.definition().name(),
            p.definition().type(),
            p.start(),
            p.end(),
            clock.instant(),
            report.evidence());
    return runs.save(run, report);
  }
}
