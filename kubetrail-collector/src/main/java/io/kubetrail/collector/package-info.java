/**
 * The collector's run: what {@code kubetrail collect} and {@code kubetrail serve --config} start.
 *
 * <p>{@link io.kubetrail.collector.CollectorRun} takes a collector configuration (with the policy
 * and the scheduled reports it names, already read) and runs it until stopped: it opens the store,
 * or waits until it can be reached while its buffer keeps what the sources read, or forwards; runs
 * the configured sources through the ingest pipeline; keeps the state checkpoints up to date; makes
 * the scheduled reports as their periods complete; serves metrics; writes the status {@code
 * kubetrail status} reads; and on {@link io.kubetrail.collector.CollectorRun#stop} stores what it
 * holds and shuts all of it down in order. The command line and the server are thin front ends of
 * it: they read the files, handle signals and print.
 *
 * <p>Everything public here is API; other classes are implementation details.
 */
package io.kubetrail.collector;
