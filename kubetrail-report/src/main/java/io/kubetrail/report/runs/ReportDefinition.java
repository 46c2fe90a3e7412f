package io.kubetrail.report.runs;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubetrail.history.netpol.EndpointScope;
import io.kubetrail.report.ReportSpec;
import io.kubetrail.report.ReportType;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One scheduled report, as a Calico {@code GlobalReport} defines it: made for every period of its
 * schedule (each period ends when the schedule fires and starts where the previous one ended).
 *
 * @param name {@code metadata.name}: lower-case letters, digits and {@code -}
 * @param type {@code spec.reportType}
 * @param schedule {@code spec.schedule}
 * @param scope {@code spec.endpoints}; everything when absent
 * @param suspend {@code spec.suspend}: no run is made while it is true
 */
public record ReportDefinition(
    String name, ReportType type, CronSchedule schedule, EndpointScope scope, boolean suspend) {

  public ReportDefinition {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(scope, "scope");
  }

  /**
   * The report of one period: this definition's type and scope from {@code start} to {@code end}.
   */
  public ReportSpec spec(Instant start, Instant end) {
    return ReportSpec.of(type, start, end).withScope(scope);
  }

  /**
   * The start of the period {@code now} lies in: the schedule's last firing at or before it; empty
   * when the schedule never fired before.
   */
  public Optional<Instant> periodStart(Instant now) {
    return schedule.previous(now);
  }

  /**
   * The definition as JSON, as front ends show it: {@code name}, {@code reportType}, {@code
   * schedule}, {@code suspend} and {@code endpoints} ({@code selector}, {@code namespaces}, {@code
   * namespaceSelector}, {@code serviceAccounts}; empty parts admit everything).
   */
  public ObjectNode toJson() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("name", name);
    n.put("reportType", type.id());
    n.put("schedule", schedule.text());
    n.put("suspend", suspend);
    ObjectNode e = n.putObject("endpoints");
    e.put("selector", scope.selector().text());
    scope.namespaceNames().forEach(e.putArray("namespaces")::add);
    e.put("namespaceSelector", scope.namespaceSelector().text());
    scope.serviceAccountNames().forEach(e.putArray("serviceAccounts")::add);
    return n;
  }
}
