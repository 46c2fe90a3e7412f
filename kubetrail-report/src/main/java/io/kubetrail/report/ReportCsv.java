package io.kubetrail.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.kubetrail.history.KubectlYaml;
import io.kubetrail.history.netpol.EndpointExposure;
import io.kubetrail.history.netpol.EndpointScope;
import io.kubetrail.history.netpol.NamespaceExposure;
import io.kubetrail.history.netpol.ServiceExposure;
import io.kubetrail.report.AuditPolicyReport.CisCheck;
import io.kubetrail.report.AuditPolicyReport.CoverageRow;
import io.kubetrail.report.ChangesReport.ObjectChange;
import io.kubetrail.store.search.CsvText;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The CSV downloads of a report, by file name. The endpoint-data reports use the file names and
 * columns of Calico's built-in report types ({@code inventory}, {@code network-access}, {@code
 * policy-audit}), so that what read Calico's downloads reads these; envoy and flow-log columns,
 * which audit logs cannot tell, are {@code false} and empty.
 */
final class ReportCsv {
  static final List<String> SCOPE_COLUMNS =
      List.of(
          "startTime",
          "endTime",
          "endpointSelector",
          "namespaceNames",
          "namespaceSelector",
          "serviceAccountNames",
          "serviceAccountSelectors");

  static final List<String> INVENTORY_SUMMARY =
      concat(
          SCOPE_COLUMNS,
          "endpointsNumInScope",
          "endpointsNumIngressProtected",
          "endpointsNumEgressProtected",
          "namespacesNumInScope",
          "namespacesNumIngressProtected",
          "namespacesNumEgressProtected",
          "serviceAccountsNumInScope");
  static final List<String> INVENTORY_ENDPOINTS =
      List.of(
          "endpoint",
          "ingressProtected",
          "egressProtected",
          "envoyEnabled",
          "appliedPolicies",
          "services");
  static final List<String> INVENTORY_NAMESPACES =
      List.of("namespace", "ingressProtected", "egressProtected", "envoyEnabled");
  static final List<String> INVENTORY_SERVICES =
      List.of("service", "ingressProtected", "envoyEnabled");

  static final List<String> NETWORK_ACCESS_SUMMARY =
      concat(
          SCOPE_COLUMNS,
          "endpointsNumIngressProtected",
          "endpointsNumEgressProtected",
          "endpointsNumIngressUnprotected",
          "endpointsNumEgressUnprotected",
          "endpointsNumIngressFromInternet",
          "endpointsNumEgressToInternet",
          "endpointsNumIngressFromOtherNamespace",
          "endpointsNumEgressToOtherNamespace",
          "endpointsNumEnvoyEnabled");
  static final List<String> NETWORK_ACCESS_ENDPOINTS =
      List.of(
          "endpoint",
          "ingressProtected",
          "egressProtected",
          "ingressFromInternet",
          "egressToInternet",
          "ingressFromOtherNamespace",
          "egressToOtherNamespace",
          "envoyEnabled",
          "appliedPolicies",
          "trafficAggregationPrefix",
          "endpointsGeneratingTrafficToThisEndpoint",
          "endpointsReceivingTrafficFromThisEndpoint");

  static final List<String> POLICY_AUDIT_SUMMARY =
      concat(SCOPE_COLUMNS, "numCreatedPolicies", "numModifiedPolicies", "numDeletedPolicies");

  static final List<String> CHANGES =
      List.of("resource", "namespace", "name", "change", "writes", "users", "lastWrite");
  static final List<String> CHECKS = List.of("id", "title", "result", "findings");
  static final List<String> COVERAGE = List.of("resource", "verb", "level", "rule", "sufficient");

  private ReportCsv() {}

  /** The files of a report, in the order to list them. */
  static Map<String, String> files(Report report) {
    Map<String, String> files = new LinkedHashMap<>();
    if (report instanceof ComplianceReport r) {
      compliance(r, files);
    } else if (report instanceof ChangesReport r) {
      files.put("changes.csv", changes(r));
    } else if (report instanceof AuditPolicyReport r) {
      files.put("checks.csv", checks(r));
      files.put("coverage.csv", coverage(r));
    }
    return files;
  }

  private static void compliance(ComplianceReport r, Map<String, String> files) {
    switch (r.type()) {
      case INVENTORY -> {
        files.put("summary.csv", CsvText.table(INVENTORY_SUMMARY, List.of(inventorySummary(r))));
        files.put("endpoints.csv", CsvText.table(INVENTORY_ENDPOINTS, inventoryEndpoints(r)));
        List<List<String>> ns = new ArrayList<>();
        for (NamespaceExposure n : r.namespaces()) {
          ns.add(List.of(n.namespace(), b(n.ingressProtected()), b(n.egressProtected()), "false"));
        }
        files.put("namespaces.csv", CsvText.table(INVENTORY_NAMESPACES, ns));
        List<List<String>> svc = new ArrayList<>();
        for (ServiceExposure s : r.services()) {
          svc.add(List.of(s.service(), b(s.ingressProtected()), "false"));
        }
        files.put("services.csv", CsvText.table(INVENTORY_SERVICES, svc));
      }
      case NETWORK_ACCESS -> {
        files.put("summary.csv", CsvText.table(NETWORK_ACCESS_SUMMARY, List.of(networkSummary(r))));
        files.put("endpoints.csv", CsvText.table(NETWORK_ACCESS_ENDPOINTS, networkEndpoints(r)));
      }
      default -> {
        List<String> row = scope(r);
        row.add(Integer.toString(r.auditSummary().numCreate()));
        row.add(Integer.toString(r.auditSummary().numModify()));
        row.add(Integer.toString(r.auditSummary().numDelete()));
        files.put("summary.csv", CsvText.table(POLICY_AUDIT_SUMMARY, List.of(row)));
        files.put("events.json", ReportJson.auditEvents(r.auditEvents()).toPrettyString() + "\n");
        files.put("events.yaml", yaml(r));
      }
    }
  }

  private static String yaml(ComplianceReport r) {
    try {
      return KubectlYaml.mapper().writeValueAsString(ReportJson.auditEvents(r.auditEvents()));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> scope(ComplianceReport r) {
    EndpointScope s = r.scope();
    List<String> row = new ArrayList<>();
    row.add(r.start().toString());
    row.add(r.end().toString());
    row.add(s.selector().text());
    row.add(String.join(";", s.namespaceNames()));
    row.add(s.namespaceSelector().text());
    row.add(String.join(";", s.serviceAccountNames()));
    row.add(s.serviceAccountSelector().text());
    return row;
  }

  private static List<String> inventorySummary(ComplianceReport r) {
    List<String> row = scope(r);
    List<EndpointExposure> e = r.endpoints();
    row.add(n(e.size()));
    row.add(n(e.stream().filter(EndpointExposure::ingressProtected).count()));
    row.add(n(e.stream().filter(EndpointExposure::egressProtected).count()));
    row.add(n(r.namespaces().size()));
    row.add(n(r.namespaces().stream().filter(NamespaceExposure::ingressProtected).count()));
    row.add(n(r.namespaces().stream().filter(NamespaceExposure::egressProtected).count()));
    Set<String> accounts = new TreeSet<>();
    e.forEach(x -> accounts.add(x.namespace() + "/" + x.serviceAccount()));
    row.add(n(accounts.size()));
    return row;
  }

  private static List<String> networkSummary(ComplianceReport r) {
    List<String> row = scope(r);
    List<EndpointExposure> e = r.endpoints();
    long in = e.stream().filter(EndpointExposure::ingressProtected).count();
    long out = e.stream().filter(EndpointExposure::egressProtected).count();
    row.add(n(in));
    row.add(n(out));
    row.add(n(e.size() - in));
    row.add(n(e.size() - out));
    row.add(n(e.stream().filter(EndpointExposure::ingressFromInternet).count()));
    row.add(n(e.stream().filter(EndpointExposure::egressToInternet).count()));
    row.add(n(e.stream().filter(EndpointExposure::ingressFromOtherNamespace).count()));
    row.add(n(e.stream().filter(EndpointExposure::egressToOtherNamespace).count()));
    row.add("0");
    return row;
  }

  private static List<List<String>> inventoryEndpoints(ComplianceReport r) {
    List<List<String>> rows = new ArrayList<>();
    for (EndpointExposure e : r.endpoints()) {
      rows.add(
          List.of(
              e.endpoint(),
              b(e.ingressProtected()),
              b(e.egressProtected()),
              "false",
              String.join(";", e.appliedPolicies()),
              String.join(";", e.services())));
    }
    return rows;
  }

  private static List<List<String>> networkEndpoints(ComplianceReport r) {
    List<List<String>> rows = new ArrayList<>();
    for (EndpointExposure e : r.endpoints()) {
      rows.add(
          List.of(
              e.endpoint(),
              b(e.ingressProtected()),
              b(e.egressProtected()),
              b(e.ingressFromInternet()),
              b(e.egressToInternet()),
              b(e.ingressFromOtherNamespace()),
              b(e.egressToOtherNamespace()),
              "false",
              String.join(";", e.appliedPolicies()),
              "",
              "",
              ""));
    }
    return rows;
  }

  private static String changes(ChangesReport r) {
    List<List<String>> rows = new ArrayList<>();
    for (ObjectChange c : r.objects()) {
      Set<String> users = new LinkedHashSet<>();
      c.writes().forEach(w -> users.add(w.user()));
      String last =
          c.writes().isEmpty() ? "" : c.writes().get(c.writes().size() - 1).time().toString();
      rows.add(
          List.of(
              c.resource(),
              c.namespace(),
              c.name(),
              c.change().id(),
              n(c.writes().size()),
              String.join(";", users),
              last));
    }
    return CsvText.table(CHANGES, rows);
  }

  private static String checks(AuditPolicyReport r) {
    List<List<String>> rows = new ArrayList<>();
    for (CisCheck c : r.checks()) {
      rows.add(
          List.of(c.id(), c.title(), c.passed() ? "pass" : "fail", String.join(";", c.findings())));
    }
    return CsvText.table(CHECKS, rows);
  }

  private static String coverage(AuditPolicyReport r) {
    List<List<String>> rows = new ArrayList<>();
    for (CoverageRow c : r.coverage()) {
      rows.add(List.of(c.resource(), c.verb(), c.level(), c.rule(), b(c.sufficient())));
    }
    return CsvText.table(COVERAGE, rows);
  }

  private static String b(boolean v) {
    return Boolean.toString(v);
  }

  private static String n(long v) {
    return Long.toString(v);
  }

  private static List<String> concat(List<String> first, String... more) {
    List<String> all = new ArrayList<>(first);
    all.addAll(List.of(more));
    return List.copyOf(all);
  }
}
