package io.kubetrail.history.netpol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Exposure per pod, on the cases of the Kubernetes NetworkPolicy documentation (default deny and
 * allow policies, the annotated example, selector semantics) and the design's flag rules.
 */
class NetworkAccessTest {

  /** The six flags in report column order: protected in/out, internet in/out, other ns in/out. */
  static String flags(PodExposure e) {
    return (e.ingressProtected() ? "P" : "-")
        + (e.egressProtected() ? "P" : "-")
        + (e.ingressFromInternet() ? "I" : "-")
        + (e.egressToInternet() ? "I" : "-")
        + (e.ingressFromOtherNamespace() ? "N" : "-")
        + (e.egressToOtherNamespace() ? "N" : "-");
  }

  private static Cluster app() {
    return new Cluster()
        .namespace("app", "kubernetes.io/metadata.name=app", "team=a")
        .namespace("other", "kubernetes.io/metadata.name=other", "team=b")
        .pod("app", "web", "role=web")
        .pod("app", "db", "role=db", "tier=data")
        .pod("other", "client", "role=client");
  }

  @Test
  void aPodNoPolicySelectsIsOpenEveryWay() throws NetworkPolicyException {
    List<PodExposure> all = app().evaluate();
    assertThat(all)
        .extracting(PodExposure::pod)
        .containsExactly("app/db", "app/web", "other/client");
    for (PodExposure e : all) {
      assertThat(flags(e)).isEqualTo("--IINN");
      assertThat(e.appliedPolicies()).isEmpty();
    }
  }

  @Test
  void defaultDenyAllIngressProtectsIngressOnly() throws NetworkPolicyException {
    Cluster c = app().policy("app", "deny-in", "{'podSelector': {}, 'policyTypes': ['Ingress']}");
    assertThat(flags(c.of("app/web"))).isEqualTo("P--I-N");
    assertThat(c.of("app/web").appliedPolicies()).containsExactly("app/deny-in");
    assertThat(flags(c.of("other/client"))).isEqualTo("--IINN");
  }

  @Test
  void defaultAllowAllIngressIsProtectedButOpen() throws NetworkPolicyException {
    Cluster c = app().policy("app", "allow-in", "{'podSelector': {}, 'ingress': [{}]}");
    assertThat(flags(c.of("app/db"))).isEqualTo("P-IINN");
  }

  @Test
  void defaultDenyAllEgressProtectsEgressOnly() throws NetworkPolicyException {
    Cluster c = app().policy("app", "deny-out", "{'podSelector': {}, 'policyTypes': ['Egress']}");
    assertThat(flags(c.of("app/db"))).isEqualTo("-PI-N-");
  }

  @Test
  void defaultAllowAllEgressIsProtectedButOpen() throws NetworkPolicyException {
    Cluster c =
        app()
            .policy(
                "app",
                "allow-out",
                "{'podSelector': {}, 'egress': [{}], 'policyTypes': ['Egress']}");
    assertThat(flags(c.of("app/db"))).isEqualTo("-PIINN");
  }

  @Test
  void defaultDenyAllBothWays() throws NetworkPolicyException {
    Cluster c =
        app().policy("app", "deny", "{'podSelector': {}, 'policyTypes': ['Ingress', 'Egress']}");
    assertThat(flags(c.of("app/web"))).isEqualTo("PP----");
  }

  /** The documentation's annotated example, test-network-policy. */
  private static final String EXAMPLE =
      """
      {'podSelector': {'matchLabels': {'role': 'db'}},
       'policyTypes': ['Ingress', 'Egress'],
       'ingress': [{'from': [
           {'ipBlock': {'cidr': '172.17.0.0/16', 'except': ['172.17.1.0/24']}},
           {'namespaceSelector': {'matchLabels': {'project': 'myproject'}}},
           {'podSelector': {'matchLabels': {'role': 'frontend'}}}],
         'ports': [{'protocol': 'TCP', 'port': 6379}]}],
       'egress': [{'to': [{'ipBlock': {'cidr': '10.0.0.0/24'}}],
         'ports': [{'protocol': 'TCP', 'port': 5978}]}]}
      """;

  @Test
  void theDocumentationsExampleReachesOtherNamespacesOnlyWhenOneHasTheLabel()
      throws NetworkPolicyException {
    Cluster mine =
        new Cluster()
            .namespace("default", "project=myproject")
            .namespace("kube-system")
            .pod("default", "db", "role=db")
            .pod("default", "frontend", "role=frontend")
            .policy("default", "test-network-policy", EXAMPLE);
    // 172.17.0.0/16 is inside 172.16.0.0/12, 10.0.0.0/24 inside 10.0.0.0/8: private.
    assertThat(flags(mine.of("default/db"))).isEqualTo("PP----");
    assertThat(mine.of("default/db").appliedPolicies())
        .containsExactly("default/test-network-policy");
    assertThat(flags(mine.of("default/frontend"))).isEqualTo("--IINN");

    Cluster shared = mine.namespace("partner", "project=myproject");
    assertThat(flags(shared.of("default/db"))).isEqualTo("PP--N-");
  }

  @Test
  void aPolicySelectsPodsOfItsOwnNamespaceOnly() throws NetworkPolicyException {
    Cluster c = app().policy("other", "deny", "{'podSelector': {}, 'policyTypes': ['Ingress']}");
    assertThat(c.of("app/web").appliedPolicies()).isEmpty();
    assertThat(c.of("other/client").appliedPolicies()).containsExactly("other/deny");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{'matchLabels': {'role': 'db'}}                                              | app/db",
        "{'matchExpressions': [{'key': 'role', 'operator': 'In', 'values': ['web', 'db']}]} | app/db app/web",
        "{'matchExpressions': [{'key': 'role', 'operator': 'NotIn', 'values': ['web']}]}    | app/db",
        "{'matchExpressions': [{'key': 'tier', 'operator': 'Exists'}]}                      | app/db",
        "{'matchExpressions': [{'key': 'tier', 'operator': 'DoesNotExist'}]}                | app/web",
        "{'matchLabels': {'role': 'db'}, 'matchExpressions': [{'key': 'tier', 'operator': 'DoesNotExist'}]} | ''",
        "{}                                                                           | app/db app/web"
      })
  void podSelectorsMatchAsInKubernetes(String selector, String selected)
      throws NetworkPolicyException {
    Cluster c =
        app().policy("app", "p", "{'podSelector': " + selector + ", 'policyTypes': ['Ingress']}");
    List<String> chosen =
        c.evaluate().stream()
            .filter(e -> !e.appliedPolicies().isEmpty())
            .map(PodExposure::pod)
            .toList();
    assertThat(chosen)
        .containsExactlyElementsOf(selected.isEmpty() ? List.of() : List.of(selected.split(" ")));
  }

  @Test
  void policyTypesDefaultToIngressAndToEgressWhenThereAreEgressRules()
      throws NetworkPolicyException {
    Cluster ingressOnly = app().policy("app", "p", "{'podSelector': {}}");
    assertThat(flags(ingressOnly.of("app/web"))).isEqualTo("P--I-N");

    Cluster both =
        app().policy("app", "p", "{'podSelector': {}, 'egress': [{'to': [{'podSelector': {}}]}]}");
    assertThat(flags(both.of("app/web"))).isEqualTo("PP----");
  }

  @Test
  void rulesOfADirectionNotInPolicyTypesAreIgnored() throws NetworkPolicyException {
    // Kubernetes ignores the ingress rules of an Egress-only policy: ingress stays unprotected,
    // and its allow-all ingress rule does not count for egress either.
    Cluster c =
        app()
            .policy(
                "app",
                "p",
                "{'podSelector': {}, 'policyTypes': ['Egress'], 'ingress': [{}],"
                    + " 'egress': [{'to': [{'podSelector': {}}]}]}");
    assertThat(flags(c.of("app/web"))).isEqualTo("-PI-N-");
  }

  @Test
  void policiesAddUpTheirAllowances() throws NetworkPolicyException {
    Cluster c =
        app()
            .policy("app", "deny", "{'podSelector': {}, 'policyTypes': ['Ingress', 'Egress']}")
            .policy(
                "app",
                "web-from-anywhere",
                "{'podSelector': {'matchLabels': {'role': 'web'}}, 'ingress': [{'ports': [{'port': 443}]}]}");
    assertThat(c.of("app/web").appliedPolicies())
        .containsExactly("app/deny", "app/web-from-anywhere");
    assertThat(flags(c.of("app/web"))).isEqualTo("PPI-N-");
    assertThat(flags(c.of("app/db"))).isEqualTo("PP----");
  }

  @Test
  void anIpBlockOfPublicAddressesReachesTheInternet() throws NetworkPolicyException {
    String everythingButPrivate =
        "{'podSelector': {}, 'policyTypes': ['Ingress', 'Egress'],"
            + " 'ingress': [{'from': [{'ipBlock': {'cidr': '0.0.0.0/0',"
            + "   'except': ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']}}]}],"
            + " 'egress': [{'to': [{'ipBlock': {'cidr': '192.168.0.0/16'}},"
            + "   {'ipBlock': {'cidr': '8.8.8.8/32'}}]}]}";
    assertThat(flags(app().policy("app", "p", everythingButPrivate).of("app/web")))
        .isEqualTo("PPII--");
  }

  @Test
  void aNamespaceSelectorSelectingOnlyThePodsOwnNamespaceStaysInside()
      throws NetworkPolicyException {
    String own =
        "{'podSelector': {}, 'ingress': [{'from': [{'namespaceSelector': {'matchLabels':"
            + " {'kubernetes.io/metadata.name': 'app'}}, 'podSelector': {'matchLabels': {'role': 'web'}}}]}]}";
    assertThat(flags(app().policy("app", "p", own).of("app/db"))).isEqualTo("P--I-N");

    String teams =
        "{'podSelector': {}, 'ingress': [{'from': [{'namespaceSelector': {'matchExpressions':"
            + " [{'key': 'team', 'operator': 'In', 'values': ['a', 'b']}]}}]}]}";
    assertThat(flags(app().policy("app", "p", teams).of("app/db"))).isEqualTo("P--INN");

    String nobody =
        "{'podSelector': {}, 'ingress': [{'from': [{'namespaceSelector': {'matchLabels':"
            + " {'team': 'z'}}}]}]}";
    assertThat(flags(app().policy("app", "p", nobody).of("app/db"))).isEqualTo("P--I-N");
  }

  @Test
  void anEmptyNamespaceSelectorOrUnknownNamespacesReachOtherNamespaces()
      throws NetworkPolicyException {
    String all = "{'podSelector': {}, 'ingress': [{'from': [{'namespaceSelector': {}}]}]}";
    Cluster alone = new Cluster().namespace("app").pod("app", "web").policy("app", "p", all);
    assertThat(flags(alone.of("app/web"))).isEqualTo("P--INN");

    String own =
        "{'podSelector': {}, 'ingress': [{'from': [{'namespaceSelector': {'matchLabels':"
            + " {'kubernetes.io/metadata.name': 'app'}}}]}]}";
    Cluster noNamespaces = new Cluster().pod("app", "web").policy("app", "p", own);
    assertThat(flags(noNamespaces.of("app/web"))).isEqualTo("P--INN");
  }

  @Test
  void podSelectorPeersStayInTheNamespace() throws NetworkPolicyException {
    String peers =
        "{'podSelector': {}, 'policyTypes': ['Ingress', 'Egress'],"
            + " 'ingress': [{'from': [{'podSelector': {}}]}],"
            + " 'egress': [{'to': [{'podSelector': {'matchLabels': {'role': 'db'}}}],"
            + "   'ports': [{'protocol': 'UDP', 'port': 'dns'}, {'port': 8000, 'endPort': 9000}]}]}";
    assertThat(flags(app().policy("app", "p", peers).of("app/web"))).isEqualTo("PP----");
  }

  @Test
  void extensionsV1beta1PoliciesCountTheSame() throws NetworkPolicyException {
    Cluster c =
        app()
            .policy(
                "extensions/v1beta1",
                "app",
                "old",
                "{'podSelector': {'matchLabels': {'role': 'db'}}, 'policyTypes': ['Ingress']}");
    assertThat(flags(c.of("app/db"))).isEqualTo("P--I-N");
    assertThat(c.of("app/db").appliedPolicies()).containsExactly("app/old");
  }

  @Test
  void combiningInstantsKeepsProtectionOnlyWhenAlwaysAndExposureWhenEver() {
    PodExposure closed =
        new PodExposure("app/web", List.of("app/deny"), true, true, false, false, false, false);
    PodExposure open =
        new PodExposure("app/web", List.of("app/allow"), true, false, true, true, false, true);
    PodExposure both = closed.combine(open);
    assertThat(both.appliedPolicies()).containsExactly("app/allow", "app/deny");
    assertThat(flags(both)).isEqualTo("P-II-N");
    assertThat(open.combine(closed)).isEqualTo(both);
    assertThatThrownBy(
            () ->
                closed.combine(
                    new PodExposure("app/db", List.of(), false, false, true, true, true, true)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cannot combine the exposure of app/web with that of app/db");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{'podSelector': {}, 'policyTypes': ['Inbound']} | spec.policyTypes[0]: expected Ingress or Egress, got \"Inbound\"",
        "{'podSelector': {}, 'ingress': {}} | spec.ingress: not a list",
        "{'podSelector': {}, 'ingress': [{'from': [{'ipBlock': {'cidr': '10.0.0/8'}}]}]} | spec.ingress[0].from[0].ipBlock.cidr: not a CIDR: \"10.0.0/8\"",
        "{'podSelector': {}, 'ingress': [{'from': [{'ipBlock': {}}]}]} | spec.ingress[0].from[0].ipBlock.cidr: missing or not a string",
        "{'podSelector': {}, 'egress': [{'to': [{}, {'ipBlock': {'cidr': '10.0.0.0/8', 'except': ['11.0.0.0/16']}}]}]} | spec.egress[0].to[0]: must have a podSelector, a namespaceSelector or an ipBlock",
        "{'podSelector': {}, 'egress': [{'to': [{'ipBlock': {'cidr': '10.0.0.0/8', 'except': ['11.0.0.0/16']}}]}]} | spec.egress[0].to[0].ipBlock.except[0]: must be within the block's cidr 10.0.0.0/8",
        "{'podSelector': {}, 'ingress': [{'from': [{'ipBlock': {'cidr': '10.0.0.0/8'}, 'podSelector': {}}]}]} | spec.ingress[0].from[0]: an ipBlock may not be combined with a podSelector or namespaceSelector",
        "{'podSelector': {'matchExpressions': [{'key': 'a', 'operator': 'Has'}]}} | spec.podSelector.matchExpressions[0].operator: expected In, NotIn, Exists or DoesNotExist, got \"Has\"",
        "{'podSelector': {'matchExpressions': [{'key': 'a', 'operator': 'In', 'values': []}]}} | spec.podSelector.matchExpressions[0].values: must not be empty for IN",
        "{'podSelector': {'matchExpressions': [{'key': 'a', 'operator': 'Exists', 'values': ['x']}]}} | spec.podSelector.matchExpressions[0].values: must be empty for EXISTS",
        "{'podSelector': {'matchExpressions': [{'operator': 'Exists'}]}} | spec.podSelector.matchExpressions[0].key: missing or not a string",
        "{'podSelector': {'matchLabels': {'a': 1}}} | spec.podSelector.matchLabels.a: not a string: 1",
        "{'podSelector': {}, 'ingress': [{'ports': [{'port': 70000}]}]} | spec.ingress[0].ports[0].port: expected a port number 1-65535 or a port name, got 70000",
        "{'podSelector': {}, 'ingress': [{'ports': [{'port': '8080'}]}]} | spec.ingress[0].ports[0].port: expected a port number 1-65535 or a port name, got \"8080\"",
        "{'podSelector': {}, 'ingress': [{'ports': [{'protocol': 'ICMP'}]}]} | spec.ingress[0].ports[0].protocol: expected TCP, UDP or SCTP, got \"ICMP\"",
        "{'podSelector': {}, 'ingress': [{'ports': [{'port': 'http', 'endPort': 90}]}]} | spec.ingress[0].ports[0].endPort: needs a numeric port to start the range",
        "{'podSelector': {}, 'ingress': [{'ports': [{'port': 100, 'endPort': 90}]}]} | spec.ingress[0].ports[0].endPort: expected a port number from 100 to 65535, got 90"
      })
  void bodiesTheApiServerWouldRefuseAreNamedByObjectAndField(String spec, String message) {
    Cluster c = app().policy("app", "bad", spec);
    assertThatThrownBy(c::evaluate)
        .isInstanceOf(NetworkPolicyException.class)
        .hasMessage("networkpolicies.networking.k8s.io/app/bad: " + message)
        .satisfies(
            e ->
                assertThat(((NetworkPolicyException) e).object())
                    .isEqualTo("networkpolicies.networking.k8s.io/app/bad"));
  }

  @Test
  void podLabelsMustBeStrings() {
    Cluster c = new Cluster();
    c.objects.add(
        io.kubetrail.history.LiveObject.of(
            io.kubetrail.history.ResourceKey.parse("pods/app/web"),
            java.time.Instant.EPOCH,
            "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"web\",\"labels\":{\"a\":[1]}}}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    assertThatThrownBy(c::evaluate)
        .isInstanceOf(NetworkPolicyException.class)
        .hasMessage("pods/app/web: metadata.labels.a: not a string: [1]");
  }
}
