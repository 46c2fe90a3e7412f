package io.kubetrail.history.netpol;

import static io.kubetrail.history.netpol.Trail.t;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubetrail.history.HistoryOptions;
import io.kubetrail.history.StateHistory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hand-written histories and what the network-access report over an interval says of them. */
class ExposureOverIntervalTest {
  private static final String DENY_ALL =
      "{'podSelector': {}, 'policyTypes': ['Ingress', 'Egress']}";
  private static final String ALLOW_ALL_INGRESS =
      "{'podSelector': {}, 'policyTypes': ['Ingress', 'Egress'], 'ingress': [{}]}";

  @TempDir Path dir;
  private final Trail trail = new Trail();

  @AfterEach
  void close() throws IOException {
    trail.close();
  }

  private ExposureReport report(int from, int to) throws Exception {
    return report(from, to, EndpointScope.everything());
  }

  private ExposureReport report(int from, int to, EndpointScope scope) throws Exception {
    return NetworkAccess.overInterval(trail.history(dir), t(from), t(to), scope);
  }

  private static EndpointExposure only(ExposureReport r, String endpoint) {
    return r.endpoints().stream()
        .filter(e -> e.endpoint().equals(endpoint))
        .findFirst()
        .orElseThrow(() -> new AssertionError(endpoint + " not in " + r.endpoints()));
  }

  @Test
  void aPodExposedForAMomentInTheMiddleIsExposed() throws Exception {
    trail
        .namespace(1, "app")
        .pod(2, "app", "web")
        .policy(3, "app", "lock", DENY_ALL)
        .policy(10, "app", "lock", ALLOW_ALL_INGRESS)
        .policy(11, "app", "lock", DENY_ALL);

    EndpointExposure web = only(report(5, 20), "app/web");
    assertThat(web.ingressProtected()).isTrue();
    assertThat(web.ingressFromInternet()).isTrue();
    assertThat(web.ingressFromOtherNamespace()).isTrue();
    assertThat(web.egressToInternet()).isFalse();
    assertThat(web.appliedPolicies()).containsExactly("app/lock");

    EndpointExposure after = only(report(12, 20), "app/web");
    assertThat(after.ingressFromInternet()).isFalse();
    assertThat(after.ingressFromOtherNamespace()).isFalse();
  }

  @Test
  void aPolicyRemovedMidIntervalMeansNotProtectedThroughout() throws Exception {
    trail
        .namespace(1, "app")
        .pod(2, "app", "web")
        .policy(3, "app", "lock", DENY_ALL)
        .delete(10, "networking.k8s.io", "networkpolicies", "app", "lock");

    EndpointExposure web = only(report(5, 20), "app/web");
    assertThat(web.ingressProtected()).isFalse();
    assertThat(web.egressProtected()).isFalse();
    assertThat(web.ingressFromInternet()).isTrue();
    assertThat(web.appliedPolicies()).containsExactly("app/lock");

    EndpointExposure before = only(report(5, 9), "app/web");
    assertThat(before.ingressProtected()).isTrue();
    assertThat(before.egressProtected()).isTrue();
    assertThat(before.ingressFromInternet()).isFalse();
  }

  @Test
  void aPodCreatedAndDeletedInsideTheIntervalIsListed() throws Exception {
    trail
        .namespace(1, "app")
        .pod(2, "app", "web")
        .pod(10, "app", "job-1", "role=batch")
        .delete(12, "", "pods", "app", "job-1");

    ExposureReport r = report(5, 20);
    assertThat(r.endpoints())
        .extracting(EndpointExposure::endpoint)
        .containsExactly("app/job-1", "app/web");
    assertThat(only(r, "app/job-1").ingressFromInternet()).isTrue();
    assertThat(report(13, 20).endpoints())
        .extracting(EndpointExposure::endpoint)
        .containsExactly("app/web");
    assertThat(report(3, 9).endpoints())
        .extracting(EndpointExposure::endpoint)
        .containsExactly("app/web");
  }

  @Test
  void podsOutsideTheScopeAreNotListed() throws Exception {
    trail
        .namespace(1, "app", "env=prod")
        .namespace(1, "dev", "env=dev")
        .podAs(2, "app", "web", "frontend", "role=web")
        .podAs(2, "app", "db", "database", "role=db")
        .podAs(2, "dev", "web", "frontend", "role=web")
        // Enters the selector's scope for a moment.
        .pod(10, "app", "cache", "role=other")
        .pod(11, "app", "cache", "role=web")
        .pod(12, "app", "cache", "role=other");
    EndpointScope bySelector = EndpointScope.of("role == 'web'", List.of(), "", List.of());
    assertThat(report(5, 20, bySelector).endpoints())
        .extracting(EndpointExposure::endpoint)
        .containsExactly("app/cache", "app/web", "dev/web");
    assertThat(report(13, 20, bySelector).endpoints())
        .extracting(EndpointExposure::endpoint)
        .containsExactly("app/web", "dev/web");

    EndpointScope prodWeb =
        EndpointScope.of("role == 'web'", List.of(), "env == 'prod'", List.of());
    assertThat(report(5, 9, prodWeb).endpoints())
        .extracting(EndpointExposure::endpoint)
        .containsExactly("app/web");

    EndpointScope named = EndpointScope.of("", List.of("dev"), "", List.of());
    assertThat(report(5, 20, named).endpoints())
        .extracting(EndpointExposure::endpoint)
        .containsExactly("dev/web");

    EndpointScope accounts = EndpointScope.of("", List.of(), "", List.of("database"));
    ExposureReport byAccount = report(5, 20, accounts);
    assertThat(byAccount.endpoints())
        .extracting(EndpointExposure::endpoint)
        .containsExactly("app/db");
    assertThat(byAccount.endpoints().get(0).serviceAccount()).isEqualTo("database");
    assertThat(byAccount.serviceAccounts()).isEqualTo(1);

    // Calico ANDs a GlobalReport's namespace names with its namespace selector.
    EndpointScope devNamedProdSelected =
        EndpointScope.of("", List.of("dev"), "env == 'prod'", List.of());
    assertThat(report(5, 20, devNamedProdSelected).endpoints()).isEmpty();
    EndpointScope byCalicoLabel =
        EndpointScope.of("projectcalico.org/namespace == 'dev'", List.of(), "", List.of());
    assertThat(report(5, 20, byCalicoLabel).endpoints())
        .extracting(EndpointExposure::endpoint)
        .containsExactly("dev/web");
  }

  @Test
  void aNamespaceRelabelledMidIntervalMovesItsPodsInAndOutOfScope() throws Exception {
    trail.namespace(1, "app", "env=dev").pod(2, "app", "web").namespace(10, "app", "env=prod");
    EndpointScope prod = EndpointScope.of("", List.of(), "env == 'prod'", List.of());
    assertThat(report(3, 9, prod).endpoints()).isEmpty();
    assertThat(report(3, 10, prod).endpoints())
        .extracting(EndpointExposure::endpoint)
        .containsExactly("app/web");
  }

  @Test
  void aNamespaceRelabelledMidIntervalOpensAPolicyToOtherNamespaces() throws Exception {
    // Ingress from namespaces labelled team=a: only the pod's own, until "other" joins the team.
    trail
        .namespace(1, "app", "team=a")
        .namespace(1, "other", "team=b")
        .pod(2, "app", "web")
        .policy(
            3,
            "app",
            "team",
            "{'podSelector': {}, 'ingress': [{'from': [{'namespaceSelector': {'matchLabels': {'team': 'a'}}}]}]}")
        .namespace(10, "other", "team=a")
        .namespace(11, "other", "team=b");

    assertThat(only(report(4, 9), "app/web").ingressFromOtherNamespace()).isFalse();
    EndpointExposure web = only(report(4, 20), "app/web");
    assertThat(web.ingressFromOtherNamespace()).isTrue();
    assertThat(web.ingressFromInternet()).isFalse();
    assertThat(web.ingressProtected()).isTrue();
    assertThat(only(report(12, 20), "app/web").ingressFromOtherNamespace()).isFalse();
  }

  @Test
  void servicesAreThoseWhoseEndpointsPointedAtThePodAtSomeTime() throws Exception {
    trail
        .namespace(1, "app")
        .pod(2, "app", "web-1", "role=web")
        .pod(2, "app", "web-2", "role=web")
        .pod(2, "app", "db", "role=db")
        .policy(3, "app", "web-only", "{'podSelector': {'matchLabels': {'role': 'web'}}}")
        .endpoints(4, "app", "web", "web-1", "web-2")
        .endpoints(10, "app", "web", "web-2")
        .slice(11, "app", "db-x7k2p", "db", "db")
        .delete(12, "discovery.k8s.io", "endpointslices", "app", "db-x7k2p");

    ExposureReport r = report(5, 20);
    assertThat(only(r, "app/web-1").services()).containsExactly("app/web");
    assertThat(only(r, "app/web-2").services()).containsExactly("app/web");
    assertThat(only(r, "app/db").services()).containsExactly("app/db");
    assertThat(r.services())
        .containsExactly(
            new ServiceExposure("app/db", false, true, true),
            new ServiceExposure("app/web", true, false, false));
    assertThat(r.namespaces())
        .containsExactly(new NamespaceExposure("app", false, false, true, true, true, true));
    assertThat(r.endpointCounts()).isEqualTo(new FlagCounts(3, 2, 0, 1, 3, 1, 3));
    assertThat(r.serviceCounts()).isEqualTo(new FlagCounts(2, 1, 0, 1, 0, 1, 0));
    assertThat(r.namespaceCounts()).isEqualTo(new FlagCounts(1, 0, 0, 1, 1, 1, 1));

    // Before the interval web-1 was behind "web"; from second 13 nothing points at db.
    assertThat(only(report(13, 20), "app/web-1").services()).isEmpty();
    assertThat(only(report(13, 20), "app/db").services()).isEmpty();
  }

  @Test
  void evidenceTellsWhereReplayStartedAndWhatWasWalked() throws Exception {
    trail.namespace(1, "app").pod(2, "app", "web").pod(3, "app", "db").pod(10, "app", "web", "v=2");
    ExposureEvidence cold = report(5, 20).evidence();
    assertThat(cold.startedFrom()).isEqualTo("empty cluster");
    assertThat(cold.changesToStart()).isEqualTo(3);
    assertThat(cold.changesInInterval()).isEqualTo(1);
    // Both pods at the start, then web once more.
    assertThat(cold.podEvaluations()).isEqualTo(3);
    assertThat(cold.start()).isEqualTo(t(5));
    assertThat(cold.end()).isEqualTo(t(20));

    StateHistory checkpointed =
        trail.history(dir, HistoryOptions.builder().checkpointInterval(1).build());
    checkpointed.updateCheckpoints();
    ExposureReport warm =
        NetworkAccess.overInterval(checkpointed, t(5), t(20), EndpointScope.everything());
    assertThat(warm.evidence().startedFrom()).startsWith("checkpoint ");
    assertThat(warm.evidence().changesToStart()).isZero();
    assertThat(warm.endpoints()).isEqualTo(report(5, 20).endpoints());
  }

  @Test
  void aStatusChangeEvaluatesNothing() throws Exception {
    trail.namespace(1, "app").pod(2, "app", "web", "role=web").pod(10, "app", "web", "role=web");
    ExposureEvidence e = report(5, 20).evidence();
    assertThat(e.changesInInterval()).isEqualTo(1);
    assertThat(e.podEvaluations()).isEqualTo(1);
  }

  @Test
  void aPolicyTheApiServerWouldRefuseIsNamed() {
    trail
        .namespace(1, "app")
        .pod(2, "app", "web")
        .policy(
            10,
            "app",
            "bad",
            "{'podSelector': {}, 'ingress': [{'from': [{'ipBlock': {'cidr': '10.0.0/8'}}]}]}");
    assertThatThrownBy(() -> report(5, 20))
        .isInstanceOf(NetworkPolicyException.class)
        .hasMessageContaining("networkpolicies.networking.k8s.io/app/bad")
        .hasMessageContaining("spec.ingress[0].from[0].ipBlock.cidr");
  }

  @Test
  void anIntervalThatEndsBeforeItStartsIsRefused() {
    trail.namespace(1, "app");
    assertThatThrownBy(() -> report(20, 5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ends")
        .hasMessageContaining("before it starts");
  }
}
