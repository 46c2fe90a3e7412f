package io.kubetrail.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kubetrail.event.Level;
import io.kubetrail.event.Stage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class PolicyLoaderTest {

  /** The sample policy of Calico's audit-log documentation, as the seed gives it. */
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

  private static final String RULES =
      """
      rules:
      - level: Metadata
        users: ["alice"]
      """;

  @Test
  void theSeedSampleLoadsWithADeprecationWarning() throws PolicyException {
    LoadedPolicy loaded = PolicyLoader.load(CALICO_SAMPLE, "calico.yaml");

    assertThat(loaded.policy().apiVersion()).isEqualTo(Policy.V1BETA1);
    assertThat(loaded.policy().omitStages()).containsExactly("RequestReceived");
    assertThat(loaded.policy().rules()).isEqualTo(PolicyProfile.CALICO.policy().rules());
    assertThat(loaded.warnings())
        .singleElement(STRING)
        .startsWith("calico.yaml: audit.k8s.io/v1beta1 is deprecated")
        .contains("kube-apiserver 1.24 and later only accept audit.k8s.io/v1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"audit.k8s.io/v1", "audit.k8s.io/v1beta1", "audit.k8s.io/v1alpha1"})
  void everyVersionLoadsTheSamePolicy(String version) throws PolicyException {
    LoadedPolicy loaded =
        PolicyLoader.load("apiVersion: " + version + "\nkind: Policy\n" + RULES, "p.yaml");

    assertThat(loaded.policy().rules())
        .containsExactly(PolicyRule.of(Level.Metadata).withUsers("alice"));
    assertThat(loaded.warnings()).hasSize(version.equals(Policy.V1) ? 0 : 1);
  }

  @Test
  void jsonLoadsLikeYaml() throws PolicyException {
    String json =
        """
        {"apiVersion": "audit.k8s.io/v1", "kind": "Policy",
         "omitStages": ["RequestReceived"], "omitManagedFields": true,
         "rules": [{"level": "RequestResponse", "resources": [{"group": "", "resources": ["pods"],
                    "resourceNames": ["web"]}], "omitManagedFields": false},
                   {"level": "None", "nonResourceURLs": ["/healthz*"]}]}
        """;

    Policy policy = PolicyLoader.load(json, "p.json").policy();

    assertThat(policy)
        .isEqualTo(
            Policy.of(
                    PolicyRule.of(Level.RequestResponse)
                        .withResources(GroupResources.of("", "pods").withResourceNames("web"))
                        .withOmitManagedFields(false),
                    PolicyRule.of(Level.None).withNonResourceURLs("/healthz*"))
                .withOmitStages(Stage.RequestReceived)
                .withOmitManagedFields(true));
  }

  @Test
  void unknownFieldsWarnWithTheirPathAndAreIgnored() throws PolicyException {
    String yaml =
        """
        apiVersion: audit.k8s.io/v1
        kind: Policy
        metadata:
          name: audit
          colour: blue
        spec: {}
        rules:
        - level: Metadata
          user: ["alice"]
          resources:
          - group: apps
            resource: ["deployments"]
        """;

    LoadedPolicy loaded = PolicyLoader.load(yaml, "p.yaml");

    assertThat(loaded.warnings())
        .containsExactly(
            "p.yaml:5: unknown field \"metadata.colour\" (kube-apiserver warns and ignores it)",
            "p.yaml:6: unknown field \"spec\" (kube-apiserver warns and ignores it)",
            "p.yaml:9: unknown field \"rules[0].user\" (kube-apiserver warns and ignores it)",
            "p.yaml:12: unknown field \"rules[0].resources[0].resource\" (kube-apiserver warns"
                + " and ignores it)");
    assertThat(loaded.policy().rules())
        .containsExactly(PolicyRule.of(Level.Metadata).withResources(GroupResources.of("apps")));
  }

  @Test
  void duplicateFieldsWarnAndTheLastWins() throws PolicyException {
    String yaml =
        """
        apiVersion: audit.k8s.io/v1
        kind: Policy
        rules:
        - level: Metadata
          verbs: ["get"]
          level: RequestResponse
        """;

    LoadedPolicy loaded = PolicyLoader.load(yaml, "p.yaml");

    assertThat(loaded.warnings())
        .containsExactly(
            "p.yaml:6: duplicate field \"rules[0].level\" (kube-apiserver warns and uses the last"
                + " value)");
    assertThat(loaded.policy().rules())
        .containsExactly(PolicyRule.of(Level.RequestResponse).withVerbs("get"));
  }

  @Test
  void duplicateJsonFieldsWarnToo() throws PolicyException {
    String json =
        "{\"apiVersion\":\"audit.k8s.io/v1\",\"kind\":\"Policy\",\"rules\":[{\"level\":\"None\"}],"
            + "\n\"rules\":[{\"level\":\"Metadata\"}]}";

    LoadedPolicy loaded = PolicyLoader.load(json, "p.json");

    assertThat(loaded.warnings()).singleElement(STRING).startsWith("p.json:2: duplicate");
    assertThat(loaded.policy().rules()).containsExactly(PolicyRule.of(Level.Metadata));
  }

  @Test
  void nullClearsListsAndLeavesStringsAsGoDoes() throws PolicyException {
    String yaml =
        """
        apiVersion: audit.k8s.io/v1
        kind: Policy
        omitStages: ~
        rules:
        - level: Request
          users: null
          omitManagedFields: null
          verbs: [get, null]
        """;

    Policy policy = PolicyLoader.load(yaml, "p.yaml").policy();

    assertThat(policy.omitStages()).isEmpty();
    assertThat(policy.rules())
        .containsExactly(
            new PolicyRule(
                "Request",
                List.of(),
                List.of(),
                List.of("get", ""),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                Optional.empty()));
  }

  static Stream<Arguments> refusedPolicies() {
    return Stream.of(
        Arguments.of(
            "zero rules",
            "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: []\n",
            List.of("p.yaml: loaded illegal policy with 0 rules")),
        Arguments.of(
            "no rules field",
            "apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\n",
            List.of("p.yaml: loaded illegal policy with 0 rules")),
        Arguments.of(
            "unknown version",
            "apiVersion: audit.k8s.io/v2\nkind: Policy\n" + RULES,
            List.of(
                "p.yaml:1: unknown group version field audit.k8s.io/v2, Kind=Policy in policy:"
                    + " expected kind Policy in audit.k8s.io/v1 (or the deprecated"
                    + " audit.k8s.io/v1beta1 or audit.k8s.io/v1alpha1)")),
        Arguments.of(
            "another kind",
            "apiVersion: audit.k8s.io/v1\nkind: Event\n" + RULES,
            List.of(
                "p.yaml:1: unknown group version field audit.k8s.io/v1, Kind=Event in policy:"
                    + " expected kind Policy in audit.k8s.io/v1 (or the deprecated"
                    + " audit.k8s.io/v1beta1 or audit.k8s.io/v1alpha1)")),
        Arguments.of(
            "no apiVersion",
            "kind: Policy\n" + RULES,
            List.of(
                "p.yaml: the policy has no apiVersion: expected apiVersion: audit.k8s.io/v1 and"
                    + " kind: Policy")),
        Arguments.of(
            "no kind",
            "apiVersion: audit.k8s.io/v1\n" + RULES,
            List.of(
                "p.yaml: the policy has no kind: expected apiVersion: audit.k8s.io/v1 and kind:"
                    + " Policy")),
        Arguments.of("empty file", "# nothing\n", List.of("p.yaml: the policy file is empty")),
        Arguments.of(
            "not a mapping",
            "- level: None\n",
            List.of("p.yaml:1: a policy must be an object (a YAML mapping), found a list")),
        Arguments.of(
            "rules is not a list",
            "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  level: None\n",
            List.of("p.yaml:4: rules: expected a list of rules, found an object")),
        Arguments.of(
            "a string where a list belongs",
            "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n  users: alice\n",
            List.of("p.yaml:5: rules[0].users: expected a list of strings, found a string")),
        Arguments.of(
            "a number where a string belongs",
            "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n"
                + "  namespaces: [default, 2024]\n",
            List.of("p.yaml:5: rules[0].namespaces[1]: expected a string, found a number")),
        Arguments.of(
            "a string where a boolean belongs",
            "apiVersion: audit.k8s.io/v1\nkind: Policy\nomitManagedFields: \"true\"\n" + RULES,
            List.of("p.yaml:3: omitManagedFields: expected true or false, found a string")),
        Arguments.of(
            "invalid rules, every error with its line",
            """
            apiVersion: audit.k8s.io/v1
            kind: Policy
            omitStages: [RequestReceived, Sometimes]
            rules:
            - level: Metadata
            - level: Verbose
              nonResourceURLs: [metrics]
            - verbs: [get]
            """,
            List.of(
                "p.yaml:3: omitStages[1]: Invalid value: \"Sometimes\": allowed stages are"
                    + " RequestReceived,ResponseStarted,ResponseComplete,Panic",
                "p.yaml:6: rules[1].level: Unsupported value: \"Verbose\": supported values:"
                    + " \"None\", \"Metadata\", \"Request\", \"RequestResponse\"",
                "p.yaml:7: rules[1].nonResourceURLs[0]: Invalid value: \"metrics\": non-resource"
                    + " URL rules must begin with a '/' character",
                "p.yaml:8: rules[2].level: Required value")),
        Arguments.of(
            "bad group, reported at its resources entry",
            """
            apiVersion: audit.k8s.io/v1
            kind: Policy
            rules:
            - level: Metadata
              resources:
              - group: rbac.authorization.k8s.io/v1
            """,
            List.of(
                "p.yaml:5: rules[0].resources.group: Invalid value:"
                    + " \"rbac.authorization.k8s.io/v1\": a lowercase RFC 1123 subdomain must"
                    + " consist of lower case alphanumeric characters, '-' or '.', and must start"
                    + " and end with an alphanumeric character (e.g. 'example.com', regex used for"
                    + " validation is"
                    + " '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")),
        Arguments.of(
            "invalid and empty: both reported",
            "apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [Later]\n",
            List.of(
                "p.yaml:3: omitStages[0]: Invalid value: \"Later\": allowed stages are"
                    + " RequestReceived,ResponseStarted,ResponseComplete,Panic",
                "p.yaml: loaded illegal policy with 0 rules")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedPolicies")
  void refused(String name, String content, List<String> problems) {
    assertThatThrownBy(() -> PolicyLoader.load(content, "p.yaml"))
        .isInstanceOfSatisfying(
            PolicyException.class, e -> assertThat(e.problems()).isEqualTo(problems));
  }

  @Test
  void yamlSyntaxErrorsNameTheLine() {
    String yaml =
        "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n  users: [alice\n";

    assertThatThrownBy(() -> PolicyLoader.load(yaml, "p.yaml"))
        .isInstanceOfSatisfying(
            PolicyException.class,
            e ->
                assertThat(e.problems())
                    .singleElement(STRING)
                    .matches("p\\.yaml:[56]: cannot decode policy: .+"));
  }

  @Test
  void jsonSyntaxErrorsNameTheLine() {
    String json = "{\"apiVersion\": \"audit.k8s.io/v1\",\n\"kind\": \"Policy\",\n\"rules\": [}\n";

    assertThatThrownBy(() -> PolicyLoader.load(json, "p.json"))
        .isInstanceOfSatisfying(
            PolicyException.class,
            e ->
                assertThat(e.problems())
                    .singleElement(STRING)
                    .startsWith("p.json:3: cannot decode policy: Unexpected close marker '}'"));
  }

  @Test
  void onlyTheFirstYamlDocumentIsRead() throws PolicyException {
    String yaml = "apiVersion: audit.k8s.io/v1\nkind: Policy\n" + RULES + "---\nkind: Other\n";

    LoadedPolicy loaded = PolicyLoader.load(yaml, "p.yaml");

    assertThat(loaded.policy().rules()).hasSize(1);
    assertThat(loaded.warnings())
        .singleElement(STRING)
        .contains("only the first YAML document is read");
  }

  @Test
  void filesAreReadFromDisk() throws IOException, PolicyException {
    Path dir = Files.createTempDirectory("kubetrail-policy");
    Path file = dir.resolve("audit-policy.yaml");
    Files.writeString(file, CALICO_SAMPLE);
    try {
      LoadedPolicy loaded = PolicyLoader.load(file);

      assertThat(loaded.source()).isEqualTo(file.toString());
      assertThat(loaded.policy().rules()).hasSize(1);
    } finally {
      Files.delete(file);
      Files.delete(dir);
    }
  }

  static Stream<String> sharedPolicies() {
    return Stream.of(
        "policies/gke-gci-default-audit-policy.yaml",
        "policies/falco-plugins-k8saudit-audit-policy.yaml",
        "audit2rbac/demo-policy.yaml");
  }

  @ParameterizedTest
  @MethodSource("sharedPolicies")
  void realPoliciesLoadWithoutWarnings(String relative) throws IOException, PolicyException {
    Path file = TestData.file(relative);

    LoadedPolicy loaded = PolicyLoader.load(file);

    assertThat(loaded.warnings()).isEmpty();
    assertThat(loaded.policy().rules()).isNotEmpty();
    assertThat(PolicyEvaluator.of(loaded.policy()).policy()).isSameAs(loaded.policy());
  }

  @Test
  void theFalcoPolicyReadsAsWritten() throws IOException, PolicyException {
    Policy policy =
        PolicyLoader.load(TestData.file("policies/falco-plugins-k8saudit-audit-policy.yaml"))
            .policy();

    assertThat(policy.omitStages()).containsExactly("RequestReceived");
    assertThat(policy.rules()).hasSize(11);
    assertThat(policy.rules().get(3))
        .isEqualTo(
            PolicyRule.of(Level.None)
                .withResources(
                    GroupResources.of("", "configmaps").withResourceNames("controller-leader")));
    assertThat(policy.rules().get(5))
        .isEqualTo(
            PolicyRule.of(Level.None)
                .withUserGroups("system:authenticated")
                .withNonResourceURLs("/api*", "/version"));
  }

  /** The shared sample files beside the project; tests skip when they are absent. */
  static final class TestData {
    private TestData() {}

    static Path file(String relative) {
      String root = System.getProperty("kubetrail.testdata", "");
      assumeTrue(!root.isEmpty(), "kubetrail.testdata is not set");
      Path file = Path.of(root, relative);
      assumeTrue(Files.isRegularFile(file), () -> file + " is not present");
      return file;
    }
  }
}
