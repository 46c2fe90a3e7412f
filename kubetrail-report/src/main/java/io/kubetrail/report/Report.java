package io.kubetrail.report;

/**
 * One report, in memory: what {@link ReportWriter} writes as JSON, YAML, CSV or HTML. The set is
 * closed: the three of Calico's endpoint-data shape, the changes report and the audit policy
 * report.
 */
public sealed interface Report permits ComplianceReport, ChangesReport, AuditPolicyReport {

  ReportType type();

  /** What the report rests on; see {@link Evidence}. */
  Evidence evidence();
}
