/**
 * The embedded store: an {@link io.kubetrail.store.AuditStore} in a directory, on Apache Lucene.
 *
 * <p>Open it with {@link io.kubetrail.store.lucene.LuceneAuditStore#open}. Every other class here
 * is an implementation detail. On disk it is one Lucene index: a document per event (its indexed
 * fields, its raw JSON stored compressed) and a header document per stored batch that records the
 * batch's link in the hash chain. Each append is one Lucene commit whose user data holds the source
 * checkpoints and the chain head, so they become durable together with the events.
 */
package io.kubetrail.store.lucene;
