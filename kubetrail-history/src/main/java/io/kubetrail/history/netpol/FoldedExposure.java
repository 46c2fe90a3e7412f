package io.kubetrail.history.netpol;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** One pod's flags folded over the instants it was in scope. */
final class FoldedExposure {
  final String namespace;
  final String name;
  String serviceAccount = "";
  boolean seen;
  boolean ingressProtected;
  boolean egressProtected;
  boolean ingressFromInternet;
  boolean egressToInternet;
  boolean ingressFromOtherNamespace;
  boolean egressToOtherNamespace;
  final Set<String> policies = new TreeSet<>();
  final Set<String> services = new TreeSet<>();

  FoldedExposure(String namespace, String name) {
    this.namespace = namespace;
    this.name = name;
  }

  void fold(PodExposure e, String account, Set<String> servicesNow) {
    ingressProtected = (ingressProtected || !seen) && e.ingressProtected();
    egressProtected = (egressProtected || !seen) && e.egressProtected();
    ingressFromInternet |= e.ingressFromInternet();
    egressToInternet |= e.egressToInternet();
    ingressFromOtherNamespace |= e.ingressFromOtherNamespace();
    egressToOtherNamespace |= e.egressToOtherNamespace();
    policies.addAll(e.appliedPolicies());
    services.addAll(servicesNow);
    serviceAccount = account;
    seen = true;
  }

  EndpointExposure exposure() {
    return new EndpointExposure(
        namespace,
        name,
        serviceAccount,
        ingressProtected,
        egressProtected,
        ingressFromInternet,
        egressToInternet,
        ingressFromOtherNamespace,
        egressToOtherNamespace,
        List.copyOf(policies),
        List.copyOf(services));
  }
}
