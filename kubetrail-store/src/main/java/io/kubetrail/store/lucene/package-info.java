/**
 * The embedded store: an {@link io.kubetrail.store.AuditStore} in a directory, on Apache Lucene.
 *
 * <p>Open it with {@link io.kubetrail.store.lucene.LuceneAuditStore#open}. Every other class here
 * is an implementation detail. On disk the events are in append-only block files ({@link
 * io.kubetrail.store.lucene.BlockFiles}) and beside them is one Lucene index: a document per event
 * (the fields searches filter on, and the event's place in the block files) and a header document
 * per stored batch that records the batch's link in the hash chain. {@code LuceneStore} opens a
 * store; its {@code Appender} appends and (with {@code Pruner}) prunes, {@code Searches} answers
 * queries and {@code Verifier} checks everything.
 */
package io.kubetrail.store.lucene;
