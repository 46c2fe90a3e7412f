/**
 * The {@link io.kubetrail.store.AuditStore} on an OpenSearch (or Elasticsearch) cluster, for more
 * events, clusters and readers than one machine holds.
 *
 * <p>Events are stored as Calico stores them: one document per event, the raw audit event plus
 * {@code cluster}, {@code name} and {@code generated_time}, in daily indices named {@code
 * tigera_secure_ee_audit_kube.<cluster>.<yyyyMMdd>} (after the event's {@code
 * requestReceivedTimestamp}), so dashboards built for Calico keep working. Each document also
 * carries a {@code kubetrail} object: its batch and sequence number and the exact values kubetrail
 * queries by (times in nanoseconds, the object it is about, whether it changed the cluster).
 *
 * <p>{@code _bulk} is not atomic, so atomic batches are built on top: a batch's events are written
 * with its number, and become visible only once the batch's header (its link in the hash chain,
 * holding its sources' checkpoints) is written, one document write that either happens or not.
 * Every query is limited to the batches committed when it started; events of a batch that was never
 * committed are removed when a writer next opens the store. Document ids derive from the event's
 * identity, so sending an event again never stores it twice.
 *
 * <p>Replay snapshots and checkpoints are kept in the index {@code <prefix>-kubetrail-state}, split
 * into chunk documents (see {@code StateIndex}).
 *
 * <p>Which engine serves a location is asked when the store opens ({@code Engine}); what differs
 * between OpenSearch and Elasticsearch is kept there: the point-in-time API, the flattened type,
 * and the retention policy's API ({@code RetentionApi}: ISM or ILM).
 *
 * <p>Open with {@link io.kubetrail.opensearch.OpenSearchAuditStore#open}.
 */
package io.kubetrail.opensearch;
