package io.kubetrail.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.event.Level;
import io.kubetrail.event.Stage;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class CoverageTest {
  /** The requesters probed on every resource, as opposed to endpoints only. */
  private static final String EVERYWHERE = "admin user kubelet controller namespace-controller";

  private static final String ALL = EVERYWHERE + " controller-manager endpoint-controller";

  /**
   * A change some requester gets below RequestResponse: the lowest level, the rule that gives it
   * (-1 for none), who gets less than RequestResponse and by which requests.
   */
  record Gap(String change, Level lowest, int rule, Set<String> requesters, Set<String> requests) {
    static Gap of(String change, Level lowest, int rule, String requesters, String requests) {
      return new Gap(change, lowest, rule, words(requesters), words(requests));
    }

    static Gap of(Coverage.Cell cell) {
      OptionalInt rule = cell.decision().ruleIndex();
      return new Gap(
          cell.label(),
          cell.effectiveLevel(),
          rule.isPresent() ? rule.getAsInt() : -1,
          cell.gaps().stream()
              .map(p -> p.requester().name())
              .collect(Collectors.toCollection(TreeSet::new)),
          cell.gaps().stream()
              .map(p -> p.request().verb() + ":" + p.resourceLabel())
              .collect(Collectors.toCollection(TreeSet::new)));
    }

    private static Set<String> words(String s) {
      return new TreeSet<>(Arrays.asList(s.split(" ")));
    }
  }

  static Stream<Arguments> profileGaps() {
    return Stream.of(
        Arguments.of(
            PolicyProfile.GKE,
            List.of(
                // rules[11]: system:nodes update and patch pods/status at Request.
                Gap.of("update pods", Level.Request, 11, "kubelet", "update:pods/status"),
                Gap.of("patch pods", Level.Request, 11, "kubelet", "patch:pods/status"),
                // rules[12]: the namespace controller's deletecollection at Request.
                Gap.of(
                    "delete pods",
                    Level.Request,
                    12,
                    "namespace-controller",
                    "deletecollection:pods"),
                Gap.of(
                    "delete serviceaccounts",
                    Level.Request,
                    12,
                    "namespace-controller",
                    "deletecollection:serviceaccounts"),
                // rules[4]: controllers' endpoints updates in kube-system not at all.
                Gap.of(
                    "update endpoints",
                    Level.None,
                    4,
                    "controller-manager endpoint-controller",
                    "update:endpoints"),
                Gap.of(
                    "delete endpoints",
                    Level.Request,
                    12,
                    "namespace-controller",
                    "deletecollection:endpoints"),
                Gap.of(
                    "delete networkpolicies.networking.k8s.io",
                    Level.Request,
                    12,
                    "namespace-controller",
                    "deletecollection:networkpolicies"),
                Gap.of(
                    "delete networkpolicies.extensions",
                    Level.Request,
                    12,
                    "namespace-controller",
                    "deletecollection:networkpolicies"))),
        Arguments.of(
            PolicyProfile.CALICO,
            List.of(
                // Its one rule names pods, not pods/status, and no deletecollection.
                Gap.of("update pods", Level.None, -1, EVERYWHERE, "update:pods/status"),
                Gap.of("patch pods", Level.None, -1, EVERYWHERE, "patch:pods/status"),
                Gap.of("delete pods", Level.None, -1, EVERYWHERE, "deletecollection:pods"),
                Gap.of("update namespaces", Level.None, -1, EVERYWHERE, "update:namespaces/status"),
                Gap.of("patch namespaces", Level.None, -1, EVERYWHERE, "patch:namespaces/status"),
                Gap.of(
                    "delete serviceaccounts",
                    Level.None,
                    -1,
                    EVERYWHERE,
                    "deletecollection:serviceaccounts"),
                Gap.of("delete endpoints", Level.None, -1, ALL, "deletecollection:endpoints"),
                Gap.of(
                    "delete networkpolicies.networking.k8s.io",
                    Level.None,
                    -1,
                    EVERYWHERE,
                    "deletecollection:networkpolicies"),
                Gap.of(
                    "delete networkpolicies.extensions",
                    Level.None,
                    -1,
                    EVERYWHERE,
                    "deletecollection:networkpolicies"))),
        Arguments.of(PolicyProfile.CIS, List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void profileGaps(PolicyProfile profile, List<Gap> expected) {
    Coverage coverage = Coverage.of(PolicyEvaluator.of(profile.policy()));

    assertThat(coverage.cells()).hasSize(24);
    assertThat(coverage.belowRequestResponse().stream().map(Gap::of).toList())
        .containsExactlyElementsOf(expected);
  }

  /**
   * A policy that gives one requester (or namespace, or request) less than RequestResponse and
   * everything else RequestResponse: the changes it lowers, for whom.
   */
  static Stream<Arguments> rulesAimedAtOneRequester() {
    return Stream.of(
        Arguments.of(
            PolicyRule.of(Level.Metadata).withUsers("kubernetes-admin"),
            "create pods",
            24,
            "admin"),
        Arguments.of(
            PolicyRule.of(Level.Request).withUsers("jane"), "delete endpoints", 24, "user"),
        Arguments.of(
            PolicyRule.of(Level.Request)
                .withUserGroups("system:nodes")
                .withResources(GroupResources.of("", "pods/status")),
            "patch pods",
            2,
            "kubelet"),
        Arguments.of(
            PolicyRule.of(Level.None)
                .withUsers("system:serviceaccount:kube-system:replicaset-controller")
                .withVerbs("create", "delete")
                .withResources(GroupResources.of("", "pods")),
            "create pods",
            2,
            "controller"),
        Arguments.of(
            PolicyRule.of(Level.Metadata)
                .withUserGroups("system:serviceaccounts:kube-system")
                .withVerbs("update"),
            "update endpoints",
            6,
            "controller namespace-controller endpoint-controller"),
        Arguments.of(
            PolicyRule.of(Level.None)
                .withUsers("system:kube-controller-manager")
                .withNamespaces("kube-system")
                .withVerbs("update")
                .withResources(GroupResources.of("", "endpoints")),
            "update endpoints",
            1,
            "controller-manager"),
        Arguments.of(
            PolicyRule.of(Level.Request).withVerbs("deletecollection"),
            "delete networkpolicies.extensions",
            5,
            EVERYWHERE),
        Arguments.of(
            PolicyRule.of(Level.Metadata).withNamespaces("kube-system"),
            "delete serviceaccounts",
            // Every change but creating a namespace, which has no namespace yet.
            23,
            EVERYWHERE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void rulesAimedAtOneRequester(
      PolicyRule lowering, String change, int changesLowered, String requesters) {
    Policy policy = Policy.of(lowering, PolicyRule.of(Level.RequestResponse));

    Coverage coverage = Coverage.of(PolicyEvaluator.of(policy));

    Map<String, Coverage.Cell> below =
        coverage.belowRequestResponse().stream()
            .collect(Collectors.toMap(Coverage.Cell::label, c -> c));
    assertThat(below).hasSize(changesLowered).containsKey(change);
    assertThat(Gap.of(below.get(change)).requesters()).isEqualTo(Gap.words(requesters));
    assertThat(below.get(change).decision().ruleIndex()).hasValue(0);
  }

  @Test
  void everyRequesterIsProbedAsItsOwnUserOnTheResourcesItChanges() {
    Coverage coverage = Coverage.of(PolicyEvaluator.of(PolicyProfile.CALICO.policy()));

    assertThat(coverage.requesters()).isEqualTo(Coverage.REQUESTERS);
    assertThat(coverage.cells())
        .flatMap(Coverage.Cell::probes)
        .allSatisfy(
            p -> {
              assertThat(p.request().user()).contains(p.requester().user());
              assertThat(
                      p.requester()
                          .changes(
                              new Coverage.Target(p.request().apiGroup(), p.request().resource())))
                  .isTrue();
            });
    assertThat(
            coverage.cell(new Coverage.Target("", "pods"), "create").probes().stream()
                .map(p -> p.requester().name())
                .distinct())
        .containsExactly(EVERYWHERE.split(" "));
  }

  /** How many requests each change is probed as: requesters x namespaces x request variants. */
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "create, pods, 10",
    "update, pods, 20",
    "delete, pods, 20",
    // POST /api/v1/namespaces has no namespace, so both namespaces give one request.
    "create, namespaces, 5",
    "patch, namespaces, 20",
    // Namespaces have no deletecollection.
    "delete, namespaces, 10",
    "update, serviceaccounts, 10",
    "update, endpoints, 14",
    "delete, endpoints, 28",
  })
  void probesPerChange(String verb, String resource, int probes) {
    Coverage coverage = Coverage.of(PolicyEvaluator.of(PolicyProfile.CIS.policy()));

    assertThat(coverage.cell(new Coverage.Target("", resource), verb).probes()).hasSize(probes);
  }

  @Test
  void theLowestProbeIsTheCellsLevelAndTheFirstOnATie() {
    Policy policy =
        Policy.of(
            PolicyRule.of(Level.Request).withUserGroups("system:nodes"),
            PolicyRule.of(Level.Metadata).withUsers("jane"),
            PolicyRule.of(Level.Request).withUsers("kubernetes-admin"),
            PolicyRule.of(Level.RequestResponse));

    Coverage.Cell cell =
        Coverage.of(PolicyEvaluator.of(policy)).cell(new Coverage.Target("", "pods"), "patch");

    assertThat(cell.effectiveLevel()).isEqualTo(Level.Metadata);
    assertThat(cell.lowest().requester()).isEqualTo(Coverage.USER);
    assertThat(cell.uniform()).isFalse();
    assertThat(cell.gaps())
        .extracting(p -> p.requester().name())
        .containsOnly("admin", "user", "kubelet");
  }

  @Test
  void coverageNamesEveryCombinationBelowRequestResponse() {
    Policy metadataOnly =
        Policy.of(
            PolicyRule.of(Level.RequestResponse)
                .withVerbs("create", "update")
                .withResources(GroupResources.of("", "pods", "namespaces")),
            PolicyRule.of(Level.Request)
                .withResources(GroupResources.of("networking.k8s.io", "networkpolicies")),
            PolicyRule.of(Level.Metadata));

    Coverage coverage = Coverage.of(PolicyEvaluator.of(metadataOnly));

    Map<String, Level> below =
        coverage.belowRequestResponse().stream()
            .collect(Collectors.toMap(Coverage.Cell::label, Coverage.Cell::effectiveLevel));
    // Updates of pods and namespaces lose their status writes, which rules[0] does not name.
    assertThat(below).hasSize(22).doesNotContainKeys("create pods", "create namespaces");
    assertThat(below)
        .containsEntry("update pods", Level.Metadata)
        .containsEntry("patch pods", Level.Metadata)
        .containsEntry("delete networkpolicies.networking.k8s.io", Level.Request)
        .containsEntry("create networkpolicies.extensions", Level.Metadata);
  }

  @Test
  void omittingResponseCompleteCountsAsNotLogged() {
    Policy policy =
        Policy.of(PolicyRule.of(Level.RequestResponse))
            .withOmitStages(Stage.RequestReceived, Stage.ResponseComplete);

    Coverage coverage = Coverage.of(PolicyEvaluator.of(policy));

    assertThat(coverage.belowRequestResponse()).hasSize(24);
    assertThat(coverage.cells())
        .allSatisfy(c -> assertThat(c.effectiveLevel()).isEqualTo(Level.None));
  }

  @Test
  void coverageProbesCreateANamespaceWithoutANamespace() {
    // namespaces: [""] matches POST /api/v1/namespaces only.
    Policy policy =
        Policy.of(
            PolicyRule.of(Level.RequestResponse)
                .withNamespaces("")
                .withResources(GroupResources.of("", "namespaces")));

    Coverage coverage = Coverage.of(PolicyEvaluator.of(policy));

    Coverage.Target namespaces = new Coverage.Target("", "namespaces");
    assertThat(coverage.cell(namespaces, "create").effectiveLevel())
        .isEqualTo(Level.RequestResponse);
    assertThat(coverage.cell(namespaces, "update").effectiveLevel()).isEqualTo(Level.None);
  }

  @Test
  void theFalcoPolicyLeavesSomeChangesWithoutResponses() throws IOException, PolicyException {
    Policy falco =
        PolicyLoader.load(
                PolicyLoaderTest.TestData.file("policies/falco-plugins-k8saudit-audit-policy.yaml"))
            .policy();

    Coverage coverage = Coverage.of(PolicyEvaluator.of(falco));

    assertThat(coverage.cell(new Coverage.Target("", "pods"), "create").effectiveLevel())
        .isEqualTo(Level.RequestResponse);
    assertThat(coverage.cell(new Coverage.Target("", "endpoints"), "update").effectiveLevel())
        .isEqualTo(Level.Request);
    assertThat(
            coverage
                .cell(new Coverage.Target("networking.k8s.io", "networkpolicies"), "create")
                .effectiveLevel())
        .isEqualTo(Level.Metadata);
    assertThat(coverage.belowRequestResponse().stream().map(Coverage.Cell::label))
        .contains("delete serviceaccounts", "update endpoints")
        .doesNotContain("create pods");
  }
}
