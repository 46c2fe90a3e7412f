package io.kubetrail.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
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

/**
 * The shape of a report that the JSON and YAML outputs share, written field by field into a
 * generator: a report of many objects is written as it is read, never held twice.
 */
final class ReportJson {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private ReportJson() {}

  static void write(Report report, JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeStringField("reportType", report.type().id());
    if (report instanceof ComplianceReport r) {
      compliance(g, r);
    } else if (report instanceof ChangesReport r) {
      changes(g, r);
    } else if (report instanceof AuditPolicyReport r) {
      auditPolicy(g, r);
    }
    g.writeObjectFieldStart("evidence");
    g.writeNumberField("eventsReplayed", report.evidence().eventsReplayed());
    g.writeStringField("startedFrom", report.evidence().startedFrom());
    strings(g, "warnings", report.evidence().warnings());
    g.writeEndObject();
    g.writeEndObject();
  }

  private static void compliance(JsonGenerator g, ComplianceReport r) throws IOException {
    g.writeStringField("startTime", r.start().toString());
    g.writeStringField("endTime", r.end().toString());
    g.writeArrayFieldStart("endpoints");
    for (EndpointExposure e : r.endpoints()) {
      g.writeStartObject();
      g.writeStringField("endpoint", e.endpoint());
      g.writeStringField("namespace", e.namespace());
      g.writeStringField("serviceAccount", e.serviceAccount());
      g.writeBooleanField("ingressProtected", e.ingressProtected());
      g.writeBooleanField("egressProtected", e.egressProtected());
      g.writeBooleanField("ingressFromInternet", e.ingressFromInternet());
      g.writeBooleanField("egressToInternet", e.egressToInternet());
      g.writeBooleanField("ingressFromOtherNamespace", e.ingressFromOtherNamespace());
      g.writeBooleanField("egressToOtherNamespace", e.egressToOtherNamespace());
      strings(g, "appliedPolicies", e.appliedPolicies());
      strings(g, "services", e.services());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("namespaces");
    for (NamespaceExposure ns : r.namespaces()) {
      g.writeStartObject();
      g.writeStringField("namespace", ns.namespace());
      g.writeBooleanField("ingressProtected", ns.ingressProtected());
      g.writeBooleanField("egressProtected", ns.egressProtected());
      g.writeBooleanField("ingressFromInternet", ns.ingressFromInternet());
      g.writeBooleanField("egressToInternet", ns.egressToInternet());
      g.writeBooleanField("ingressFromOtherNamespace", ns.ingressFromOtherNamespace());
      g.writeBooleanField("egressToOtherNamespace", ns.egressToOtherNamespace());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("services");
    for (ServiceExposure s : r.services()) {
      g.writeStartObject();
      g.writeStringField("service", s.service());
      g.writeBooleanField("ingressProtected", s.ingressProtected());
      g.writeBooleanField("ingressFromInternet", s.ingressFromInternet());
      g.writeBooleanField("ingressFromOtherNamespace", s.ingressFromOtherNamespace());
      g.writeEndObject();
    }
    g.writeEndArray();
    AuditSummary a = r.auditSummary();
    g.writeObjectFieldStart("auditSummary");
    g.writeNumberField("numTotal", a.numTotal());
    g.writeNumberField("numCreate", a.numCreate());
    g.writeNumberField("numModify", a.numModify());
    g.writeNumberField("numDelete", a.numDelete());
    g.writeEndObject();
    g.writeArrayFieldStart("auditEvents");
    for (PolicyChange c : r.auditEvents()) {
      g.writeTree(parse(c.event()));
    }
    g.writeEndArray();
    if (r.type() == ReportType.POLICY_AUDIT) {
      g.writeArrayFieldStart("policyChanges");
      for (PolicyChange c : r.auditEvents()) {
        g.writeStartObject();
        g.writeStringField("time", c.time().toString());
        g.writeStringField("user", c.user());
        g.writeStringField("verb", c.verb());
        g.writeStringField("resource", c.resource());
        g.writeStringField("namespace", c.namespace());
        g.writeStringField("name", c.name());
        g.writeStringField("diff", c.diff());
        g.writeEndObject();
      }
      g.writeEndArray();
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

  private static void changes(JsonGenerator g, ChangesReport r) throws IOException {
    g.writeStringField("startTime", r.start().toString());
    g.writeStringField("endTime", r.end().toString());
    g.writeArrayFieldStart("objects");
    for (ObjectChange c : r.objects()) {
      g.writeStartObject();
      g.writeStringField("resource", c.resource());
      g.writeStringField("namespace", c.namespace());
      g.writeStringField("name", c.name());
      g.writeStringField("change", c.change().id());
      g.writeArrayFieldStart("writes");
      for (Write w : c.writes()) {
        g.writeStartObject();
        g.writeStringField("time", w.time().toString());
        g.writeStringField("verb", w.verb());
        g.writeStringField("subresource", w.subresource());
        g.writeStringField("user", w.user());
        g.writeStringField("auditID", w.auditID());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeStringField("diff", c.diff());
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private static void auditPolicy(JsonGenerator g, AuditPolicyReport r) throws IOException {
    g.writeStringField("policy", r.policy());
    strings(g, "policyWarnings", r.policyWarnings());
    g.writeArrayFieldStart("checks");
    for (CisCheck c : r.checks()) {
      g.writeStartObject();
      g.writeStringField("id", c.id());
      g.writeStringField("title", c.title());
      g.writeStringField("result", c.passed() ? "pass" : "fail");
      strings(g, "findings", c.findings());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("coverage");
    for (CoverageRow c : r.coverage()) {
      g.writeStartObject();
      g.writeStringField("resource", c.resource());
      g.writeStringField("verb", c.verb());
      g.writeStringField("level", c.level());
      g.writeStringField("rule", c.rule());
      g.writeBooleanField("sufficient", c.sufficient());
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private static void strings(JsonGenerator g, String field, List<String> values)
      throws IOException {
    g.writeArrayFieldStart(field);
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }

  private static JsonNode parse(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
