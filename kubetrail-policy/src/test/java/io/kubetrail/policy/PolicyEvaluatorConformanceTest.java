package io.kubetrail.policy;

import static io.kubetrail.event.Stage.Panic;
import static io.kubetrail.event.Stage.RequestReceived;
import static io.kubetrail.event.Stage.ResponseComplete;
import static io.kubetrail.event.Stage.ResponseStarted;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.event.Level;
import io.kubetrail.event.Stage;
import io.kubetrail.event.UserInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * kube-apiserver's policy checker tests ({@code pkg/audit/policy/checker_test.go}), ported as
 * facts: the same named requests and rules, the same expected levels and stages.
 */
class PolicyEvaluatorConformanceTest {
  private static final Optional<UserInfo> TIM =
      Optional.of(UserInfo.of("tim@k8s.io", "humans", "developers"));

  static final Map<String, RequestAttributes> REQUESTS =
      Map.of(
          "namespaced",
          RequestAttributes.resource(TIM, "get", "", "pods", "", "default", "busybox"),
          "cluster",
          RequestAttributes.resource(
              TIM, "get", "rbac.authorization.k8s.io", "clusterroles", "", "", "edit"),
          "nonResource",
          RequestAttributes.nonResource(TIM, "get", "/logs/kubelet.log"),
          "subresource",
          RequestAttributes.resource(TIM, "get", "", "pods", "log", "default", "busybox"),
          "Unauthorized",
          RequestAttributes.resource(
              Optional.empty(), "get", "", "pods", "", "default", "busybox"));

  static final Map<String, PolicyRule> RULES =
      Map.ofEntries(
          Map.entry("default", PolicyRule.of(Level.Metadata)),
          Map.entry("create", PolicyRule.of(Level.Request).withVerbs("create")),
          Map.entry("tims", PolicyRule.of(Level.Metadata).withUsers("tim@k8s.io")),
          Map.entry("humans", PolicyRule.of(Level.Metadata).withUserGroups("humans")),
          Map.entry(
              "serviceAccounts",
              PolicyRule.of(Level.Request).withUserGroups("system:serviceaccounts")),
          Map.entry(
              "getPods",
              PolicyRule.of(Level.RequestResponse)
                  .withVerbs("get")
                  .withResources(GroupResources.of("", "pods"))),
          Map.entry(
              "getPodLogs",
              PolicyRule.of(Level.Request)
                  .withVerbs("get")
                  .withResources(GroupResources.of("", "pods/log"))),
          Map.entry(
              "getPodWildcardMatching",
              PolicyRule.of(Level.Request)
                  .withVerbs("get")
                  .withResources(GroupResources.of("", "*"))),
          Map.entry(
              "getPodResourceWildcardMatching",
              PolicyRule.of(Level.Request)
                  .withVerbs("get")
                  .withResources(GroupResources.of("", "*/log"))),
          Map.entry(
              "getPodSubResourceWildcardMatching",
              PolicyRule.of(Level.Request)
                  .withVerbs("get")
                  .withResources(GroupResources.of("", "pods/*"))),
          Map.entry(
              "getClusterRoles",
              PolicyRule.of(Level.RequestResponse)
                  .withVerbs("get")
                  .withResources(GroupResources.of("rbac.authorization.k8s.io", "clusterroles"))
                  .withNamespaces("")),
          Map.entry(
              "getLogs",
              PolicyRule.of(Level.RequestResponse).withVerbs("get").withNonResourceURLs("/logs*")),
          Map.entry(
              "getMetrics",
              PolicyRule.of(Level.Request).withVerbs("get").withNonResourceURLs("/metrics")),
          Map.entry(
              "clusterRoleEdit",
              PolicyRule.of(Level.Request)
                  .withResources(
                      GroupResources.of("rbac.authorization.k8s.io", "clusterroles")
                          .withResourceNames("edit"))),
          Map.entry(
              "omit RequestReceived", PolicyRule.of(Level.Request).withOmitStages(RequestReceived)),
          Map.entry(
              "only audit panic",
              PolicyRule.of(Level.Request)
                  .withOmitStages(RequestReceived, ResponseStarted, ResponseComplete)));

  /** checker_test.go testAuditLevel: request, expected level, rules in order. */
  static Stream<Arguments> auditLevelCases() {
    return Stream.of(
            "namespaced | Metadata | default",
            "namespaced | None | create",
            "namespaced | Metadata | tims",
            "namespaced | Metadata | humans",
            "namespaced | None | serviceAccounts",
            "namespaced | RequestResponse | getPods",
            "namespaced | None | getClusterRoles",
            "namespaced | None | getLogs",
            "namespaced | None | getMetrics",
            "namespaced | Metadata | getMetrics, serviceAccounts, default",
            "namespaced | RequestResponse | getMetrics, getPods, default",
            "namespaced | RequestResponse | getPodLogs, getPods",
            "cluster | Metadata | default",
            "cluster | None | create",
            "cluster | Metadata | tims",
            "cluster | Metadata | humans",
            "cluster | None | serviceAccounts",
            "cluster | None | getPods",
            "cluster | RequestResponse | getClusterRoles",
            "cluster | Request | clusterRoleEdit, getClusterRoles",
            "cluster | None | getLogs",
            "cluster | None | getMetrics",
            "cluster | Metadata | getMetrics, serviceAccounts, default",
            "cluster | RequestResponse | getMetrics, getClusterRoles, default",
            "cluster | None | getPodLogs, getPods",
            "nonResource | Metadata | default",
            "nonResource | None | create",
            "nonResource | Metadata | tims",
            "nonResource | Metadata | humans",
            "nonResource | None | serviceAccounts",
            "nonResource | None | getPods",
            "nonResource | None | getClusterRoles",
            "nonResource | RequestResponse | getLogs",
            "nonResource | None | getMetrics",
            "nonResource | Metadata | getMetrics, serviceAccounts, default",
            "nonResource | RequestResponse | getLogs, getClusterRoles, default",
            "nonResource | None | getPodLogs, getPods",
            "subresource | Request | getPodLogs, getPods",
            "subresource | Request | getPodWildcardMatching",
            "subresource | Request | getPodResourceWildcardMatching",
            "subresource | Request | getPodSubResourceWildcardMatching",
            "Unauthorized | None | tims",
            "Unauthorized | Metadata | tims, default",
            "Unauthorized | None | humans",
            "Unauthorized | Metadata | humans, default")
        .flatMap(
            row ->
                // Each case runs without policy stages and with RequestReceived+ResponseStarted.
                Stream.of(
                    Arguments.of(row, List.<Stage>of()),
                    Arguments.of(row, List.of(RequestReceived, ResponseStarted))));
  }

  @ParameterizedTest(name = "{0} with policy omitStages {1}")
  @MethodSource("auditLevelCases")
  void auditLevel(String row, List<Stage> policyStages) {
    String[] cells = row.split("\\|");
    String request = cells[0].trim();
    Level expected = Level.valueOf(cells[1].trim());
    List<String> ruleNames = Arrays.stream(cells[2].split(",")).map(String::trim).toList();

    Decision decision = evaluate(request, policyStages, ruleNames);

    assertThat(decision.level()).isEqualTo(expected);
    assertThat(decision.omitStages()).containsExactlyInAnyOrderElementsOf(policyStages);
  }

  /** checker_test.go TestChecker and TestCheckerPolicyOmitStages: per-rule omitStages. */
  @ParameterizedTest(name = "{0}: policy {1}, rules {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "namespaced | | omit RequestReceived, getPods, default | Request | RequestReceived",
        "namespaced | | only audit panic, getPods, default | Request"
            + " | RequestReceived, ResponseStarted, ResponseComplete",
        "cluster | | omit RequestReceived, getPods, default | Request | RequestReceived",
        "cluster | | only audit panic, getPods, default | Request"
            + " | RequestReceived, ResponseStarted, ResponseComplete",
        "nonResource | | omit RequestReceived, getPods, default | Request | RequestReceived",
        "nonResource | | only audit panic, getPods, default | Request"
            + " | RequestReceived, ResponseStarted, ResponseComplete",
        "namespaced | RequestReceived, ResponseStarted | omit RequestReceived, getPods, default"
            + " | Request | RequestReceived, ResponseStarted",
        "namespaced | RequestReceived, ResponseStarted | only audit panic, getPods, default"
            + " | Request | RequestReceived, ResponseStarted, ResponseComplete",
        "cluster | RequestReceived, ResponseStarted | omit RequestReceived, getPods, default"
            + " | Request | RequestReceived, ResponseStarted",
        "cluster | RequestReceived, ResponseStarted | only audit panic, getPods, default"
            + " | Request | RequestReceived, ResponseStarted, ResponseComplete",
        "nonResource | RequestReceived, ResponseStarted | default, omit RequestReceived, getPods"
            + " | Metadata | RequestReceived, ResponseStarted",
        "nonResource | RequestReceived, ResponseStarted | only audit panic, getPods, default"
            + " | Request | RequestReceived, ResponseStarted, ResponseComplete",
      })
  void ruleOmitStagesAreUnitedWithThePolicys(
      String request, String policyStages, String rules, Level level, String expectedStages) {
    Decision decision = evaluate(request, stages(policyStages), names(rules));

    assertThat(decision.level()).isEqualTo(level);
    assertThat(decision.omitStages()).containsExactlyInAnyOrderElementsOf(stages(expectedStages));
  }

  /** checker_test.go TestUnionStages, through a policy's stages and a rule's stages. */
  @ParameterizedTest(name = "{0} + {1} = {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        " | | ",
        "RequestReceived | | RequestReceived",
        "RequestReceived | RequestReceived | RequestReceived",
        "RequestReceived | ResponseStarted | RequestReceived, ResponseStarted",
        "RequestReceived, RequestReceived | RequestReceived, RequestReceived | RequestReceived",
        "RequestReceived, ResponseStarted | Panic, RequestReceived"
            + " | RequestReceived, ResponseStarted, Panic",
        " | RequestReceived | RequestReceived",
      })
  void stageUnion(String policyStages, String ruleStages, String expected) {
    Policy policy =
        new Policy(
            Policy.V1,
            names(policyStages),
            false,
            List.of(PolicyRule.of(Level.Metadata).withOmitStages(names(ruleStages))));

    Decision decision = PolicyEvaluator.of(policy).evaluate(REQUESTS.get("namespaced"));

    assertThat(decision.omitStages()).containsExactlyInAnyOrderElementsOf(stages(expected));
  }

  /** checker_test.go TestOmitManagedFields: the rule's setting overrides the policy's. */
  @ParameterizedTest(name = "policy {0}, rule {1} -> {2}")
  @CsvSource({"false, , false", "true, , true", "true, false, false", "false, true, true"})
  void omitManagedFieldsOverride(boolean policyValue, Boolean ruleValue, boolean expected) {
    PolicyRule rule = PolicyRule.of(Level.RequestResponse).withVerbs("get");
    if (ruleValue != null) {
      rule = rule.withOmitManagedFields(ruleValue);
    }
    Policy policy = Policy.of(rule).withOmitManagedFields(policyValue);

    Decision decision =
        PolicyEvaluator.of(policy)
            .evaluate(RequestAttributes.nonResource(Optional.empty(), "get", ""));

    assertThat(decision.omitManagedFields()).isEqualTo(expected);
  }

  @Test
  void noMatchIsNoneWithThePolicysStagesAndManagedFieldsSetting() {
    Policy policy =
        Policy.of(PolicyRule.of(Level.Metadata).withVerbs("create").withOmitStages(Panic))
            .withOmitStages(RequestReceived)
            .withOmitManagedFields(true);

    Decision decision = PolicyEvaluator.of(policy).evaluate(REQUESTS.get("namespaced"));

    assertThat(decision.level()).isEqualTo(Level.None);
    assertThat(decision.omitStages()).containsExactly(RequestReceived);
    assertThat(decision.omitManagedFields()).isTrue();
    assertThat(decision.ruleIndex()).isEmpty();
  }

  private static Decision evaluate(String request, List<Stage> policyStages, List<String> rules) {
    List<PolicyRule> selected = new ArrayList<>();
    for (String name : rules) {
      assertThat(RULES).containsKey(name);
      selected.add(RULES.get(name));
    }
    Policy policy =
        new Policy(Policy.V1, policyStages.stream().map(Stage::name).toList(), false, selected);
    assertThat(REQUESTS).containsKey(request);
    return PolicyEvaluator.of(policy).evaluate(REQUESTS.get(request));
  }

  private static List<String> names(String csv) {
    if (csv == null || csv.isBlank()) {
      return List.of();
    }
    return Arrays.stream(csv.split(",")).map(String::trim).toList();
  }

  private static List<Stage> stages(String csv) {
    Set<Stage> set = EnumSet.noneOf(Stage.class);
    names(csv).forEach(n -> set.add(Stage.valueOf(n)));
    return List.copyOf(set);
  }
}
