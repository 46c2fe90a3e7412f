/**
 * Cluster state at any time, and the history of each object, rebuilt from audit events.
 *
 * <p>{@link io.kubetrail.history.Replayer} applies audit changes to a state by the rules of the
 * design's "State at T"; {@link io.kubetrail.history.ClusterState} is the result, a set of {@link
 * io.kubetrail.history.LiveObject}s keyed by {@link io.kubetrail.history.ResourceKey}. {@link
 * io.kubetrail.history.EventKind} tells changes from failed, dry-run and other events.
 *
 * <p>Everything public here is API; other classes are implementation details.
 */
package io.kubetrail.history;
