/**
 * NetworkPolicy evaluation: which policies select each pod at one instant, and the pod's exposure
 * flags as the design's "Exposure" defines them, for the network-access report.
 *
 * <p>{@link io.kubetrail.history.netpol.NetworkAccess#evaluate} takes the live objects of one
 * cluster state (pods, namespaces, and networkpolicies whether written through {@code
 * networking.k8s.io/v1} or {@code extensions/v1beta1}) and returns one {@link
 * io.kubetrail.history.netpol.PodExposure} per pod. It is a pure function: a report over an
 * interval calls it per instant and folds the answers with {@link
 * io.kubetrail.history.netpol.PodExposure#combine}. A policy body the API server would have refused
 * raises {@link io.kubetrail.history.netpol.NetworkPolicyException}, naming the object and field.
 *
 * <p>Everything public here is API; the parsed policy model and the evaluation are package-private.
 */
package io.kubetrail.history.netpol;
