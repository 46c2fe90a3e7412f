/**
 * A deterministic simulated Kubernetes cluster that writes kube-apiserver's audit log: a source of
 * realistic {@code audit.k8s.io/v1} event streams for tests, benchmarks and demonstrations, with
 * the cluster state each stream implies.
 *
 * <p>{@link io.kubetrail.simulate.Simulation} steps through requests and knows the true live
 * objects after each ({@link io.kubetrail.simulate.ObjectKey} to JSON body); {@link
 * io.kubetrail.simulate.SnapshotWriter} writes such objects as a {@code kubectl get -o json} List.
 * Everything else here is implementation.
 */
package io.kubetrail.simulate;
