package io.kubetrail.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kubetrail.policy.Coverage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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

  private static final String NEED = "warning: " + PolicyCheckCommand.NEED_REQUEST_RESPONSE;

  /** The coverage warnings a run printed, one per change, in table order. */
  private static List<String> coverageWarnings(CliRunner.Result r) {
    return r.stderr()
        .lines()
        .filter(l -> l.startsWith(NEED))
        .map(l -> l.substring(NEED.length()))
        .toList();
  }

  /**
   * What {@code policy check} warns about for each profile: every change some requester gets below
   * RequestResponse, with the level, the rule and who.
   */
  static Stream<Arguments> profileWarnings() {
    return Stream.of(
        Arguments.of(
            "gke",
            List.of(
                "update pods: Request rules[11] for kubelet on pods/status",
                "patch pods: Request rules[11] for kubelet on pods/status",
                "delete pods: Request rules[12] for namespace-controller via deletecollection",
                "delete serviceaccounts: Request rules[12] for namespace-controller via"
                    + " deletecollection",
                "update endpoints: None rules[4] for controller-manager in kube-system,"
                    + " endpoint-controller in kube-system",
                "delete endpoints: Request rules[12] for namespace-controller via deletecollection",
                "delete networkpolicies.networking.k8s.io: Request rules[12] for"
                    + " namespace-controller via deletecollection",
                "delete networkpolicies.extensions: Request rules[12] for namespace-controller via"
                    + " deletecollection")),
        Arguments.of("calico", CALICO_WARNINGS),
        Arguments.of("cis", List.of()));
  }

  static final List<String> CALICO_WARNINGS =
      List.of(
          "update pods: None (no rule matched) for every requester on pods/status",
          "patch pods: None (no rule matched) for every requester on pods/status",
          "delete pods: None (no rule matched) for every requester via deletecollection",
          "update namespaces: None (no rule matched) for every requester on namespaces/status",
          "patch namespaces: None (no rule matched) for every requester on namespaces/status",
          "delete serviceaccounts: None (no rule matched) for every requester via"
              + " deletecollection",
          "delete endpoints: None (no rule matched) for every requester via deletecollection",
          "delete networkpolicies.networking.k8s.io: None (no rule matched) for every requester"
              + " via deletecollection",
          "delete networkpolicies.extensions: None (no rule matched) for every requester via"
              + " deletecollection");

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void profileWarnings(String profile, List<String> expected) throws IOException {
    Path policy =
        write(
            profile + ".yaml", CliRunner.run("policy", "generate", "--profile", profile).stdout());

    CliRunner.Result r = CliRunner.run("policy", "check", "--policy", policy.toString());

    assertThat(r.exitCode()).as("%s", r).isEqualTo(ExitCodes.OK);
    assertThat(coverageWarnings(r)).as("%s", r).containsExactlyElementsOf(expected);
    assertThat(r.stderr().lines()).as("%s", r).allMatch(l -> l.startsWith(NEED));
  }

  @Test
  void theGkeTableShowsTheLowestLevelAndWhoGetsIt() throws IOException {
    Path policy =
        write("gke.yaml", CliRunner.run("policy", "generate", "--profile", "gke").stdout());

    CliRunner.Result r = CliRunner.run("policy", "check", "--policy", policy.toString());

    assertThat(r.stdout())
        .containsPattern("(?m)^RESOURCE +CREATE +UPDATE +PATCH +DELETE$")
        .containsPattern(
            "(?m)^pods +RequestResponse rules\\[15\\]( +Request rules\\[11\\] \\(kubelet,"
                + " status\\)){2} +Request rules\\[12\\] \\(namespace-controller,"
                + " deletecollection\\)$")
        .containsPattern("(?m)^namespaces( +RequestResponse rules\\[15\\]){4}$")
        .containsPattern(
            "(?m)^endpoints +RequestResponse rules\\[15\\] +None rules\\[4\\]"
                + " \\(controller-manager\\) +RequestResponse rules\\[15\\] +Request"
                + " rules\\[12\\]");
  }

  @Test
  void theTableNamesEveryRequesterItTries() throws IOException {
    Path policy = write("calico.yaml", CALICO_SAMPLE);

    CliRunner.Result r = CliRunner.run("policy", "check", "--policy", policy.toString());

    assertThat(r.stdout()).contains("in namespaces default and kube-system");
    for (Coverage.Requester requester : Coverage.REQUESTERS) {
      assertThat(r.stdout())
          .containsPattern(
              "(?m)^  " + requester.name() + " +" + requester.user().username() + "\\b");
    }
    assertThat(r.stdout())
        .containsPattern("(?m)^  kubelet +system:node:node-1 \\(group system:nodes\\)$")
        .containsPattern(
            "(?m)^  endpoint-controller +system:serviceaccount:kube-system:endpoint-controller,"
                + " endpoints only$");
  }

  @Test
  void theCalicoSampleIsValidButMissesStatusAndDeletecollection() throws IOException {
    Path policy = write("calico.yaml", CALICO_SAMPLE);

    CliRunner.Result r = CliRunner.run("policy", "check", "--policy", policy.toString());

    assertThat(r.exitCode()).as("%s", r).isEqualTo(ExitCodes.OK);
    assertThat(r.stdout())
        .contains(policy + ": valid audit.k8s.io/v1beta1 policy, 1 rule")
        .containsPattern("(?m)^RESOURCE +CREATE +UPDATE +PATCH +DELETE$")
        .containsPattern(
            "(?m)^pods +RequestResponse rules\\[0\\]( +None \\(no rule matched\\) \\(status\\)){2}"
                + " +None \\(no rule matched\\) \\(deletecollection\\)$")
        .containsPattern(
            "(?m)^serviceaccounts( +RequestResponse rules\\[0\\]){3} +None \\(no rule matched\\)"
                + " \\(deletecollection\\)$")
        .containsPattern(
            "(?m)^namespaces( +RequestResponse rules\\[0\\])( +None \\(no rule matched\\)"
                + " \\(status\\)){2} +RequestResponse rules\\[0\\]$");
    assertThat(r.stderr()).contains("warning: " + policy + ": audit.k8s.io/v1beta1 is deprecated");
    assertThat(coverageWarnings(r)).containsExactlyElementsOf(CALICO_WARNINGS);
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
              verbs: [create, update, patch, delete, deletecollection]
              resources:
              - group: ""
                resources: [pods, pods/status]
            - level: Request
              resources:
              - group: networking.k8s.io
            - level: RequestResponse
              omitStages: [ResponseComplete]
              resources:
              - group: ""
                resources: [endpoints]
            - level: Metadata
              users: [system:node:node-1]
              resources:
              - group: ""
            - level: RequestResponse
              namespaces: [default]
              resources:
              - group: ""
            - level: Metadata
              resources:
              - group: ""
            """);

    CliRunner.Result r = CliRunner.run("policy", "check", "--policy", policy.toString());

    assertThat(r.exitCode()).as("%s", r).isEqualTo(ExitCodes.OK);
    assertThat(r.stdout())
        .containsPattern("(?m)^pods( +RequestResponse rules\\[0\\]){4}$")
        .containsPattern("(?m)^networkpolicies\\.networking\\.k8s\\.io( +Request rules\\[1\\]){4}$")
        .containsPattern(
            "(?m)^endpoints( +None \\(ResponseComplete omitted by rules\\[2\\]\\)){4}$")
        .containsPattern("(?m)^networkpolicies\\.extensions( +None \\(no rule matched\\)){4}$")
        // Admin's kube-system probes come before the kubelet's: the first lowest is shown.
        .containsPattern("(?m)^serviceaccounts( +Metadata rules\\[5\\] \\(admin\\)){4}$");
    List<String> warnings = coverageWarnings(r);
    assertThat(warnings)
        .contains(
            "create namespaces: Metadata rules[5] for admin, user, controller,"
                + " namespace-controller; Metadata rules[3] for kubelet",
            "update serviceaccounts: Metadata rules[5] for admin in kube-system, user in"
                + " kube-system, controller in kube-system, namespace-controller in kube-system;"
                + " Metadata rules[3] for kubelet",
            "patch networkpolicies.networking.k8s.io: Request rules[1] for every requester",
            "update endpoints: None (ResponseComplete omitted by rules[2]) for every requester",
            "create networkpolicies.extensions: None (no rule matched) for every requester")
        .noneMatch(w -> w.contains(" pods:"))
        .hasSize(20);
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
    assertThat(r.stdout()).containsPattern("(?m)^pods +RequestResponse rules\\[0\\] ");
    assertThat(coverageWarnings(r))
        .anyMatch(w -> w.startsWith("create networkpolicies.networking.k8s.io: Metadata"))
        .anyMatch(w -> w.startsWith("delete serviceaccounts: Request"));
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
    // The help lists the requesters coverage tries, so it must follow Coverage.
    for (Coverage.Requester requester : Coverage.REQUESTERS) {
      assertThat(check.stdout())
          .containsPattern(
              "(?m)^  " + requester.name() + " +" + requester.user().username() + "\\b");
    }
    assertThat(check.stdout())
        .contains(String.join(" and ", Coverage.NAMESPACES), "status", "deletecollection");
    assertThat(top.stdout()).contains("policy");
  }
}
