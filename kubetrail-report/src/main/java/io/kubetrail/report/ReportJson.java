package io.kubetrail.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubetrail.history.netpol.EndpointExposure;
import io.kubetrail.history.netpol.NamespaceExposure;
import io.kubetrail.history.netpol.ServiceExposure;
import io.kubetrail.report.AuditPolicyReport.CisCheck;
import io.kubetrail.report.AuditPolicyReport.CoverageRow;
import io.kubetrail.report.ChangesReport.ObjectChange;
import io.kubetrail.report.ChangesReport.Write;
import io.kubetrail.report.ComplianceReport.AuditSummary;
import io.kubetrail.report.ComplianceReport.PolicyChange;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** The JSON tree of a report: the one shape the JSON and YAML outputs share. */
final class ReportJson {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private ReportJson() {}

  static ObjectNode tree(Report report) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("reportType", report.type().id());
    if (report instanceof ComplianceReport r) {
      compliance(root, r);
    } else if (report instanceof ChangesReport r) {
      changes(root, r);
    } else if (report instanceof AuditPolicyReport r) {
      auditPolicy(root, r);
    }
    ObjectNode evidence = root.putObject("evidence");
    evidence.put("eventsReplayed", report.evidence().eventsReplayed());
    evidence.put("startedFrom", report.evidence().startedFrom());
    strings(evidence.putArray("warnings"), report.evidence().warnings());
    return root;
  }

  private static void compliance(ObjectNode root, ComplianceReport r) {
    root.put("startTime", r.start().toString());
    root.put("endTime", r.end().toString());
    ArrayNode endpoints = root.putArray("endpoints");
    for (EndpointExposure e : r.endpoints()) {
      ObjectNode n = endpoints.addObject();
      n.put("endpoint", e.endpoint());
      n.put("namespace", e.namespace());
      n.put("serviceAccount", e.serviceAccount());
      n.put("ingressProtected", e.ingressProtected());
      n.put("egressProtected", e.egressProtected());
      n.put("ingressFromInternet", e.ingressFromInternet());
      n.put("egressToInternet", e.egressToInternet());
      n.put("ingressFromOtherNamespace", e.ingressFromOtherNamespace());
      n.put("egressToOtherNamespace", e.egressToOtherNamespace());
      strings(n.putArray("appliedPolicies"), e.appliedPolicies());
      strings(n.putArray("services"), e.services());
    }
    ArrayNode namespaces = root.putArray("namespaces");
    for (NamespaceExposure ns : r.namespaces()) {
      ObjectNode n = namespaces.addObject();
      n.put("namespace", ns.namespace());
      n.put("ingressProtected", ns.ingressProtected());
      n.put("egressProtected", ns.egressProtected());
      n.put("ingressFromInternet", ns.ingressFromInternet());
      n.put("egressToInternet", ns.egressToInternet());
      n.put("ingressFromOtherNamespace", ns.ingressFromOtherNamespace());
      n.put("egressToOtherNamespace", ns.egressToOtherNamespace());
    }
    ArrayNode services = root.putArray("services");
    for (ServiceExposure s : r.services()) {
      ObjectNode n = services.addObject();
      n.put("service", s.service());
      n.put("ingressProtected", s.ingressProtected());
      n.put("ingressFromInternet", s.ingressFromInternet());
      n.put("ingressFromOtherNamespace", s.ingressFromOtherNamespace());
    }
    AuditSummary a = r.auditSummary();
    ObjectNode summary = root.putObject("auditSummary");
    summary.put("numTotal", a.numTotal());
    summary.put("numCreate", a.numCreate());
    summary.put("numModify", a.numModify());
    summary.put("numDelete", a.numDelete());
    root.set("auditEvents", auditEvents(r.auditEvents()));
    if (r.type() == ReportType.POLICY_AUDIT) {
      ArrayNode changes = root.putArray("policyChanges");
      for (PolicyChange c : r.auditEvents()) {
        ObjectNode n = changes.addObject();
        n.put("time", c.time().toString());
        n.put("user", c.user());
        n.put("verb", c.verb());
        n.put("resource", c.resource());
        n.put("namespace", c.namespace());
        n.put("name", c.name());
        n.put("diff", c.diff());
      }
    }
  }

  /** The stored audit events, as Calico's {@code events.json} has them. */
  static ArrayNode auditEvents(List<PolicyChange> changes) {
    ArrayNode events = MAPPER.createArrayNode();
    for (PolicyChange c : changes) {
      events.add(parse(c.event()));
    }
    return events;
  }

  private static void changes(ObjectNode root, ChangesReport r) {
    root.put("startTime", r.start().toString());
    root.put("endTime", r.end().toString());
    ArrayNode objects = root.putArray("objects");
    for (ObjectChange c : r.objects()) {
      ObjectNode n = objects.addObject();
      n.put("resource", c.resource());
      n.put("namespace", c.namespace());
      n.put("name", c.name());
      n.put("change", c.change().id());
      ArrayNode writes = n.putArray("writes");
      for (Write w : c.writes()) {
        ObjectNode wn = writes.addObject();
        wn.put("time", w.time().toString());
        wn.put("verb", w.verb());
        wn.put("subresource", w.subresource());
        wn.put("user", w.user());
        wn.put("auditID", w.auditID());
      }
      n.put("diff", c.diff());
    }
  }

  private static void auditPolicy(ObjectNode root, AuditPolicyReport r) {
    root.put("policy", r.policy());
    strings(root.putArray("policyWarnings"), r.policyWarnings());
    ArrayNode checks = root.putArray("checks");
    for (CisCheck c : r.checks()) {
      ObjectNode n = checks.addObject();
      n.put("id", c.id());
      n.put("title", c.title());
      n.put("result", c.passed() ? "pass" : "fail");
      strings(n.putArray("findings"), c.findings());
    }
    ArrayNode coverage = root.putArray("coverage");
    for (CoverageRow c : r.coverage()) {
      ObjectNode n = coverage.addObject();
      n.put("resource", c.resource());
      n.put("verb", c.verb());
      n.put("level", c.level());
      n.put("rule", c.rule());
      n.put("sufficient", c.sufficient());
    }
  }

  private static void strings(ArrayNode array, List<String> values) {
    values.forEach(array::add);
  }

  private static JsonNode parse(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
