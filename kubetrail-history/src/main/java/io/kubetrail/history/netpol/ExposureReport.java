package io.kubetrail.history.netpol;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The network-access and inventory reports' data over one interval: every pod in scope at any
 * instant of it, the namespaces and Services of those pods, counts, and how it was worked out.
 *
 * @param endpoints sorted by namespace and name
 * @param namespaces the namespaces of the in-scope pods, sorted
 * @param services the Services that pointed at in-scope pods, sorted
 * @param serviceAccounts how many service accounts ({@code namespace/name}) the in-scope pods ran
 *     as
 */
public record ExposureReport(
    EndpointScope scope,
    List<EndpointExposure> endpoints,
    List<NamespaceExposure> namespaces,
    List<ServiceExposure> services,
    FlagCounts endpointCounts,
    FlagCounts namespaceCounts,
    FlagCounts serviceCounts,
    int serviceAccounts,
    ExposureEvidence evidence) {

  public ExposureReport {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(endpointCounts, "endpointCounts");
    Objects.requireNonNull(namespaceCounts, "namespaceCounts");
    Objects.requireNonNull(serviceCounts, "serviceCounts");
    Objects.requireNonNull(evidence, "evidence");
    endpoints = List.copyOf(endpoints);
    namespaces = List.copyOf(namespaces);
    services = List.copyOf(services);
  }

  /** The report of these pods: namespaces, Services and counts follow from them. */
  static ExposureReport of(
      EndpointScope scope, List<EndpointExposure> endpoints, ExposureEvidence evidence) {
    Map<String, NamespaceExposure> namespaces = new TreeMap<>();
    Map<String, ServiceExposure> services = new TreeMap<>();
    Set<String> accounts = new HashSet<>();
    for (EndpointExposure e : endpoints) {
      namespaces.merge(e.namespace(), namespaceOf(e), ExposureReport::both);
      for (String s : e.services()) {
        services.merge(s, serviceOf(s, e), ExposureReport::both);
      }
      accounts.add(e.namespace() + "/" + e.serviceAccount());
    }
    return new ExposureReport(
        scope,
        endpoints,
        new ArrayList<>(namespaces.values()),
        new ArrayList<>(services.values()),
        endpointCounts(endpoints),
        namespaceCounts(namespaces.values()),
        serviceCounts(services.values()),
        accounts.size(),
        evidence);
  }

  private static NamespaceExposure namespaceOf(EndpointExposure e) {
    return new NamespaceExposure(
        e.namespace(),
        e.ingressProtected(),
        e.egressProtected(),
        e.ingressFromInternet(),
        e.egressToInternet(),
        e.ingressFromOtherNamespace(),
        e.egressToOtherNamespace());
  }

  private static ServiceExposure serviceOf(String service, EndpointExposure e) {
    return new ServiceExposure(
        service, e.ingressProtected(), e.ingressFromInternet(), e.ingressFromOtherNamespace());
  }

  /** A namespace is protected when all its pods are, exposed when any is. */
  private static NamespaceExposure both(NamespaceExposure a, NamespaceExposure b) {
    return new NamespaceExposure(
        a.namespace(),
        a.ingressProtected() && b.ingressProtected(),
        a.egressProtected() && b.egressProtected(),
        a.ingressFromInternet() || b.ingressFromInternet(),
        a.egressToInternet() || b.egressToInternet(),
        a.ingressFromOtherNamespace() || b.ingressFromOtherNamespace(),
        a.egressToOtherNamespace() || b.egressToOtherNamespace());
  }

  private static ServiceExposure both(ServiceExposure a, ServiceExposure b) {
    return new ServiceExposure(
        a.service(),
        a.ingressProtected() && b.ingressProtected(),
        a.ingressFromInternet() || b.ingressFromInternet(),
        a.ingressFromOtherNamespace() || b.ingressFromOtherNamespace());
  }

  private static FlagCounts endpointCounts(List<EndpointExposure> rows) {
    int[] n = new int[6];
    for (EndpointExposure e : rows) {
      count(
          n,
          e.ingressProtected(),
          e.egressProtected(),
          e.ingressFromInternet(),
          e.egressToInternet(),
          e.ingressFromOtherNamespace(),
          e.egressToOtherNamespace());
    }
    return counts(rows.size(), n);
  }

  private static FlagCounts namespaceCounts(Iterable<NamespaceExposure> rows) {
    int[] n = new int[6];
    int total = 0;
    for (NamespaceExposure e : rows) {
      total++;
      count(
          n,
          e.ingressProtected(),
          e.egressProtected(),
          e.ingressFromInternet(),
          e.egressToInternet(),
          e.ingressFromOtherNamespace(),
          e.egressToOtherNamespace());
    }
    return counts(total, n);
  }

  private static FlagCounts serviceCounts(Iterable<ServiceExposure> rows) {
    int[] n = new int[6];
    int total = 0;
    for (ServiceExposure e : rows) {
      total++;
      count(
          n,
          e.ingressProtected(),
          false,
          e.ingressFromInternet(),
          false,
          e.ingressFromOtherNamespace(),
          false);
    }
    return counts(total, n);
  }

  private static void count(int[] n, boolean... flags) {
    for (int i = 0; i < flags.length; i++) {
      n[i] += flags[i] ? 1 : 0;
    }
  }

  private static FlagCounts counts(int total, int[] n) {
    return new FlagCounts(total, n[0], n[1], n[2], n[3], n[4], n[5]);
  }
}
