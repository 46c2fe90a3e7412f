/**
 * Scheduled reports and their kept runs.
 *
 * <p>{@link io.kubetrail.report.runs.ReportDefinitions#load} reads a reports file of Calico {@code
 * GlobalReport}s into {@link io.kubetrail.report.runs.ReportDefinition}s (type, {@link
 * io.kubetrail.report.runs.CronSchedule}, endpoints scope, suspend). {@link
 * io.kubetrail.report.runs.ReportScheduler} makes each period's report once every event of the
 * period has arrived, catching up missed periods, and keeps it in a {@link
 * io.kubetrail.report.runs.ReportRuns}: the backend-neutral repository of runs (list with a {@link
 * io.kubetrail.report.runs.RunFilter}, get by id, open in a format), kept in the embedded store's
 * directory ({@link io.kubetrail.report.runs.EmbeddedReportRuns}) or in a store's state repository
 * ({@link io.kubetrail.report.runs.StateReportRuns}, for a store on a cluster).
 */
package io.kubetrail.report.runs;
