package io.kubetrail.report.runs;

import io.kubetrail.report.ReportType;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Which stored runs to list, newest period first; every part given must hold.
 *
 * @param cluster runs about this cluster
 * @param report runs of this definition
 * @param type runs of this report type
 * @param from runs whose period ends at or after this time
 * @param to runs whose period starts at or before this time
 * @param limit at most this many (Calico's {@code maxItems}, default {@value #DEFAULT_LIMIT})
 */
public record RunFilter(
    Optional<String> cluster,
    Optional<String> report,
    Optional<ReportType> type,
    Optional<Instant> from,
    Optional<Instant> to,
    int limit) {

  public static final int DEFAULT_LIMIT = 100;

  public RunFilter {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(report, "report");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, got " + limit);
    }
  }

  /** The newest {@value #DEFAULT_LIMIT} runs of every definition. */
  public static RunFilter all() {
    return new RunFilter(
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        DEFAULT_LIMIT);
  }

  public RunFilter withCluster(String value) {
    return new RunFilter(Optional.of(value), report, type, from, to, limit);
  }

  public RunFilter withReport(String value) {
    return new RunFilter(cluster, Optional.of(value), type, from, to, limit);
  }

  public RunFilter withType(ReportType value) {
    return new RunFilter(cluster, report, Optional.of(value), from, to, limit);
  }

  public RunFilter withFrom(Instant value) {
    return new RunFilter(cluster, report, type, Optional.of(value), to, limit);
  }

  public RunFilter withTo(Instant value) {
    return new RunFilter(cluster, report, type, from, Optional.of(value), limit);
  }

  public RunFilter withLimit(int value) {
    return new RunFilter(cluster, report, type, from, to, value);
  }

  /** Whether a run passes the filter (the limit aside). */
  public boolean accepts(ReportRun run) {
    return cluster.map(run.cluster()::equals).orElse(true)
        && report.map(run.report()::equals).orElse(true)
        && type.map(t -> t == run.type()).orElse(true)
        && from.map(f -> !run.end().isBefore(f)).orElse(true)
        && to.map(t -> !run.start().isAfter(t)).orElse(true);
  }
}
