/**
 * Cluster state at any time, and the history of each object, rebuilt from audit events.
 *
 * <p>{@link io.kubetrail.history.Replayer} applies audit changes to a state by the rules of the
 * design's "State at T"; {@link io.kubetrail.history.ClusterState} is the result, a set of {@link
 * io.kubetrail.history.LiveObject}s keyed by {@link io.kubetrail.history.ResourceKey}. {@link
 * io.kubetrail.history.EventKind} tells changes from failed, dry-run and other events. Resources
 * served under two API groups are keyed by one ({@link
 * io.kubetrail.history.ResourceType#canonical()}). {@link io.kubetrail.history.LabelSelector}
 * matches labels for replay and for {@code io.kubetrail.history.netpol}, which evaluates
 * NetworkPolicies on a state. {@link io.kubetrail.history.StateHistory#walk} follows a cluster
 * through an interval, object by object, for reports that fold what held at every instant of it.
 *
 * <p>Everything public here is API; other classes are implementation details.
 */
package io.kubetrail.history;
