package io.kubetrail.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyCheckCommandTest {
  static final String CALICO_SAMPLE =
      """
      apiVersion: audit.k8s.io/v1beta1
      kind: Policy
      omitStages:
      - RequestReceived
      rules:
      - level: RequestResponse
        verbs:
        - create
        - patch
        - update
        - delete
        resources:
        - group: networking.k8s.io
          resources: ['networkpolicies']
        - group: extensions
          resources: ['networkpolicies']
        - group: ''
          resources: ['pods', 'namespaces', 'serviceaccounts', 'endpoints']
      """;

  @TempDir Path dir;

  private Path write(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content);
    return file;
  }

  @Test
  void theCalicoSampleIsValidAndCoversEveryReplayedChange() throws IOException {
    Path policy = write("calico.yaml", CALICO_SAMPLE);

    CliRunner.Result r = CliRunner.run("policy", "check", "--policy", policy.toString());

    assertThat(r.exitCode()).as("%s", r).isEqualTo(ExitCodes.OK);
    assertThat(r.stdout())
        .contains(policy + ": valid audit.k8s.io/v1beta1 policy, 1 rule")
        .containsPattern("(?m)^RESOURCE +CREATE +UPDATE +PATCH +DELETE$")
        .containsPattern("(?m)^pods( +RequestResponse rules\\[0\\]){4}$")
        .containsPattern("(?m)^networkpolicies\\.extensions( +RequestResponse rules\\[0\\]){4}$")
        .contains("kubernetes-admin");
    assertThat(r.stderr())
        .contains("warning: " + policy + ": audit.k8s.io/v1beta1 is deprecated")
        .doesNotContain("need RequestResponse");
  }

  @Test
  void everyCombinationBelowRequestResponseIsNamed() throws IOException {
    Path policy =
        write(
            "p.yaml",
            """
            apiVersion: audit.k8s.io/v1
            kind: Policy
            rules:
            - level: RequestResponse
              verbs: [create, update, patch, delete]
              resources:
              - group: ""
                resources: [pods]
            - level: Request
              resources:
              - group: networking.k8s.io
            - level: RequestResponse
              omitStages: [ResponseComplete]
              resources:
              - group: ""
                resources: [endpoints]
            - level: Metadata
              resources:
              - group: ""
            """);

    CliRunner.Result r = CliRunner.run("policy", "check", "--policy", policy.toString());

    assertThat(r.exitCode()).as("%s", r).isEqualTo(ExitCodes.OK);
    assertThat(r.stdout())
        .containsPattern("(?m)^namespaces( +Metadata rules\\[3\\]){4}$")
        .containsPattern("(?m)^networkpolicies\\.networking\\.k8s\\.io( +Request rules\\[1\\]){4}$")
        .containsPattern(
            "(?m)^endpoints( +None \\(ResponseComplete omitted by rules\\[2\\]\\)){4}$")
        .containsPattern("(?m)^networkpolicies\\.extensions( +None \\(no rule matched\\)){4}$");
    assertThat(r.stderr())
        .startsWith("warning: state replay and compliance reports need RequestResponse for ")
        .contains("create namespaces (Metadata)", "delete serviceaccounts (Metadata)")
        .contains("patch networkpolicies.networking.k8s.io (Request)")
        .contains("update endpoints (None)", "create networkpolicies.extensions (None)")
        .doesNotContain(" pods (");
    assertThat(r.stderr().split(", ")).hasSize(20);
  }

  @Test
  void anInvalidPolicyListsEveryErrorWithItsLineAndPath() throws IOException {
    Path policy =
        write(
            "bad.yaml",
            """
            apiVersion: audit.k8s.io/v1
            kind: Policy
            rules:
            - level: Verbose
            - level: Metadata
              nonResourceURLs: [healthz]
              namespaces: [default]
            """);

    CliRunner.Result r = CliRunner.run("policy", "check", "--policy", policy.toString());

    assertThat(r.exitCode()).as("%s", r).isEqualTo(ExitCodes.USAGE);
    assertThat(r.stdout()).isEmpty();
    assertThat(r.stderr().lines())
        .containsExactly(
            "error: "
                + policy
                + ":4: rules[0].level: Unsupported value: \"Verbose\": supported values: \"None\","
                + " \"Metadata\", \"Request\", \"RequestResponse\"",
            "error: "
                + policy
                + ":6: rules[1].nonResourceURLs[0]: Invalid value: \"healthz\": non-resource URL"
                + " rules must begin with a '/' character",
            "error: "
                + policy
                + ":6: rules[1].nonResourceURLs: Invalid value: []string{\"healthz\"}: rules"
                + " cannot apply to both regular resources and non-resource URLs");
  }

  @Test
  void aPolicyWithoutRulesIsRefused() throws IOException {
    Path policy = write("empty.yaml", "apiVersion: audit.k8s.io/v1\nkind: Policy\n");

    CliRunner.Result r = CliRunner.run("policy", "check", "--policy", policy.toString());

    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.stderr()).isEqualTo("error: " + policy + ": loaded illegal policy with 0 rules\n");
  }

  @Test
  void unknownFieldsAreWarningsNotErrors() throws IOException {
    Path policy =
        write(
            "p.json",
            "{\"apiVersion\":\"audit.k8s.io/v1\",\"kind\":\"Policy\",\n"
                + "\"rules\":[{\"level\":\"RequestResponse\",\"verb\":[\"get\"]}]}");

    CliRunner.Result r = CliRunner.run("policy", "check", "--policy", policy.toString());

    assertThat(r.exitCode()).as("%s", r).isEqualTo(ExitCodes.OK);
    assertThat(r.stderr())
        .contains(
            "warning: "
                + policy
                + ":2: unknown field \"rules[0].verb\" (kube-apiserver warns and ignores it)");
  }

  @Test
  void aMissingFileIsAUsageError() {
    Path missing = dir.resolve("nope.yaml");

    CliRunner.Result r = CliRunner.run("policy", "check", "--policy", missing.toString());

    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.stderr()).isEqualTo("error: policy file " + missing + " does not exist\n");
  }

  @Test
  void thePolicyOptionIsRequired() {
    CliRunner.Result r = CliRunner.run("policy", "check");

    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.stderr()).contains("error: Missing required option: '--policy=FILE'");
  }

  @Test
  void theRealFalcoPolicyMissesReplayedChanges() {
    String root = System.getProperty("kubetrail.testdata", "");
    Path policy = Path.of(root, "policies/falco-plugins-k8saudit-audit-policy.yaml");
    assumeTrue(!root.isEmpty() && Files.isRegularFile(policy), "shared test data not present");

    CliRunner.Result r = CliRunner.run("policy", "check", "--policy", policy.toString());

    assertThat(r.exitCode()).as("%s", r).isEqualTo(ExitCodes.OK);
    assertThat(r.stdout()).containsPattern("(?m)^pods( +RequestResponse rules\\[0\\]){4}$");
    assertThat(r.stderr())
        .contains("create networkpolicies.networking.k8s.io (Metadata)")
        .contains("delete serviceaccounts (Request)");
  }

  @Test
  void helpHasAOneLineDescription() {
    CliRunner.Result policy = CliRunner.run("policy", "--help");
    CliRunner.Result check = CliRunner.run("policy", "check", "--help");
    CliRunner.Result top = CliRunner.run("--help");

    assertThat(policy.exitCode()).isZero();
    assertThat(policy.stdout())
        .contains("Check, apply and generate kube-apiserver audit policies.")
        .contains("check", "filter", "generate");
    assertThat(check.stdout()).contains("--policy=FILE").contains("Exit status");
    assertThat(top.stdout()).contains("policy");
  }
}
