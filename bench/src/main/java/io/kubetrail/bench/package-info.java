/**
 * Benchmarks: JMH micro-benchmarks, and the small programs the end-to-end benchmark scripts under
 * {@code bench/} run (loaders for the baselines kubetrail is compared with, latency probes).
 */
package io.kubetrail.bench;
