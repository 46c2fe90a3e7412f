/**
 * The ingest pipeline: audit events from their sources into the store.
 *
 * <p>Each record is decoded, optionally filtered by an audit policy, has its Secret values hashed
 * ({@link io.kubetrail.collect.SecretRedactor}), is enriched with the {@code cluster}, {@code name}
 * ({@link io.kubetrail.collect.ObjectNames}) and {@code generated_time} that every stored event
 * carries, and is appended to the store in batches, each together with the position in its source
 * that it reaches, so that an interrupted or repeated ingest resumes where it stopped. A bad record
 * is reported with its file, line and reason and never stops the run.
 *
 * <p>{@link io.kubetrail.collect.AuditFiles} lists a directory's audit files in rotation order;
 * {@link io.kubetrail.collect.FollowedFileSource} follows one log as kube-apiserver writes and
 * rotates it; {@link io.kubetrail.collect.DirectorySource} picks up exported audit logs (GKE, AKS)
 * as they land in a directory. {@link io.kubetrail.collect.StoreConnection} lets a collector start
 * while its store (an OpenSearch cluster) cannot be reached yet.
 *
 * <p>Everything public here is API; other classes are implementation details.
 */
package io.kubetrail.collect;
