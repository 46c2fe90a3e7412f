/**
 * Reading the store the way people ask for it, the same in the command line and the HTTP API:
 * filters given as text ({@link io.kubetrail.store.search.QueryText}), the cluster a question is
 * about when none is named ({@link io.kubetrail.store.search.Clusters}), results one line per
 * request at its latest stage with an opaque cursor ({@link
 * io.kubetrail.store.search.RequestPager}) and the row a table or a timeline shows of an event
 * ({@link io.kubetrail.store.search.EventRow}).
 */
package io.kubetrail.store.search;
