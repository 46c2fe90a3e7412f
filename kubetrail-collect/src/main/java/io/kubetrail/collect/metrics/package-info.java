/**
 * What a running collector tells its operators: Prometheus metrics per source ({@link
 * io.kubetrail.collect.metrics.CollectorMetrics}), served with a health check by {@link
 * io.kubetrail.collect.metrics.MetricsServer}, and a status file that {@code kubetrail status}
 * reads ({@link io.kubetrail.collect.metrics.CollectorStatus}).
 */
package io.kubetrail.collect.metrics;
