package io.kubetrail.report.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubetrail.report.ReportType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reports files of Calico GlobalReports. */
class ReportDefinitionsTest {
  @TempDir Path dir;

  private List<ReportDefinition> load(String yaml) throws Exception {
    Path f = dir.resolve("reports.yaml");
    Files.writeString(f, yaml);
    return ReportDefinitions.load(f);
  }

  @Test
  void readsGlobalReportsOnePerDocumentOrAsAList() throws Exception {
    List<ReportDefinition> defs =
        load(
            """
            apiVersion: projectcalico.org/v3
            kind: GlobalReport
            metadata: {name: daily-web}
            spec:
              reportType: network-access
              schedule: 0 0 * * *
              endpoints:
                selector: app == 'web'
                namespaces: {names: [shop], selector: "team == 'shop'"}
                serviceAccounts: {names: [default], selector: "tier == 'front'"}
            ---
            kind: GlobalReportList
            items:
            - metadata: {name: hourly-changes}
              spec: {reportType: changes, schedule: "@hourly", suspend: true}
            """);
    assertThat(defs)
        .extracting(ReportDefinition::name)
        .containsExactly("daily-web", "hourly-changes");
    ReportDefinition web = defs.get(0);
    assertThat(web.type()).isEqualTo(ReportType.NETWORK_ACCESS);
    Map<String, String> front = Map.of("tier", "front");
    assertThat(
            web.scope()
                .includes("shop", Map.of("app", "web"), "default", Map.of("team", "shop"), front))
        .isTrue();
    assertThat(web.scope().includes("shop", Map.of("app", "web"), "default", Map.of(), front))
        .isFalse();
    assertThat(
            web.scope()
                .includes(
                    "shop", Map.of("app", "web"), "default", Map.of("team", "shop"), Map.of()))
        .as("names and selector are AND'ed")
        .isFalse();
    assertThat(defs.get(1).suspend()).isTrue();
    assertThat(defs.get(1).scope().selectsEverything()).isTrue();
  }

  @Test
  void everyProblemIsNamedWithItsPlace() {
    assertThatThrownBy(
            () ->
                load(
                    """
                    metadata: {name: Bad_Name}
                    spec: {reportType: cis-benchmark, schedule: "*/5 * * * *", colour: red}
                    ---
                    metadata: {name: ok}
                    spec:
                      reportType: inventory
                      schedule: 0 0 * * *
                      endpoints: {selector: "app = 'x'", serviceAccounts: {colour: red}}
                    ---
                    metadata: {name: ok}
                    spec: {reportType: inventory, schedule: 0 0 * * *, suspend: maybe}
                    """))
        .isInstanceOf(ReportDefinitionException.class)
        .hasMessageContaining("document 1 (Bad_Name): metadata.name")
        .hasMessageContaining("document 1 (Bad_Name): spec.colour: unknown field")
        .hasMessageContaining("spec.reportType: expected inventory")
        .hasMessageContaining("spec.schedule: \"*/5 * * * *\": at most two minute values")
        .hasMessageContaining("document 2 (ok): spec.endpoints: endpoints selector")
        .hasMessageContaining("spec.endpoints.serviceAccounts.colour: unknown field")
        .hasMessageContaining("document 3 (ok): metadata.name: another report has this name")
        .hasMessageContaining("spec.suspend: expected true or false");
  }
}
