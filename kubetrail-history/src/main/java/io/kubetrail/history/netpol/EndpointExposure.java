package io.kubetrail.history.netpol;

import java.util.List;
import java.util.Objects;

/**
 * One pod over a report's interval: a row of Calico's network-access (and inventory) endpoints
 * table. "Protected" holds only when it held at every instant the pod was in scope; the exposures
 * when they held at any such instant.
 *
 * @param serviceAccount the pod's {@code spec.serviceAccountName} when last seen in scope
 * @param appliedPolicies every NetworkPolicy that selected the pod at some instant, {@code
 *     namespace/name}, sorted
 * @param services every Service whose Endpoints or EndpointSlices pointed at the pod at some
 *     instant, {@code namespace/name}, sorted
 */
public record EndpointExposure(
    String namespace,
    String name,
    String serviceAccount,
    boolean ingressProtected,
    boolean egressProtected,
    boolean ingressFromInternet,
    boolean egressToInternet,
    boolean ingressFromOtherNamespace,
    boolean egressToOtherNamespace,
    List<String> appliedPolicies,
    List<String> services) {

  public EndpointExposure {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(serviceAccount, "serviceAccount");
    appliedPolicies = List.copyOf(appliedPolicies);
    services = List.copyOf(services);
  }

  /** {@code namespace/name}. */
  public String endpoint() {
    return namespace + "/" + name;
  }
}
