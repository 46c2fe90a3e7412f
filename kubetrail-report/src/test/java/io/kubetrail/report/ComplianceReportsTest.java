package io.kubetrail.report;

import static io.kubetrail.report.ChangesReportTest.fields;
import static io.kubetrail.report.ChangesReportTest.json;
import static io.kubetrail.report.TestCluster.denyIngress;
import static io.kubetrail.report.TestCluster.endpoints;
import static io.kubetrail.report.TestCluster.namespace;
import static io.kubetrail.report.TestCluster.pod;
import static io.kubetrail.report.TestCluster.t;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubetrail.history.netpol.EndpointExposure;
import io.kubetrail.history.netpol.EndpointScope;
import io.kubetrail.history.netpol.NamespaceExposure;
import io.kubetrail.history.netpol.ServiceExposure;
import io.kubetrail.policy.LoadedPolicy;
import io.kubetrail.policy.PolicyLoader;
import io.kubetrail.report.ComplianceReport.AuditSummary;
import io.kubetrail.report.ComplianceReport.PolicyChange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inventory, network-access and policy-audit reports on one hand-made history. */
class ComplianceReportsTest {
  @TempDir Path dir;
  TestCluster cluster;

  @BeforeEach
  void history() throws IOException {
    ObjectNode tighter = denyIngress("networking.k8s.io/v1", "shop", "deny-db", "db");
    tighter.withObject("/spec").withArray("policyTypes").add("Egress");
    cluster = TestCluster.open(dir);
    cluster
        .create(10, "admin", namespace("shop", Map.of("team", "shop")))
        .create(11, "admin", namespace("ops", Map.of("team", "ops")))
        .create(20, "alice", pod("shop", "web", Map.of("app", "web")))
        .create(21, "alice", pod("shop", "db", Map.of("app", "db")))
        .create(22, "alice", pod("ops", "tool", Map.of("app", "tool")))
        .create(30, "alice", denyIngress("networking.k8s.io/v1", "shop", "deny-db", "db"))
        .create(40, "system:endpoint-controller", endpoints("shop", "web-svc", "web"))
        // The interval: (100, 200]. A policy for web arrives halfway, through extensions.
        .create(150, "bob", denyIngress("extensions/v1beta1", "shop", "deny-web", "web"))
        .update(160, "bob", tighter)
        .delete(170, "carol", "networking.k8s.io", "networkpolicies", "shop", "deny-web")
        .create(250, "erin", denyIngress("networking.k8s.io/v1", "ops", "late", "tool"));
  }

  @AfterEach
  void close() throws IOException {
    cluster.close();
  }

  private ComplianceReport report(ReportType type, EndpointScope scope) throws IOException {
    ReportSpec spec = ReportSpec.of(type, t(100), t(200)).withScope(scope);
    return (ComplianceReport) Reports.generate(cluster.source(), spec);
  }

  @Test
  void inventoryIsProtectedOnlyWhenProtectedThroughout() throws IOException {
    ComplianceReport r = report(ReportType.INVENTORY, EndpointScope.everything());

    assertThat(r.endpoints())
        .containsExactly(
            new EndpointExposure(
                "ops", "tool", "default", false, false, true, true, true, true, List.of(),
                List.of()),
            new EndpointExposure(
                "shop",
                "db",
                "default",
                true,
                false,
                false,
                true,
                false,
                true,
                List.of("shop/deny-db"),
                List.of()),
            new EndpointExposure(
                "shop",
                "web",
                "default",
                false,
                false,
                true,
                true,
                true,
                true,
                List.of("shop/deny-web"),
                List.of("shop/web-svc")));
    assertThat(r.namespaces())
        .containsExactly(
            new NamespaceExposure("ops", false, false, true, true, true, true),
            new NamespaceExposure("shop", false, false, true, true, true, true));
    assertThat(r.services())
        .containsExactly(new ServiceExposure("shop/web-svc", false, true, true));
    assertThat(r.auditSummary()).isEqualTo(AuditSummary.EMPTY);
  }

  @Test
  void scopeSelectsEndpointsByLabelsNamespacesAndServiceAccounts() throws IOException {
    assertThat(
            report(
                    ReportType.INVENTORY,
                    EndpointScope.of("app in {'db', 'tool'}", List.of(), "", List.of()))
                .endpoints())
        .extracting(EndpointExposure::endpoint)
        .containsExactly("ops/tool", "shop/db");
    assertThat(
            report(
                    ReportType.INVENTORY,
                    EndpointScope.of("", List.of(), "team == 'shop'", List.of()))
                .endpoints())
        .extracting(EndpointExposure::endpoint)
        .containsExactly("shop/db", "shop/web");
    assertThat(
            report(ReportType.INVENTORY, EndpointScope.of("", List.of("ops"), "", List.of()))
                .endpoints())
        .extracting(EndpointExposure::endpoint)
        .containsExactly("ops/tool");
    assertThat(
            report(ReportType.INVENTORY, EndpointScope.of("", List.of(), "", List.of("robot")))
                .endpoints())
        .isEmpty();
  }

  @Test
  void jsonHasTheDocumentedShape() throws IOException {
    JsonNode json = json(report(ReportType.NETWORK_ACCESS, EndpointScope.everything()));

    assertThat(fields(json))
        .containsExactly(
            "reportType",
            "startTime",
            "endTime",
            "endpoints",
            "namespaces",
            "services",
            "auditSummary",
            "auditEvents",
            "evidence");
    assertThat(json.get("reportType").asText()).isEqualTo("network-access");
    JsonNode web = json.get("endpoints").get(2);
    assertThat(fields(web))
        .containsExactly(
            "endpoint",
            "namespace",
            "serviceAccount",
            "ingressProtected",
            "egressProtected",
            "ingressFromInternet",
            "egressToInternet",
            "ingressFromOtherNamespace",
            "egressToOtherNamespace",
            "appliedPolicies",
            "services");
    assertThat(web.get("endpoint").asText()).isEqualTo("shop/web");
    assertThat(web.get("services").get(0).asText()).isEqualTo("shop/web-svc");
    assertThat(fields(json.get("auditSummary")))
        .containsExactly("numTotal", "numCreate", "numModify", "numDelete");
    assertThat(fields(json.get("namespaces").get(0)))
        .containsExactly(
            "namespace",
            "ingressProtected",
            "egressProtected",
            "ingressFromInternet",
            "egressToInternet",
            "ingressFromOtherNamespace",
            "egressToOtherNamespace");
    assertThat(fields(json.get("services").get(0)))
        .containsExactly(
            "service", "ingressProtected", "ingressFromInternet", "ingressFromOtherNamespace");
    assertThat(json.get("evidence").get("eventsReplayed").asLong()).isPositive();
  }

  @Test
  void policyAuditListsEveryPolicyChangeWithWhoAndTheDiff() throws IOException {
    ComplianceReport r = report(ReportType.POLICY_AUDIT, EndpointScope.everything());

    assertThat(r.auditSummary()).isEqualTo(new AuditSummary(3, 1, 1, 1));
    assertThat(r.auditEvents())
        .extracting(c -> c.verb() + " " + c.namespace() + "/" + c.name() + " by " + c.user())
        .containsExactly(
            "create shop/deny-web by bob",
            "update shop/deny-db by bob",
            "delete shop/deny-web by carol");
    PolicyChange update = r.auditEvents().get(1);
    assertThat(update.resource()).isEqualTo("networkpolicies.networking.k8s.io");
    assertThat(update.diff()).contains("+  - Egress");
    assertThat(r.auditEvents().get(2).diff()).contains("+++ /dev/null");

    JsonNode json = json(r);
    assertThat(json.get("auditEvents")).hasSize(3);
    assertThat(json.get("auditEvents").get(0).get("cluster").asText()).isEqualTo("prod");
    assertThat(json.get("auditEvents").get(0).get("verb").asText()).isEqualTo("create");
    assertThat(fields(json.get("policyChanges").get(0)))
        .containsExactly("time", "user", "verb", "resource", "namespace", "name", "diff");
  }

  @Test
  void policyAuditWithAnEndpointScopeKeepsPoliciesThatAppliedToIt() throws IOException {
    ComplianceReport db =
        report(ReportType.POLICY_AUDIT, EndpointScope.of("app == 'db'", List.of(), "", List.of()));
    assertThat(db.auditEvents()).extracting(PolicyChange::name).containsExactly("deny-db");
    assertThat(db.auditSummary()).isEqualTo(new AuditSummary(1, 0, 1, 0));

    ComplianceReport tool =
        report(
            ReportType.POLICY_AUDIT, EndpointScope.of("app == 'tool'", List.of(), "", List.of()));
    assertThat(tool.auditEvents()).isEmpty();
  }

  @Test
  void csvFilesCarryCalicosNamesAndColumns() throws IOException {
    Map<String, byte[]> inventory =
        ReportWriter.files(
            report(ReportType.INVENTORY, EndpointScope.everything()), ReportFormat.CSV);
    assertThat(inventory.keySet())
        .containsExactly("summary.csv", "endpoints.csv", "namespaces.csv", "services.csv");
    assertThat(header(inventory, "summary.csv"))
        .isEqualTo(
            "startTime,endTime,endpointSelector,namespaceNames,namespaceSelector,"
                + "serviceAccountNames,serviceAccountSelectors,endpointsNumInScope,"
                + "endpointsNumIngressProtected,endpointsNumEgressProtected,namespacesNumInScope,"
                + "namespacesNumIngressProtected,namespacesNumEgressProtected,"
                + "serviceAccountsNumInScope");
    assertThat(header(inventory, "endpoints.csv"))
        .isEqualTo(
            "endpoint,ingressProtected,egressProtected,envoyEnabled,appliedPolicies,services");
    assertThat(header(inventory, "namespaces.csv"))
        .isEqualTo("namespace,ingressProtected,egressProtected,envoyEnabled");
    assertThat(header(inventory, "services.csv"))
        .isEqualTo("service,ingressProtected,envoyEnabled");
    assertThat(line(inventory, "endpoints.csv", 2))
        .isEqualTo("shop/db,true,false,false,shop/deny-db,");
    assertThat(line(inventory, "summary.csv", 1))
        .isEqualTo("2026-01-01T00:01:40Z,2026-01-01T00:03:20Z,,,,,,3,1,0,2,0,0,2");

    Map<String, byte[]> access =
        ReportWriter.files(
            report(ReportType.NETWORK_ACCESS, EndpointScope.everything()), ReportFormat.CSV);
    assertThat(access.keySet()).containsExactly("summary.csv", "endpoints.csv");
    assertThat(header(access, "summary.csv"))
        .isEqualTo(
            "startTime,endTime,endpointSelector,namespaceNames,namespaceSelector,"
                + "serviceAccountNames,serviceAccountSelectors,endpointsNumIngressProtected,"
                + "endpointsNumEgressProtected,endpointsNumIngressUnprotected,"
                + "endpointsNumEgressUnprotected,endpointsNumIngressFromInternet,"
                + "endpointsNumEgressToInternet,endpointsNumIngressFromOtherNamespace,"
                + "endpointsNumEgressToOtherNamespace,endpointsNumEnvoyEnabled");
    assertThat(header(access, "endpoints.csv"))
        .isEqualTo(
            "endpoint,ingressProtected,egressProtected,ingressFromInternet,egressToInternet,"
                + "ingressFromOtherNamespace,egressToOtherNamespace,envoyEnabled,appliedPolicies,"
                + "trafficAggregationPrefix,endpointsGeneratingTrafficToThisEndpoint,"
                + "endpointsReceivingTrafficFromThisEndpoint");

    Map<String, byte[]> audit =
        ReportWriter.files(
            report(ReportType.POLICY_AUDIT, EndpointScope.of("", List.of("shop"), "", List.of())),
            ReportFormat.CSV);
    assertThat(audit.keySet()).containsExactly("summary.csv", "events.json", "events.yaml");
    assertThat(header(audit, "summary.csv"))
        .isEqualTo(
            "startTime,endTime,endpointSelector,namespaceNames,namespaceSelector,"
                + "serviceAccountNames,serviceAccountSelectors,numCreatedPolicies,"
                + "numModifiedPolicies,numDeletedPolicies");
    assertThat(line(audit, "summary.csv", 1)).endsWith(",,shop,,,,1,1,1");
    assertThat(TestCluster.JSON.readTree(audit.get("events.json"))).hasSize(3);
    assertThat(new String(audit.get("events.yaml"), StandardCharsets.UTF_8))
        .startsWith("- kind: Event\n");
  }

  private static String header(Map<String, byte[]> files, String name) {
    return line(files, name, 0);
  }

  private static String line(Map<String, byte[]> files, String name, int n) {
    return new String(files.get(name), StandardCharsets.UTF_8).split("\r\n")[n];
  }

  @Test
  void thePolicyInForceIsWarnedOfWhereItLogsNoBodiesTheReportNeeds() throws Exception {
    LoadedPolicy metadataForPods =
        PolicyLoader.load(
            "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n"
                + "- level: Metadata\n  resources: [{group: '', resources: [pods]}]\n"
                + "- level: Metadata\n  resources: [{group: '', resources: [configmaps]}]\n"
                + "- level: RequestResponse\n",
            "in-force.yaml");
    ReportSpec spec =
        ReportSpec.of(ReportType.NETWORK_ACCESS, t(100), t(200)).withAuditPolicy(metadataForPods);
    List<String> warnings = Reports.generate(cluster.source(), spec).evidence().warnings();
    assertThat(warnings)
        .anyMatch(
            w ->
                w.startsWith(
                    "the audit policy in force (in-force.yaml) logs create of pods at Metadata"));
    assertThat(warnings).noneMatch(w -> w.contains("of networkpolicies"));
    ReportSpec audit =
        ReportSpec.of(ReportType.POLICY_AUDIT, t(100), t(200)).withAuditPolicy(metadataForPods);
    assertThat(Reports.generate(cluster.source(), audit).evidence().warnings())
        .as("policy-audit reads no pods")
        .noneMatch(w -> w.contains("audit policy in force"));
  }
}
