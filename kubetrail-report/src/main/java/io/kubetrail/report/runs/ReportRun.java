package io.kubetrail.report.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubetrail.report.Evidence;
import io.kubetrail.report.ReportType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

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

  private static final ObjectMapper JSON = new ObjectMapper();

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

  /**
   * The run as JSON: {@code id}, {@code cluster}, {@code report}, {@code reportType}, {@code
   * startTime}, {@code endTime}, {@code generated} and {@code evidence} ({@code eventsReplayed},
   * {@code startedFrom}, {@code warnings}); what stores keep and front ends show.
   */
  public ObjectNode toJson() {
    ObjectNode n = JSON.createObjectNode();
    n.put("id", id);
    n.put("cluster", cluster);
    n.put("report", report);
    n.put("reportType", type.id());
    n.put("startTime", start.toString());
    n.put("endTime", end.toString());
    n.put("generated", generated.toString());
    ObjectNode e = n.putObject("evidence");
    e.put("eventsReplayed", evidence.eventsReplayed());
    e.put("startedFrom", evidence.startedFrom());
    evidence.warnings().forEach(e.putArray("warnings")::add);
    return n;
  }

  /** A run from {@link #toJson}; empty when it is not one (an unknown report type). */
  static Optional<ReportRun> fromJson(JsonNode n) {
    Optional<ReportType> type = ReportType.byId(n.path("reportType").asText());
    if (type.isEmpty()) {
      return Optional.empty();
    }
    List<String> warnings = new ArrayList<>();
    n.path("evidence").path("warnings").forEach(w -> warnings.add(w.asText()));
    return Optional.of(
        new ReportRun(
            n.path("id").asText(),
            n.path("cluster").asText(),
            n.path("report").asText(),
            type.get(),
            Instant.parse(n.path("startTime").asText()),
            Instant.parse(n.path("endTime").asText()),
            Instant.parse(n.path("generated").asText()),
            new Evidence(
                n.path("evidence").path("eventsReplayed").asLong(),
                n.path("evidence").path("startedFrom").asText(),
                warnings)));
  }

  /** The id of the run of a definition for a cluster whose period ends at {@code end}. */
  public static String idOf(String cluster, String report, Instant end) {
    String t = end.toString().replace("-", "").replace(":", "");
    return cluster + "." + report + "-" + t;
  }
}
