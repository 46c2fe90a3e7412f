package io.kubetrail.report;

import io.kubetrail.history.netpol.ExposureEvidence;
import io.kubetrail.history.netpol.ExposureReport;
import io.kubetrail.history.netpol.NetworkAccess;
import io.kubetrail.history.netpol.NetworkPolicyException;
import io.kubetrail.report.ComplianceReport.AuditSummary;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code inventory} and {@code network-access} reports: the in-scope pods' exposure over the
 * whole interval, exactly, from {@link NetworkAccess#overInterval}, with its namespace and service
 * rows.
 */
final class EndpointReporter {
  private EndpointReporter() {}

  static ComplianceReport report(ReportSource source, ReportSpec spec) throws IOException {
    ExposureReport x = exposure(source, spec);
    return new ComplianceReport(
        spec.type(),
        spec.start(),
        spec.end(),
        spec.scope(),
        x.endpoints(),
        x.namespaces(),
        x.services(),
        AuditSummary.EMPTY,
        List.of(),
        evidence(source, x.evidence(), List.of()));
  }

  /** The exposure of the spec's scope over its interval. */
  static ExposureReport exposure(ReportSource source, ReportSpec spec) throws IOException {
    try {
      return NetworkAccess.overInterval(source.history(), spec.start(), spec.end(), spec.scope());
    } catch (NetworkPolicyException e) {
      throw new ReportException("cannot evaluate network policies: " + e.getMessage(), e);
    }
  }

  /** A report's evidence from that of the walk, with what the stored history cannot show. */
  static Evidence evidence(ReportSource source, ExposureEvidence x, List<String> more)
      throws IOException {
    Set<String> warnings = new LinkedHashSet<>(x.notes());
    warnings.addAll(more);
    boolean fromEmpty = x.startedFrom().equals("empty cluster");
    Interval.historyWarning(source, x.start(), fromEmpty).ifPresent(warnings::add);
    warnings.addAll(SourceGaps.warnings(source, x.start(), x.end()));
    String from =
        x.startedFrom() + (x.startedAt().equals(Instant.EPOCH) ? "" : " at " + x.startedAt());
    return new Evidence(
        x.changesToStart() + x.changesInInterval(), from, new ArrayList<>(warnings));
  }
}
