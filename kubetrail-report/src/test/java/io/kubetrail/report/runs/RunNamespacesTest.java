package io.kubetrail.report.runs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubetrail.history.netpol.EndpointScope;
import io.kubetrail.report.ReportSpec;
import io.kubetrail.report.ReportType;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The namespaces a kept run shows, and a definition as front ends see it. */
class RunNamespacesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyRowOfEndpointDataCounts() throws Exception {
    String report =
        """
        {"reportType": "policy-audit",
         "endpoints": [{"endpoint": "shop/web", "namespace": "shop"}],
         "namespaces": [{"namespace": "shop"}],
         "services": [{"service": "pay/api"}],
         "policyChanges": [{"namespace": ""}, {"namespace": "dev"}]}
        """;
    assertThat(RunNamespaces.of(JSON.readTree(report))).containsExactly("", "dev", "pay", "shop");
  }

  @Test
  void aNamespaceObjectIsItsOwnNamespaceAndAnEmptyReportShowsNone() throws Exception {
    String changes =
        """
        {"reportType": "changes", "objects": [
          {"resource": "namespaces", "namespace": "", "name": "shop"},
          {"resource": "deployments.apps", "namespace": "shop", "name": "web"}]}
        """;
    assertThat(RunNamespaces.of(JSON.readTree(changes))).containsExactly("shop");
    assertThat(
            RunNamespaces.of(JSON.readTree("{\"reportType\": \"inventory\", \"endpoints\": []}")))
        .isEmpty();
    assertThat(RunNamespaces.of(JSON.readTree("{\"reportType\": \"audit-policy\"}")))
        .containsExactly("");
  }

  @Test
  void aDefinitionGivesItsJsonItsSpecAndThePeriodNowIsIn() {
    ReportDefinition d =
        new ReportDefinition(
            "daily",
            ReportType.NETWORK_ACCESS,
            CronSchedule.parse("0 0 * * *"),
            EndpointScope.of("app == 'web'", List.of("shop"), "", List.of("default")),
            true);
    assertThat(d.toJson().toString())
        .isEqualTo(
            "{\"name\":\"daily\",\"reportType\":\"network-access\",\"schedule\":\"0 0 * * *\","
                + "\"suspend\":true,\"endpoints\":{\"selector\":\"app == 'web'\","
                + "\"namespaces\":[\"shop\"],\"namespaceSelector\":\"\","
                + "\"serviceAccounts\":[\"default\"]}}");
    Instant now = Instant.parse("2026-01-02T15:00:00Z");
    assertThat(d.periodStart(now)).contains(Instant.parse("2026-01-02T00:00:00Z"));
    ReportSpec spec = d.spec(Instant.parse("2026-01-02T00:00:00Z"), now);
    assertThat(spec.type()).isEqualTo(ReportType.NETWORK_ACCESS);
    assertThat(spec.scope()).isEqualTo(d.scope());
  }
}
