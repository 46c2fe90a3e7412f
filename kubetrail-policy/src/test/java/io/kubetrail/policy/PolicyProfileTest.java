package io.kubetrail.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.event.Level;
import io.kubetrail.event.Stage;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class PolicyProfileTest {

  @ParameterizedTest
  @EnumSource(PolicyProfile.class)
  void everyProfileIsValidV1AndSurvivesItsOwnYaml(PolicyProfile profile) throws PolicyException {
    Policy policy = profile.policy();

    LoadedPolicy reloaded = PolicyLoader.load(policy.toYaml(), profile.profileName() + ".yaml");

    assertThat(PolicyValidator.validate(policy)).isEmpty();
    assertThat(policy.apiVersion()).isEqualTo(Policy.V1);
    assertThat(reloaded.warnings()).isEmpty();
    assertThat(reloaded.policy()).isEqualTo(policy);
    assertThat(PolicyProfile.byName(profile.profileName())).contains(profile);
    assertThat(profile.description()).isNotBlank().doesNotContain("\n");
  }

  @Test
  void unknownProfileNamesFindNothing() {
    assertThat(PolicyProfile.byName("CIS")).isEmpty();
    assertThat(PolicyProfile.byName("")).isEmpty();
  }

  @Test
  void calicoIsTheSeedSampleInV1() throws PolicyException {
    Policy sample = PolicyLoader.load(PolicyLoaderTest.CALICO_SAMPLE, "sample.yaml").policy();

    assertThat(PolicyProfile.CALICO.policy()).isEqualTo(sample.withApiVersion(Policy.V1));
  }

  @Test
  void gkeIsTheRenderedConfigureHelperPolicy() throws IOException, PolicyException {
    Policy rendered =
        PolicyLoader.load(
                PolicyLoaderTest.TestData.file("policies/gke-gci-default-audit-policy.yaml"))
            .policy();

    assertThat(PolicyProfile.GKE.policy()).isEqualTo(rendered);
  }

  @Test
  void gkeHasTheSeventeenRulesInTheirOrder() {
    List<String> levels =
        PolicyProfile.GKE.policy().rules().stream().map(PolicyRule::level).toList();

    assertThat(levels)
        .containsExactly(
            "None",
            "None",
            "None",
            "None",
            "None",
            "None",
            "None",
            "None",
            "None",
            "None",
            "Request",
            "Request",
            "Request",
            "Metadata",
            "Request",
            "RequestResponse",
            "Metadata");
    assertThat(PolicyProfile.GKE.policy().rules().subList(10, 17))
        .allSatisfy(r -> assertThat(r.omitStages()).containsExactly("RequestReceived"));
    assertThat(PolicyProfile.GKE.policy().rules().get(15).resources())
        .map(GroupResources::group)
        .hasSize(18)
        .contains("", "networking.k8s.io", "rbac.authorization.k8s.io", "extensions");
  }

  /** What the CIS profile decides, request by request (admin user unless said otherwise). */
  @ParameterizedTest(name = "{0} {1}/{2}/{3} {4} -> {5}")
  @CsvSource({
    "get, '', secrets, '', kube-system, Metadata",
    "create, '', secrets, '', kube-system, Metadata",
    "update, '', configmaps, '', default, Metadata",
    "create, authentication.k8s.io, tokenreviews, '', '', Metadata",
    "create, '', serviceaccounts, token, default, Metadata",
    "create, '', pods, exec, default, Metadata",
    "get, '', pods, portforward, default, Metadata",
    "create, '', pods, '', default, RequestResponse",
    "patch, '', pods, status, kube-system, RequestResponse",
    "update, '', namespaces, status, default, RequestResponse",
    "delete, '', namespaces, '', team-a, RequestResponse",
    "patch, networking.k8s.io, networkpolicies, '', default, RequestResponse",
    "update, rbac.authorization.k8s.io, clusterrolebindings, '', '', RequestResponse",
    "deletecollection, rbac.authorization.k8s.io, roles, '', default, RequestResponse",
    "patch, apps, deployments, '', default, RequestResponse",
    "get, '', pods, '', default, Metadata",
    "list, rbac.authorization.k8s.io, roles, '', default, Metadata",
    "create, '', events, '', default, None",
    "create, events.k8s.io, events, '', default, None",
    "update, coordination.k8s.io, leases, '', kube-node-lease, Metadata",
  })
  void cisDecisions(
      String verb, String group, String resource, String sub, String ns, Level expected) {
    PolicyEvaluator cis = PolicyEvaluator.of(PolicyProfile.CIS.policy());

    Decision decision =
        cis.evaluate(
            RequestAttributes.resource(
                java.util.Optional.of(Coverage.ADMIN.user()), verb, group, resource, sub, ns, "x"));

    assertThat(decision.level()).isEqualTo(expected);
    assertThat(decision.omits(Stage.RequestReceived)).isTrue();
  }

  @ParameterizedTest
  @CsvSource({
    "/healthz, None",
    "/healthz/etcd, None",
    "/livez, None",
    "/readyz?verbose, None",
    "/metrics, None",
    "/version, None",
    "/openapi/v3, None",
    "/apis, Metadata",
    "/api/v1, Metadata"
  })
  void cisDropsProbesButNotDiscovery(String path, Level expected) {
    PolicyEvaluator cis = PolicyEvaluator.of(PolicyProfile.CIS.policy());
    int q = path.indexOf('?');

    Decision decision =
        cis.evaluate(
            RequestAttributes.nonResource(
                java.util.Optional.empty(), "get", q < 0 ? path : path.substring(0, q)));

    assertThat(decision.level()).isEqualTo(expected);
  }
}
