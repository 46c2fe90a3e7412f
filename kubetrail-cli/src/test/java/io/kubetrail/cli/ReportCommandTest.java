package io.kubetrail.cli;

import static io.kubetrail.cli.StateCommandTest.event;
import static io.kubetrail.cli.StateCommandTest.object;
import static io.kubetrail.cli.StateCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubetrail.cli.StateCommandTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportCommandTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  Path store;

  @BeforeEach
  void fill() throws IOException {
    store = dir.resolve("store");
    StateCommandTest.store(
        store,
        "default",
        List.of(
            event(
                "create",
                "",
                "namespaces",
                "",
                "app",
                1,
                201,
                "",
                "admin",
                object("v1", "Namespace", "", "app", 1)),
            event(
                "create",
                "",
                "configmaps",
                "app",
                "cfg",
                2,
                201,
                "",
                "alice",
                object("v1", "ConfigMap", "app", "cfg", 2)),
            event(
                "create",
                "",
                "configmaps",
                "app",
                "new",
                20,
                201,
                "",
                "bob",
                object("v1", "ConfigMap", "app", "new", 3)),
            event("delete", "", "configmaps", "app", "cfg", 30, 200, "", "carol", null)));
  }

  private String[] args(String... more) {
    List<String> all = new java.util.ArrayList<>(List.of("report", "--store", store.toString()));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  @Test
  void changesAsJsonOnStandardOutput() throws IOException {
    Run r =
        run(
            args(
                "--type",
                "changes",
                "--start",
                "2024-05-01T10:00:10Z",
                "--end",
                "2024-05-01T10:01:00Z"));

    assertThat(r.code()).as(r.err()).isZero();
    JsonNode json = JSON.readTree(r.out());
    assertThat(json.get("reportType").asText()).isEqualTo("changes");
    assertThat(json.get("objects"))
        .extracting(o -> o.get("name").asText() + " " + o.get("change").asText())
        .containsExactly("cfg deleted", "new created");
    assertThat(json.get("objects").get(1).get("writes").get(0).get("user").asText())
        .isEqualTo("bob");
  }

  @Test
  void htmlAndCsvGoToTheOutDirectory() throws IOException {
    Path out = dir.resolve("out");
    Run html =
        run(
            args(
                "--type",
                "changes",
                "--start",
                "2024-05-01T10:00:10Z",
                "--end",
                "2024-05-01T10:01:00Z",
                "--format",
                "html",
                "--out",
                out.toString(),
                "--user",
                "bob"));
    assertThat(html.code()).as(html.err()).isZero();
    assertThat(Files.readString(out.resolve("report.html")))
        .contains("app/new")
        .doesNotContain("app/cfg");

    Run csv =
        run(
            args(
                "--type",
                "inventory",
                "--start",
                "2024-05-01T10:00:10Z",
                "--end",
                "2024-05-01T10:01:00Z",
                "--format",
                "csv",
                "--out",
                out.toString()));
    assertThat(csv.code()).as(csv.err()).isZero();
    assertThat(Files.readString(out.resolve("endpoints.csv")))
        .isEqualTo(
            "endpoint,ingressProtected,egressProtected,envoyEnabled,appliedPolicies,services\r\n");
    assertThat(csv.err()).contains("wrote " + out.resolve("summary.csv"));
  }

  @Test
  void auditPolicyChecksAPolicyFile() throws IOException {
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(
        policy, "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n");
    Run r = run(args("--type", "audit-policy", "--policy", policy.toString(), "--format", "yaml"));

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .startsWith("reportType: audit-policy\n")
        .contains("result: pass")
        .contains("sufficient: false");
    assertThat(r.err()).contains("warning: the policy logs create pods below RequestResponse");
  }

  @Test
  void badArgumentsExitTwoNamingTheOption() {
    assertThat(run(args("--type", "weekly")))
        .satisfies(r -> assertThat(r.code()).isEqualTo(2))
        .satisfies(
            r ->
                assertThat(r.err())
                    .contains(
                        "--type: unknown report type 'weekly'; expected one of inventory, network-access, policy-audit, changes, audit-policy"));
    assertThat(run(args("--type", "changes", "--end", "1h")).err())
        .contains("--start: the changes report needs a start time");
    assertThat(run(args("--type", "changes", "--start", "1h", "--end", "2h")).err())
        .contains("--end: ");
    Run badSelector =
        run(
            args(
                "--type",
                "inventory",
                "--start",
                "2h",
                "--end",
                "1h",
                "--endpoints-selector",
                "a in (b"));
    assertThat(badSelector.code()).isEqualTo(2);
    assertThat(badSelector.err()).contains("--endpoints-selector: ");
    assertThat(
            run(args("--type", "changes", "--start", "2h", "--end", "1h", "--format", "pdf")).err())
        .contains("--format: unknown format 'pdf'");
    assertThat(
            run(args("--type", "inventory", "--start", "2h", "--end", "1h", "--user", "bob")).err())
        .contains("--user is for --type changes only");
    Run noPolicy = run(args("--type", "audit-policy"));
    assertThat(noPolicy.code()).isEqualTo(2);
    assertThat(noPolicy.err())
        .contains("--policy: the audit-policy report needs the audit policy file");
  }
}
