/**
 * Compliance reports over a cluster's stored history.
 *
 * <p>{@link io.kubetrail.report.Reports#generate} makes the report a {@link
 * io.kubetrail.report.ReportSpec} asks for from a {@link io.kubetrail.report.ReportSource} (a store
 * and cluster): Calico's {@code inventory}, {@code network-access} and {@code policy-audit} ({@link
 * io.kubetrail.report.ComplianceReport}, the shape of Calico's report data), {@code changes}
 * ({@link io.kubetrail.report.ChangesReport}: what changed between two times) and {@code
 * audit-policy} ({@link io.kubetrail.report.AuditPolicyReport}: CIS 3.2.1 and 3.2.2, and what a
 * policy logs of the changes replay needs). Every report carries its {@link
 * io.kubetrail.report.Evidence}. {@link io.kubetrail.report.ReportWriter} writes a report as JSON,
 * YAML, Calico's CSV files or one self-contained HTML page.
 *
 * <p>Everything public here is API; the reporters, the exposure computation and the writers'
 * internals are package-private.
 */
package io.kubetrail.report;
