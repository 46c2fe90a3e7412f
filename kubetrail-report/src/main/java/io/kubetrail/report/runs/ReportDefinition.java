package io.kubetrail.report.runs;

import io.kubetrail.history.netpol.EndpointScope;
import io.kubetrail.report.ReportType;
import java.util.Objects;

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
}
