package io.kubetrail.report;

import io.kubetrail.history.netpol.PodExposure;
import io.kubetrail.report.ComplianceReport.AuditSummary;
import io.kubetrail.report.ComplianceReport.EndpointRow;
import io.kubetrail.report.ComplianceReport.NamespaceRow;
import io.kubetrail.report.ComplianceReport.ServiceRow;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@code inventory} and {@code network-access} reports: endpoint rows from the pods' exposure
 * over the interval, and the namespace and service rows folded from them (protected when every
 * in-scope pod is, exposed when any is).
 */
final class EndpointReporter {
  private EndpointReporter() {}

  static ComplianceReport report(ReportSource source, ReportSpec spec) throws IOException {
    ExposureOverInterval exposure = exposure(spec.scope());
    Interval interval = Interval.replay(source, spec.start(), spec.end(), exposure);
    EndpointData data = exposure.finish(interval);
    List<EndpointRow> endpoints = endpointRows(data);
    return new ComplianceReport(
        spec.type(),
        spec.start(),
        spec.end(),
        spec.scope(),
        endpoints,
        namespaceRows(endpoints),
        serviceRows(endpoints),
        AuditSummary.EMPTY,
        List.of(),
        interval.evidence());
  }

  /** Where the per-pod exposure over the interval comes from. */
  static ExposureOverInterval exposure(Scope scope) {
    return new SampledExposure(scope);
  }

  static List<EndpointRow> endpointRows(EndpointData data) {
    List<EndpointRow> rows = new ArrayList<>();
    for (PodExposure x : new TreeMap<>(data.exposures()).values()) {
      String pod = x.pod();
      rows.add(
          new EndpointRow(
              pod,
              pod.substring(0, pod.indexOf('/')),
              data.serviceAccounts().getOrDefault(pod, ""),
              x.ingressProtected(),
              x.egressProtected(),
              x.ingressFromInternet(),
              x.egressToInternet(),
              x.ingressFromOtherNamespace(),
              x.egressToOtherNamespace(),
              x.appliedPolicies(),
              List.copyOf(data.services().getOrDefault(pod, Set.of()))));
    }
    return rows;
  }

  static List<NamespaceRow> namespaceRows(List<EndpointRow> endpoints) {
    Map<String, NamespaceRow> rows = new TreeMap<>();
    for (EndpointRow e : endpoints) {
      NamespaceRow r =
          new NamespaceRow(
              e.namespace(),
              e.ingressProtected(),
              e.egressProtected(),
              e.ingressFromInternet(),
              e.egressToInternet(),
              e.ingressFromOtherNamespace(),
              e.egressToOtherNamespace());
      rows.merge(
          e.namespace(),
          r,
          (a, b) ->
              new NamespaceRow(
                  a.namespace(),
                  a.ingressProtected() && b.ingressProtected(),
                  a.egressProtected() && b.egressProtected(),
                  a.ingressFromInternet() || b.ingressFromInternet(),
                  a.egressToInternet() || b.egressToInternet(),
                  a.ingressFromOtherNamespace() || b.ingressFromOtherNamespace(),
                  a.egressToOtherNamespace() || b.egressToOtherNamespace()));
    }
    return List.copyOf(rows.values());
  }

  static List<ServiceRow> serviceRows(List<EndpointRow> endpoints) {
    Map<String, ServiceRow> rows = new TreeMap<>();
    for (EndpointRow e : endpoints) {
      for (String service : e.services()) {
        ServiceRow r =
            new ServiceRow(
                service,
                e.ingressProtected(),
                e.ingressFromInternet(),
                e.ingressFromOtherNamespace());
        rows.merge(
            service,
            r,
            (a, b) ->
                new ServiceRow(
                    a.service(),
                    a.ingressProtected() && b.ingressProtected(),
                    a.ingressFromInternet() || b.ingressFromInternet(),
                    a.ingressFromOtherNamespace() || b.ingressFromOtherNamespace()));
      }
    }
    return List.copyOf(rows.values());
  }
}
