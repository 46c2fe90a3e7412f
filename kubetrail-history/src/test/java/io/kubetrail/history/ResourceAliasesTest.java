package io.kubetrail.history;

import static io.kubetrail.history.Events.event;
import static io.kubetrail.history.Events.obj;
import static io.kubetrail.history.Events.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubetrail.event.AuditEvent;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.Batch;
import io.kubetrail.store.StateRepository;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.lucene.LuceneAuditStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Resources kube-apiserver serves under two groups from one storage are one object to replay,
 * history and snapshots, keyed by the group that is not {@code extensions} (core for events).
 */
class ResourceAliasesTest {
  @TempDir Path dir;

  private final Replayer replayer = new Replayer();

  @ParameterizedTest
  @CsvSource({
    "networkpolicies.extensions, networkpolicies.networking.k8s.io",
    "networkpolicies.networking.k8s.io, networkpolicies.networking.k8s.io",
    "ingresses.extensions, ingresses.networking.k8s.io",
    "deployments.extensions, deployments.apps",
    "daemonsets.extensions, daemonsets.apps",
    "replicasets.extensions, replicasets.apps",
    "podsecuritypolicies.extensions, podsecuritypolicies.policy",
    "events.events.k8s.io, events",
    "events, events",
    "replicationcontrollers.extensions, replicationcontrollers",
    "pods, pods",
    "jobs.batch, jobs.batch",
    "networkpolicies.crd.projectcalico.org, networkpolicies.crd.projectcalico.org",
    "horizontalpodautoscalers.extensions, horizontalpodautoscalers.extensions"
  })
  void canonicalIsTheGroupThatIsNotExtensionsAndCoreForEvents(String named, String canonical) {
    assertThat(ResourceType.parse(named).canonical()).isEqualTo(ResourceType.parse(canonical));
  }

  @Test
  void aliasesListTheCanonicalTypeFirst() {
    ResourceType canonical = ResourceType.parse("deployments.apps");
    ResourceType alias = ResourceType.parse("deployments.extensions");
    assertThat(alias.aliases()).containsExactly(canonical, alias);
    assertThat(canonical.aliases()).containsExactly(canonical, alias);
    assertThat(ResourceType.parse("events").aliases())
        .containsExactly(ResourceType.parse("events"), ResourceType.parse("events.events.k8s.io"));
    assertThat(ResourceType.parse("pods").aliases()).containsExactly(ResourceType.parse("pods"));
  }

  @Test
  void keysKeepTheirGroupUntilMadeCanonical() {
    ResourceKey named = ResourceKey.parse("networkpolicies.extensions/app/deny");
    assertThat(named.type().group()).isEqualTo("extensions");
    assertThat(named.toObjectKey().apiGroup()).isEqualTo("extensions");
    assertThat(named.canonical())
        .isEqualTo(ResourceKey.parse("networkpolicies.networking.k8s.io/app/deny"));
  }

  private static ObjectNode netpol(String apiVersion, String ns, String name, long rv) {
    ObjectNode o = obj(apiVersion, "NetworkPolicy", ns, name, rv);
    o.putObject("spec").putObject("podSelector");
    return o;
  }

  @Test
  void createdThroughOneGroupAndDeletedThroughTheOtherIsGone() {
    replayer.apply(
        event("create", "networking.k8s.io", "networkpolicies", "app", "deny")
            .at(1)
            .response(netpol("networking.k8s.io/v1", "app", "deny", 10))
            .build());
    assertThat(
            replayer.apply(
                event("delete", "extensions", "networkpolicies", "app", "deny")
                    .at(2)
                    .response(status())
                    .build()))
        .isEqualTo(Replayer.Outcome.APPLIED);
    assertThat(replayer.state(Events.t(2)).objects()).isEmpty();
  }

  @Test
  void writesThroughBothGroupsUpdateOneObjectListedCanonically() {
    replayer.apply(
        event("create", "extensions", "networkpolicies", "app", "deny")
            .at(1)
            .response(netpol("extensions/v1beta1", "app", "deny", 10))
            .build());
    ObjectNode v2 = netpol("networking.k8s.io/v1", "app", "deny", 11);
    replayer.apply(
        event("update", "networking.k8s.io", "networkpolicies", "app", "deny")
            .at(2)
            .response(v2)
            .build());
    // An older write through the other group is stale, as it would be through the same group.
    assertThat(
            replayer.apply(
                event("patch", "extensions", "networkpolicies", "app", "deny")
                    .at(3)
                    .response(netpol("extensions/v1beta1", "app", "deny", 9))
                    .build()))
        .isEqualTo(Replayer.Outcome.STALE);

    ClusterState s = replayer.state(Events.t(3));
    assertThat(s.objects())
        .extracting(o -> o.key().toString())
        .containsExactly("networkpolicies.networking.k8s.io/app/deny");
    assertThat(s.get(ResourceKey.parse("networkpolicies.extensions/app/deny")).get().body())
        .isEqualTo(v2);
    assertThat(
            s.select(
                Optional.of(ResourceType.parse("networkpolicies.extensions")), Optional.empty()))
        .hasSize(1);
  }

  @Test
  void eventsThroughEventsK8sIoAreCoreEvents() {
    ObjectNode ev = obj("events.k8s.io/v1", "Event", "app", "web.17a", 5);
    replayer.apply(
        event("create", "events.k8s.io", "events", "app", "web.17a").response(ev).build());
    assertThat(replayer.state(Events.T0).objects())
        .extracting(o -> o.key().toString())
        .containsExactly("events/app/web.17a");
    replayer.apply(
        event("delete", "", "events", "app", "web.17a").at(1).response(status()).build());
    assertThat(replayer.state(Events.t(1)).objects()).isEmpty();
  }

  @Test
  void deleteCollectionThroughTheOtherGroupRemovesTheObjects() {
    replayer.apply(
        event("create", "apps", "deployments", "app", "web")
            .response(obj("apps/v1", "Deployment", "app", "web", 3))
            .build());
    replayer.apply(event("deletecollection", "extensions", "deployments", "app", "").at(1).build());
    assertThat(replayer.state(Events.t(1)).objects()).isEmpty();
  }

  @Test
  void snapshotsListTheCanonicalGroupOnceWhicheverGroupsTheyListed() throws IOException {
    String listing =
        """
        {"apiVersion": "v1", "kind": "List", "items": [
          {"apiVersion": "extensions/v1beta1", "kind": "NetworkPolicy",
           "metadata": {"name": "deny", "namespace": "app", "resourceVersion": "7"}},
          {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
           "metadata": {"name": "deny", "namespace": "app", "resourceVersion": "7"}},
          {"apiVersion": "extensions/v1beta1", "kind": "Deployment",
           "metadata": {"name": "web", "namespace": "app", "resourceVersion": "8"}}
        ]}
        """;
    SnapshotReader.Result read =
        SnapshotReader.read(
            new ByteArrayInputStream(listing.getBytes(StandardCharsets.UTF_8)),
            "snap.json",
            Events.t(5));
    assertThat(read.objects())
        .extracting(o -> o.key().toString())
        .containsExactly(
            "networkpolicies.networking.k8s.io/app/deny",
            "networkpolicies.networking.k8s.io/app/deny",
            "deployments.apps/app/web");

    StateHistory h =
        new StateHistory(
            new ListChangeLog(),
            StateRepository.inDirectory(dir),
            "c1",
            HistoryOptions.builder().build());
    SnapshotInfo info =
        h.importSnapshot(
            read.objects(), List.of(ResourceType.parse("ingresses.extensions")), Events.t(5), "s");
    assertThat(info.objects()).isEqualTo(2);
    ClusterState s = h.stateAt(Events.t(6));
    assertThat(s.objects())
        .extracting(o -> o.key().toString())
        .containsExactly("deployments.apps/app/web", "networkpolicies.networking.k8s.io/app/deny");
    // Of the two listings at one version, the body read through the canonical group is kept.
    assertThat(
            s.get(ResourceKey.parse("networkpolicies.extensions/app/deny"))
                .get()
                .body()
                .path("apiVersion")
                .asText())
        .isEqualTo("networking.k8s.io/v1");
  }

  @Test
  void snapshotCoveringOneGroupCoversTheObjectWhicheverGroupWroteIt() throws IOException {
    ListChangeLog log =
        new ListChangeLog()
            .append(
                event("create", "extensions", "ingresses", "app", "old")
                    .at(1)
                    .response(obj("extensions/v1beta1", "Ingress", "app", "old", 3))
                    .build());
    StateHistory h =
        new StateHistory(
            log, StateRepository.inDirectory(dir), "c1", HistoryOptions.builder().build());
    // A listing of networking.k8s.io ingresses that no longer has it: it was deleted unseen.
    h.importSnapshot(
        List.of(), List.of(ResourceType.parse("ingresses.networking.k8s.io")), Events.t(5), "s");
    assertThat(h.stateAt(Events.t(4)).objects()).hasSize(1);
    assertThat(h.stateAt(Events.t(6)).objects()).isEmpty();
  }

  @Test
  void historyNamedByEitherGroupHasTheWritesThroughBoth() throws IOException {
    List<AuditEvent> events =
        List.of(
            event("create", "extensions", "networkpolicies", "app", "deny")
                .at(1)
                .user("alice")
                .response(netpol("extensions/v1beta1", "app", "deny", 10))
                .build(),
            event("update", "networking.k8s.io", "networkpolicies", "app", "deny")
                .at(2)
                .user("bob")
                .response(netpol("networking.k8s.io/v1", "app", "deny", 11))
                .build(),
            event("delete", "extensions", "networkpolicies", "app", "deny")
                .at(3)
                .user("carol")
                .response(status())
                .build());
    try (AuditStore store = LuceneAuditStore.open(dir.resolve("store"), StoreOptions.defaults())) {
      // Appended out of order, as logs of several API servers may be.
      store.append(
          Batch.of(
              List.of(
                  StoreBackedHistoryTest.stored("prod", events.get(2)),
                  StoreBackedHistoryTest.stored("prod", events.get(0)))));
      store.append(Batch.of(List.of(StoreBackedHistoryTest.stored("prod", events.get(1)))));
      for (String named :
          List.of(
              "networkpolicies.extensions/app/deny",
              "networkpolicies.networking.k8s.io/app/deny")) {
        List<Revision> revs = ObjectHistory.of(store, "prod", ResourceKey.parse(named));
        assertThat(revs)
            .as(named)
            .extracting(Revision::user)
            .containsExactly("alice", "bob", "carol");
        assertThat(revs).as(named).allMatch(Revision::changed);
        assertThat(revs.get(2).diff()).as(named).contains("networkpolicies.networking.k8s.io");
      }
      assertThat(
              ObjectHistory.typesOf(store, "prod", ResourceKey.parse("networkpolicies/app/deny")))
          .containsExactly(ResourceType.parse("networkpolicies.networking.k8s.io"));
    }
  }
}
