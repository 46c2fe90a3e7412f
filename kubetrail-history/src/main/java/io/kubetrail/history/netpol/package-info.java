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
 * <p>{@link io.kubetrail.history.netpol.NetworkAccess#overInterval} is that fold done fast, for the
 * network-access and inventory reports: the state at the interval's start, then one walk over the
 * changes in it, evaluating again only the pods each change can affect. It returns an {@link
 * io.kubetrail.history.netpol.ExposureReport}: per in-scope pod ({@link
 * io.kubetrail.history.netpol.EndpointScope}, the GlobalReport's {@code endpoints}) an {@link
 * io.kubetrail.history.netpol.EndpointExposure} (protected throughout, exposed at any time, the
 * policies and Services of any time), per namespace and per Service the same folded over their
 * pods, counts as Calico's summaries have them, and {@link
 * io.kubetrail.history.netpol.ExposureEvidence} of how it was worked out.
 *
 * <p>Calico's {@code projectcalico.org/v3} NetworkPolicies and GlobalNetworkPolicies (and their
 * Tiers) are evaluated in the same pass: a pod one of them applies to is judged by Calico's order
 * of evaluation (tiers, policy order, first matching rule, Pass, the deny at a tier's end), with
 * the Kubernetes policies in the {@code default} tier at order 1000 as Calico places them. Their
 * selectors are in Calico's syntax ({@link io.kubetrail.history.netpol.CalicoSelector}), as is the
 * scope's.
 *
 * <p>Everything public here is API; the parsed policy model and the evaluation are package-private.
 */
package io.kubetrail.history.netpol;
