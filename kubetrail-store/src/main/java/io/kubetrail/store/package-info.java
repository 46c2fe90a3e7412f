/**
 * The durable audit event store: its API and the rules every implementation keeps.
 *
 * <p>An {@link io.kubetrail.store.AuditStore} keeps {@link io.kubetrail.store.StoredEvent stored
 * events} (an audit event with the cluster it came from, its enriched name and the time kubetrail
 * received it). It is:
 *
 * <ul>
 *   <li><b>idempotent</b>: an event's identity is (cluster, auditID, stage,
 *       requestReceivedTimestamp); appending it again stores nothing;
 *   <li><b>crash-safe</b>: a {@link io.kubetrail.store.Batch} and its source checkpoints become
 *       visible together or not at all, and are durable once {@code append} returns;
 *   <li><b>tamper-evident</b>: stored batches form a hash chain that {@link
 *       io.kubetrail.store.AuditStore#verify()} checks;
 *   <li><b>searchable</b>: by {@link io.kubetrail.store.EventQuery}, by object ({@link
 *       io.kubetrail.store.AuditStore#history}) and as an ordered stream of changes for replay
 *       ({@link io.kubetrail.store.AuditStore#scanChanges}), which a long reader may have read
 *       ahead on a thread of its own ({@link io.kubetrail.store.ReadAhead}).
 * </ul>
 *
 * <p>Beside its events, each store keeps its clusters' replay snapshots and checkpoints in a {@link
 * io.kubetrail.store.StateRepository} of its own backend ({@link
 * io.kubetrail.store.AuditStore#states()}), so that replay needs nothing but the store.
 *
 * <p>The embedded implementation lives in {@code io.kubetrail.store.lucene}; open it with {@code
 * LuceneAuditStore.open(Path, StoreOptions)}. Everything public in this package is API.
 */
package io.kubetrail.store;
