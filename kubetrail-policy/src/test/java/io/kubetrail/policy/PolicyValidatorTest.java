package io.kubetrail.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.event.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * kube-apiserver's validation tests ({@code pkg/apis/audit/validation/validation_test.go}) ported
 * as facts, with the exact messages kube-apiserver prints for each.
 */
class PolicyValidatorTest {
  private static final String DNS_MESSAGE =
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or"
          + " '.', and must start and end with an alphanumeric character (e.g. 'example.com',"
          + " regex used for validation is"
          + " '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

  static final List<PolicyRule> VALID_RULES =
      List.of(
          PolicyRule.of(Level.Metadata),
          PolicyRule.of(Level.None).withUserGroups("system:serviceaccounts", "system:nodes"),
          PolicyRule.of(Level.RequestResponse)
              .withVerbs("get")
              .withResources(
                  GroupResources.of("rbac.authorization.k8s.io", "roles", "rolebindings"))
              .withNamespaces("kube-system"),
          PolicyRule.of(Level.Metadata)
              .withUserGroups("developers")
              .withNonResourceURLs("/logs*", "/healthz*", "/metrics", "*"));

  static Stream<Policy> validPolicies() {
    List<Policy> policies = new ArrayList<>();
    VALID_RULES.forEach(r -> policies.add(Policy.of(r)));
    policies.add(Policy.of()); // an empty policy is valid (the loader refuses it separately)
    policies.add(new Policy(Policy.V1, List.of(), false, VALID_RULES));
    // Not checked by kube-apiserver: users, verbs, namespaces, resource strings.
    policies.add(
        Policy.of(
            PolicyRule.of(Level.None)
                .withUsers("")
                .withVerbs("FETCH")
                .withNamespaces("Not A Namespace")
                .withResources(GroupResources.of("", "*/*", "pods/", ""))));
    policies.add(Policy.of(PolicyRule.of(Level.Request).withResources(GroupResources.of("*"))));
    return policies.stream();
  }

  @ParameterizedTest
  @MethodSource("validPolicies")
  void valid(Policy policy) {
    assertThat(PolicyValidator.validate(policy)).isEmpty();
  }

  static Stream<Arguments> invalidRules() {
    return Stream.of(
        Arguments.of(
            "empty rule (no level)", PolicyRule.of(""), List.of("rules[0].level: Required value")),
        Arguments.of(
            "missing level",
            PolicyRule.of("")
                .withVerbs("get")
                .withResources(GroupResources.of("", "secrets"))
                .withNamespaces("kube-system"),
            List.of("rules[0].level: Required value")),
        Arguments.of(
            "invalid level",
            PolicyRule.of("FooBar"),
            List.of(
                "rules[0].level: Unsupported value: \"FooBar\": supported values: \"None\","
                    + " \"Metadata\", \"Request\", \"RequestResponse\"")),
        Arguments.of(
            "nonResourceURLs with namespaces",
            PolicyRule.of(Level.Metadata).withNamespaces("default").withNonResourceURLs("/logs*"),
            List.of(
                "rules[0].nonResourceURLs: Invalid value: []string{\"/logs*\"}: rules cannot"
                    + " apply to both regular resources and non-resource URLs")),
        Arguments.of(
            "nonResourceURLs with resources",
            PolicyRule.of(Level.Metadata)
                .withResources(GroupResources.of("", "secrets"))
                .withNonResourceURLs("/logs*"),
            List.of(
                "rules[0].nonResourceURLs: Invalid value: []string{\"/logs*\"}: rules cannot"
                    + " apply to both regular resources and non-resource URLs")),
        Arguments.of(
            "group with a version",
            PolicyRule.of(Level.Metadata)
                .withResources(GroupResources.of("rbac.authorization.k8s.io/v1beta1", "roles")),
            List.of(
                "rules[0].resources.group: Invalid value: \"rbac.authorization.k8s.io/v1beta1\": "
                    + DNS_MESSAGE)),
        Arguments.of(
            "non-resource URL without a leading slash",
            PolicyRule.of(Level.Metadata).withNonResourceURLs("logs", "/healthz*"),
            List.of(
                "rules[0].nonResourceURLs[0]: Invalid value: \"logs\": non-resource URL rules"
                    + " must begin with a '/' character")),
        Arguments.of(
            "empty non-resource URL",
            PolicyRule.of(Level.Metadata).withNonResourceURLs("", "/healthz*"),
            List.of(
                "rules[0].nonResourceURLs[0]: Invalid value: \"\": non-resource URL rules must"
                    + " begin with a '/' character")),
        Arguments.of(
            "two wildcards",
            PolicyRule.of(Level.Metadata).withNonResourceURLs("/logs/*/*", "/metrics"),
            List.of(
                "rules[0].nonResourceURLs[0]: Invalid value: \"/logs/*/*\": non-resource URL"
                    + " wildcards '*' must be the final character of the rule")),
        Arguments.of(
            "wildcard not at the end",
            PolicyRule.of(Level.Metadata).withNonResourceURLs("/logs/*.log", "/metrics"),
            List.of(
                "rules[0].nonResourceURLs[0]: Invalid value: \"/logs/*.log\": non-resource URL"
                    + " wildcards '*' must be the final character of the rule")),
        Arguments.of(
            "a relative wildcard URL breaks both URL rules",
            PolicyRule.of(Level.Metadata).withNonResourceURLs("a*b"),
            List.of(
                "rules[0].nonResourceURLs[0]: Invalid value: \"a*b\": non-resource URL rules"
                    + " must begin with a '/' character",
                "rules[0].nonResourceURLs[0]: Invalid value: \"a*b\": non-resource URL wildcards"
                    + " '*' must be the final character of the rule")),
        Arguments.of(
            "resourceNames without resources",
            PolicyRule.of(Level.Metadata)
                .withResources(GroupResources.of("apps").withResourceNames("web")),
            List.of(
                "rules[0].resources.resourceNames: Invalid value: []string{\"web\"}: using"
                    + " resourceNames requires at least one resource")),
        Arguments.of(
            "unknown omitted stage",
            PolicyRule.of(Level.Metadata).withOmitStages(List.of("ResponseComplete", "Done")),
            List.of(
                "rules[0].omitStages[1]: Invalid value: \"Done\": allowed stages are"
                    + " RequestReceived,ResponseStarted,ResponseComplete,Panic")),
        Arguments.of(
            "group longer than 253 characters",
            PolicyRule.of(Level.Metadata)
                .withResources(GroupResources.of("a".repeat(254), "things")),
            List.of(
                "rules[0].resources.group: Invalid value: \""
                    + "a".repeat(254)
                    + "\": must be no more than 253 characters")),
        Arguments.of(
            "upper-case group",
            PolicyRule.of(Level.Metadata).withResources(GroupResources.of("Apps", "things")),
            List.of("rules[0].resources.group: Invalid value: \"Apps\": " + DNS_MESSAGE)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidRules")
  void invalid(String name, PolicyRule rule, List<String> expected) {
    List<FieldError> errors = PolicyValidator.validate(Policy.of(rule));

    assertThat(errors).map(FieldError::toString).containsExactlyElementsOf(expected);
  }

  @Test
  void aValidRuleListWithOneEmptyRuleReportsThatRule() {
    List<PolicyRule> rules = new ArrayList<>(VALID_RULES);
    rules.add(PolicyRule.of(""));

    List<FieldError> errors =
        PolicyValidator.validate(new Policy(Policy.V1, List.of(), false, rules));

    assertThat(errors).map(FieldError::toString).containsExactly("rules[4].level: Required value");
  }

  @Test
  void everyErrorIsReportedInKubeApiserversOrder() {
    Policy policy =
        new Policy(
            Policy.V1,
            List.of("Sometimes"),
            false,
            List.of(
                PolicyRule.of(Level.Metadata),
                PolicyRule.of("Verbose")
                    .withNamespaces("default")
                    .withNonResourceURLs("metrics")
                    .withResources(GroupResources.of("Bad_Group").withResourceNames("x"))
                    .withOmitStages(List.of("Never")),
                PolicyRule.of("")));

    List<FieldError> errors = PolicyValidator.validate(policy);

    assertThat(errors)
        .map(FieldError::field)
        .containsExactly(
            "omitStages[0]",
            "rules[1].level",
            "rules[1].nonResourceURLs[0]",
            "rules[1].resources.group",
            "rules[1].resources.resourceNames",
            "rules[1].omitStages[0]",
            "rules[1].nonResourceURLs",
            "rules[2].level");
    assertThat(errors)
        .map(FieldError::type)
        .containsExactly(
            FieldError.Type.INVALID,
            FieldError.Type.NOT_SUPPORTED,
            FieldError.Type.INVALID,
            FieldError.Type.INVALID,
            FieldError.Type.INVALID,
            FieldError.Type.INVALID,
            FieldError.Type.INVALID,
            FieldError.Type.REQUIRED);
    assertThat(errors.get(1))
        .hasToString(
            "rules[1].level: Unsupported value: \"Verbose\": supported values: \"None\","
                + " \"Metadata\", \"Request\", \"RequestResponse\"");
  }

  @Test
  void valuesArePrintedAsGoPrintsThem() {
    PolicyRule rule = PolicyRule.of("Say \"hi\"\n\u0001");

    List<FieldError> errors = PolicyValidator.validate(Policy.of(rule));

    assertThat(errors.get(0).message())
        .startsWith("Unsupported value: \"Say \\\"hi\\\"\\n\\x01\": supported values:");
  }
}
