package io.kubetrail.report.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubetrail.report.ReportFormat;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The namespaces whose data a kept run shows, so that a reader limited to some namespaces is shown
 * only runs that lie wholly within them: a run is about data, and its files (CSV, HTML) cannot be
 * cut row by row once made.
 */
public final class RunNamespaces {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RunNamespaces() {}

  /**
   * The namespaces of every row of a run's report: endpoints, namespaces, services ({@code
   * namespace/name}), policy changes and changed objects (a Namespace object is its own namespace).
   * The empty string stands for cluster-scoped data (a GlobalNetworkPolicy, a ClusterRole), and a
   * report with no namespaced rows at all (audit-policy) is cluster data.
   *
   * @throws java.util.NoSuchElementException when there is no run with this id
   */
  public static Set<String> of(ReportRuns runs, String id) throws IOException {
    Objects.requireNonNull(runs, "runs");
    try (InputStream in = runs.open(id, ReportFormat.JSON)) {
      return of(JSON.readTree(in));
    }
  }

  static Set<String> of(JsonNode report) {
    Set<String> out = new TreeSet<>();
    report.path("endpoints").forEach(e -> out.add(e.path("namespace").asText()));
    report.path("namespaces").forEach(n -> out.add(n.path("namespace").asText()));
    for (JsonNode s : report.path("services")) {
      String service = s.path("service").asText();
      int slash = service.indexOf('/');
      out.add(slash < 0 ? "" : service.substring(0, slash));
    }
    report.path("policyChanges").forEach(c -> out.add(c.path("namespace").asText()));
    for (JsonNode o : report.path("objects")) {
      out.add(
          o.path("resource").asText().equals("namespaces")
              ? o.path("name").asText()
              : o.path("namespace").asText());
    }
    if (report.path("reportType").asText().equals("audit-policy")) {
      out.add("");
    }
    return out;
  }
}
