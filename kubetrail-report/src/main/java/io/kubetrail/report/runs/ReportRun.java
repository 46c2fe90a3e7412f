package io.kubetrail.report.runs;

import io.kubetrail.report.Evidence;
import io.kubetrail.report.ReportType;
import java.time.Instant;
import java.util.Objects;

/**
 * One stored report, made on schedule: which definition, its period and what it rests on. The
 * report itself is read with {@link ReportRuns#open}.
 *
 * @param id stable and unique: the cluster, the definition's name and the period's end, {@code
 *     prod.daily-20260102T000000Z}
 * @param cluster the cluster it is about
 * @param report the name of the {@link ReportDefinition} it was made for
 * @param start the period's start (the end of the previous one)
 * @param end the period's end
 * @param generated when it was made
 * @param evidence what it rests on: events replayed, starting point, warnings
 */
public record ReportRun(
    String id,
    String cluster,
    String report,
    ReportType type,
    Instant start,
    Instant end,
    Instant generated,
    Evidence evidence) {

  public ReportRun {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(report, "report");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    Objects.requireNonNull(generated, "generated");
    Objects.requireNonNull(evidence, "evidence");
  }

  /** The id of the run of a definition for a cluster whose period ends at {@code end}. */
  public static String idOf(String cluster, String report, Instant end) {
    String t = end.toString().replace("-", "").replace(":", "");
    return cluster + "." + report + "-" + t;
  }
}
