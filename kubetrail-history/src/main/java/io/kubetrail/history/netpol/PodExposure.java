package io.kubetrail.history.netpol;

import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * How reachable one pod is, by the design's "Exposure" rules, at one instant or (after {@link
 * #combine}) over an interval. The names are those of Calico's network-access report columns.
 *
 * @param pod {@code namespace/name}
 * @param appliedPolicies the NetworkPolicies that select the pod, as {@code namespace/name}, sorted
 * @param ingressProtected some selecting policy has Ingress in its policyTypes
 * @param egressProtected some selecting policy has Egress in its policyTypes
 * @param ingressFromInternet not ingress-protected, or an ingress rule of a selecting policy admits
 *     every source or an ipBlock not wholly inside private ranges
 * @param egressToInternet the same for egress rules and their destinations
 * @param ingressFromOtherNamespace not ingress-protected, or an ingress rule admits every source or
 *     a peer whose namespaceSelector reaches another namespace
 * @param egressToOtherNamespace the same for egress rules and their destinations
 */
public record PodExposure(
    String pod,
    List<String> appliedPolicies,
    boolean ingressProtected,
    boolean egressProtected,
    boolean ingressFromInternet,
    boolean egressToInternet,
    boolean ingressFromOtherNamespace,
    boolean egressToOtherNamespace) {

  public PodExposure {
    Objects.requireNonNull(pod, "pod");
    appliedPolicies = List.copyOf(new TreeSet<>(appliedPolicies));
  }

  /**
   * The exposure over an interval that holds both this and {@code other}: protected only when
   * protected in both, exposed when exposed in either, and every policy applied in either.
   *
   * @throws IllegalArgumentException when {@code other} is about another pod
   */
  public PodExposure combine(PodExposure other) {
    if (!pod.equals(other.pod)) {
      throw new IllegalArgumentException(
          "cannot combine the exposure of " + pod + " with that of " + other.pod);
    }
    TreeSet<String> policies = new TreeSet<>(appliedPolicies);
    policies.addAll(other.appliedPolicies);
    return new PodExposure(
        pod,
        List.copyOf(policies),
        ingressProtected && other.ingressProtected,
        egressProtected && other.egressProtected,
        ingressFromInternet || other.ingressFromInternet,
        egressToInternet || other.egressToInternet,
        ingressFromOtherNamespace || other.ingressFromOtherNamespace,
        egressToOtherNamespace || other.egressToOtherNamespace);
  }
}
