package io.kubetrail.history.netpol;

import static io.kubetrail.history.netpol.NetworkAccessTest.flags;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * Calico {@code projectcalico.org/v3} policies, on the cases of Calico's documentation: a policy's
 * types defaults, order within a tier (Kubernetes policies at 1000 in {@code default}), Pass to the
 * next tier, the deny at the end of a tier with a policy applying, global policies and their
 * namespaceSelector, and rules' nets.
 */
class CalicoPolicyTest {

  private static Cluster app() {
    return new Cluster()
        .namespace("app", "team=a")
        .namespace("other", "team=b")
        .pod("app", "web", "role=web")
        .pod("other", "client", "role=client");
  }

  @Test
  void aPolicyWithoutRulesDeniesIngressOnly() throws NetworkPolicyException {
    Cluster c = app().calico("app", "deny", "{'selector': 'all()'}");
    assertThat(flags(c.of("app/web"))).isEqualTo("P--I-N");
    assertThat(c.of("app/web").appliedPolicies())
        .containsExactly("networkpolicies.projectcalico.org/app/deny");
    assertThat(flags(c.of("other/client"))).isEqualTo("--IINN");
  }

  @Test
  void typesDefaultToEgressWhenOnlyEgressRulesAreGiven() throws NetworkPolicyException {
    Cluster c = app().calico("app", "out", "{'egress': [{'action': 'Deny'}]}");
    assertThat(flags(c.of("app/web"))).isEqualTo("-PI-N-");
  }

  @Test
  void theLowerOrderDecidesFirstAndKubernetesPoliciesSitAt1000() throws NetworkPolicyException {
    String allowAll = "{'podSelector': {}, 'ingress': [{}]}";
    String denyAll = "{'order': %s, 'ingress': [{'action': 'Deny'}]}";
    Cluster before =
        app().policy("app", "allow", allowAll).calico("app", "d", denyAll.formatted(10));
    assertThat(flags(before.of("app/web"))).isEqualTo("P--I-N");
    Cluster after =
        app().policy("app", "allow", allowAll).calico("app", "d", denyAll.formatted(2000));
    assertThat(flags(after.of("app/web"))).isEqualTo("P-IINN");
    Cluster unordered =
        app()
            .policy("app", "allow", allowAll)
            .calico("app", "d", "{'ingress': [{'action': 'Deny'}]}");
    assertThat(flags(unordered.of("app/web"))).as("no order sorts last").isEqualTo("P-IINN");
  }

  @Test
  void passGoesOnToTheNextTierAndDenyAtTheEndOfATierStops() throws NetworkPolicyException {
    Cluster c =
        app()
            .tier("security", "{'order': 100}")
            .global(
                "platform",
                "{'tier': 'security', 'selector': 'all()', 'ingress': [{'action': 'Pass',"
                    + " 'source': {'namespaceSelector': 'team == `b`'}}]}")
            .calico("app", "open", "{'ingress': [{'action': 'Allow'}]}");
    // From namespaces of team b: passed on, allowed in the default tier. From the internet:
    // denied at the end of the security tier.
    assertThat(flags(c.of("app/web"))).isEqualTo("P--INN");
    Cluster passAll =
        app()
            .tier("security", "{'order': 100}")
            .global("platform", "{'tier': 'security', 'ingress': [{'action': 'Pass'}]}")
            .calico("app", "open", "{'ingress': [{'action': 'Allow'}]}");
    assertThat(flags(passAll.of("app/web"))).isEqualTo("P-IINN");
    assertThat(flags(passAll.of("other/client")))
        .as("passed, and no policy further on")
        .isEqualTo("P-IINN");
  }

  @Test
  void aTierWhoseDefaultActionIsPassSendsOnWhatItDidNotDecide() throws NetworkPolicyException {
    String deny =
        "{'tier': 'security', 'ingress': [{'action': 'Deny', 'source': {'nets': ['1.2.3.0/24']}}]}";
    Cluster denyAtEnd = app().tier("security", "{'order': 100}").global("g", deny);
    assertThat(flags(denyAtEnd.of("app/web"))).isEqualTo("P--I-N");
    Cluster passAtEnd =
        app().tier("security", "{'order': 100, 'defaultAction': 'Pass'}").global("g", deny);
    assertThat(flags(passAtEnd.of("app/web"))).isEqualTo("P-IINN");
  }

  @Test
  void netsAreFollowedExactly() throws NetworkPolicyException {
    Cluster privateOnly =
        app()
            .calico(
                "app",
                "p",
                "{'ingress': [{'action': 'Allow', 'source': {'nets': ['10.0.0.0/8']}}]}");
    assertThat(flags(privateOnly.of("app/web"))).isEqualTo("P--I-N");
    String partDenied =
        "{'ingress': [{'action': 'Deny', 'source': {'nets': ['8.8.8.0/24']}},"
            + " {'action': 'Allow', 'source': {'nets': ['8.8.0.0/16']}}]}";
    assertThat(flags(app().calico("app", "p", partDenied).of("app/web"))).isEqualTo("P-II-N");
    String allDenied =
        "{'ingress': [{'action': 'Deny', 'source': {'nets': ['8.8.0.0/16']}},"
            + " {'action': 'Allow', 'source': {'nets': ['8.8.8.0/24']}}]}";
    assertThat(flags(app().calico("app", "p", allDenied).of("app/web"))).isEqualTo("P--I-N");
    String notNets =
        "{'ingress': [{'action': 'Allow', 'source': {'nets': ['0.0.0.0/0'], 'notNets': ['0.0.0.0/1', '128.0.0.0/1']}}]}";
    assertThat(flags(app().calico("app", "p", notNets).of("app/web"))).isEqualTo("P--I-N");
  }

  @Test
  void aDenyOfSomePortsTakesNothingOut() throws NetworkPolicyException {
    String spec =
        "{'ingress': [{'action': 'Deny', 'protocol': 'TCP', 'destination': {'ports': [22]}},"
            + " {'action': 'Allow'}]}";
    assertThat(flags(app().calico("app", "p", spec).of("app/web"))).isEqualTo("P-IINN");
  }

  @Test
  void aRuleCountsOnlyForThePodsItsOwnEndSelects() throws NetworkPolicyException {
    String spec = "{'ingress': [{'action': 'Allow', 'destination': {'selector': 'role == `db`'}}]}";
    assertThat(flags(app().calico("app", "p", spec).of("app/web"))).isEqualTo("P--I-N");
  }

  @Test
  void namespaceSelectorsAndGlobalSelectorsReachOtherNamespaces() throws NetworkPolicyException {
    String own =
        "{'ingress': [{'action': 'Allow', 'source': {'namespaceSelector': 'team == `a`'}}]}";
    assertThat(flags(app().calico("app", "p", own).of("app/web"))).isEqualTo("P--I-N");
    String others =
        "{'ingress': [{'action': 'Allow', 'source': {'namespaceSelector': 'has(team)'}}]}";
    assertThat(flags(app().calico("app", "p", others).of("app/web"))).isEqualTo("P--INN");
    String sameNamespace =
        "{'ingress': [{'action': 'Allow', 'source': {'selector': 'role == `client`'}}]}";
    assertThat(flags(app().calico("app", "p", sameNamespace).of("app/web"))).isEqualTo("P--I-N");
    String global =
        "{'selector': 'role == `web`', 'ingress': [{'action': 'Allow', 'source': {'selector': 'role == `client`'}}]}";
    assertThat(flags(app().global("g", global).of("app/web"))).isEqualTo("P--INN");
    assertThat(app().global("g", global).of("app/web").appliedPolicies())
        .containsExactly("globalnetworkpolicies.projectcalico.org/g");
  }

  @Test
  void aGlobalPolicysNamespaceSelectorAndCalicosOwnLabelsChooseItsPods()
      throws NetworkPolicyException {
    Cluster c =
        app()
            .global("only-b", "{'namespaceSelector': 'team == `b`'}")
            .global(
                "by-name",
                "{'selector': 'projectcalico.org/namespace == `app`', 'types': ['Egress']}");
    assertThat(flags(c.of("other/client"))).isEqualTo("P--I-N");
    assertThat(flags(c.of("app/web"))).isEqualTo("-PI-N-");
  }

  @Test
  void policiesForHostEndpointsOnlyAreLeftOut() throws NetworkPolicyException {
    Cluster c = app().global("pre", "{'preDNAT': true, 'applyOnForward': true}");
    assertThat(flags(c.of("app/web"))).isEqualTo("--IINN");
  }

  @Test
  void badBodiesAreNamedWithTheirField() {
    assertThatThrownBy(
            () -> app().calico("app", "p", "{'ingress': [{'action': 'Maybe'}]}").evaluate())
        .isInstanceOf(NetworkPolicyException.class)
        .hasMessageContaining("networkpolicies.projectcalico.org/app/p")
        .hasMessageContaining("spec.ingress[0].action");
    assertThatThrownBy(() -> app().calico("app", "p", "{'selector': 'role = `x`'}").evaluate())
        .hasMessageContaining("spec.selector");
    assertThatThrownBy(
            () ->
                app()
                    .calico(
                        "app",
                        "p",
                        "{'egress': [{'action': 'Allow', 'destination': {'nets': ['1.2.3/8']}}]}")
                    .evaluate())
        .hasMessageContaining("spec.egress[0].destination.nets[0]");
  }
}
