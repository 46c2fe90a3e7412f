package io.kubetrail.history;

import static io.kubetrail.history.Events.event;
import static io.kubetrail.history.Events.namespace;
import static io.kubetrail.history.Events.obj;
import static io.kubetrail.history.Events.pod;
import static io.kubetrail.history.Events.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.Stage;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One test per replay rule, each on a hand-made fixture. */
class ReplayerTest {
  private static final ResourceType PODS = new ResourceType("", "pods");
  private static final ResourceType NETPOLS =
      new ResourceType("networking.k8s.io", "networkpolicies");

  private final Replayer replayer = new Replayer();

  private Replayer.Outcome apply(Events.Builder b) {
    return replayer.apply(b.build());
  }

  private List<String> keys() {
    return replayer.state(Events.T0).objects().stream().map(o -> o.key().toString()).toList();
  }

  @Test
  void newStateIsTheResponseObjectNotThePatch() {
    apply(event("create", "", "pods", "default", "web").response(pod("default", "web", 10)));
    ObjectNode patched = pod("default", "web", 11);
    patched.withObjectProperty("metadata").putObject("labels").put("tier", "front");
    ObjectNode patch = Events.JSON.createObjectNode();
    patch.putObject("metadata").putObject("labels").put("ignored", "yes");
    assertThat(
            apply(
                event("patch", "", "pods", "default", "web")
                    .at(1)
                    .request(patch)
                    .response(patched)))
        .isEqualTo(Replayer.Outcome.APPLIED);

    LiveObject web = replayer.state(Events.t(1)).get(ResourceKey.parse("pods/default/web")).get();
    assertThat(web.body()).isEqualTo(patched);
    assertThat(web.resourceVersion()).isEqualTo("11");
    assertThat(web.kind()).isEqualTo("Pod");
    assertThat(web.modified()).isEqualTo(Events.t(1));
  }

  @Test
  void createByGenerateNameTakesTheNameFromTheResponse() {
    ObjectNode body = pod("default", "web-7xk2p", 5);
    body.withObjectProperty("metadata").put("generateName", "web-");
    ObjectNode request = pod("default", "", 0);
    apply(event("create", "", "pods", "default", "").request(request).response(body));

    assertThat(keys()).containsExactly("pods/default/web-7xk2p");
  }

  @Test
  void deleteRemovesTheObjectWhetherTheResponseIsTheObjectOrAStatus() {
    apply(
        event("create", "", "pods", "default", "graceful").response(pod("default", "graceful", 1)));
    apply(event("create", "", "pods", "default", "quick").response(pod("default", "quick", 2)));
    ObjectNode terminating = pod("default", "graceful", 3);
    terminating.withObjectProperty("metadata").put("deletionTimestamp", "2024-05-01T10:00:30Z");

    assertThat(
            apply(event("delete", "", "pods", "default", "graceful").at(1).response(terminating)))
        .isEqualTo(Replayer.Outcome.APPLIED);
    assertThat(apply(event("delete", "", "pods", "default", "quick").at(2).response(status())))
        .isEqualTo(Replayer.Outcome.APPLIED);
    assertThat(keys()).isEmpty();
  }

  @Test
  void deleteWithoutResponseObjectStillRemoves() {
    apply(event("create", "", "pods", "default", "a").response(pod("default", "a", 1)));
    apply(event("delete", "", "pods", "default", "a").at(1));
    assertThat(keys()).isEmpty();
    assertThat(replayer.warnings()).isEmpty();
  }

  @Test
  void updatesThatFinishAnAppliedDeletionDoNotResurrect() {
    apply(event("create", "", "pods", "default", "a").response(pod("default", "a", 1)));
    ObjectNode terminating = pod("default", "a", 2);
    terminating.withObjectProperty("metadata").put("deletionTimestamp", "2024-05-01T10:00:30Z");
    apply(event("delete", "", "pods", "default", "a").at(1).response(terminating));
    ObjectNode later = terminating.deepCopy();
    later.withObjectProperty("metadata").put("resourceVersion", "3");

    assertThat(apply(event("patch", "", "pods", "default", "a").at(2).response(later)))
        .isEqualTo(Replayer.Outcome.TERMINATING);
    assertThat(
            apply(
                event("patch", "", "pods", "default", "a")
                    .subresource("status")
                    .at(3)
                    .response(later)))
        .isEqualTo(Replayer.Outcome.TERMINATING);
    assertThat(keys()).isEmpty();
  }

  @Test
  void deletingANamespaceRemovesEverythingInIt() {
    apply(event("create", "", "namespaces", "", "team").response(namespace("team", 1)));
    apply(event("create", "", "pods", "team", "a").response(pod("team", "a", 2)));
    apply(
        event("create", "networking.k8s.io", "networkpolicies", "team", "deny")
            .response(obj("networking.k8s.io/v1", "NetworkPolicy", "team", "deny", 3)));
    apply(event("create", "", "pods", "other", "b").response(pod("other", "b", 4)));
    apply(
        event("create", "rbac.authorization.k8s.io", "clusterroles", "", "team")
            .response(obj("rbac.authorization.k8s.io/v1", "ClusterRole", "", "team", 5)));
    ObjectNode terminating = namespace("team", 6);
    terminating.withObjectProperty("metadata").put("deletionTimestamp", "2024-05-01T10:00:30Z");

    // kube-apiserver puts the namespace's own name in objectRef.namespace.
    apply(event("delete", "", "namespaces", "team", "team").at(1).response(terminating));

    assertThat(keys())
        .containsExactly("clusterroles.rbac.authorization.k8s.io/team", "pods/other/b");
  }

  @Test
  void aNamespaceIsClusterScopedAlthoughItsObjectRefCarriesANamespace() {
    apply(event("create", "", "namespaces", "", "team").response(namespace("team", 1)));
    ObjectNode labelled = namespace("team", 2);
    labelled.withObjectProperty("metadata").putObject("labels").put("env", "prod");
    apply(event("update", "", "namespaces", "team", "team").at(1).response(labelled));

    assertThat(keys()).containsExactly("namespaces/team");
    ResourceKey key = ResourceKey.of("", "namespaces", "team", "team");
    assertThat(key.clusterScoped()).isTrue();
    assertThat(replayer.state(Events.t(1)).get(key).get().body()).isEqualTo(labelled);
  }

  @Test
  void aChangeOlderThanTheCurrentResourceVersionIsIgnored() {
    apply(event("create", "", "pods", "default", "a").response(pod("default", "a", 100)));
    ObjectNode newer = pod("default", "a", 120);
    newer.withObjectProperty("metadata").putObject("labels").put("v", "new");
    ObjectNode older = pod("default", "a", 110);
    older.withObjectProperty("metadata").putObject("labels").put("v", "old");
    apply(event("update", "", "pods", "default", "a").at(1).response(newer));

    assertThat(apply(event("update", "", "pods", "default", "a").at(2).response(older)))
        .isEqualTo(Replayer.Outcome.STALE);
    assertThat(replayer.state(Events.t(2)).get(ResourceKey.parse("pods/default/a")).get().body())
        .isEqualTo(newer);
  }

  @Test
  void aChangeWithoutResponseObjectIsReportedOncePerResourceAndSkipped() {
    for (int i = 0; i < 3; i++) {
      assertThat(apply(event("create", "", "pods", "default", "p" + i).at(i)))
          .isEqualTo(Replayer.Outcome.NO_BODY);
    }
    apply(event("update", "networking.k8s.io", "networkpolicies", "default", "x").at(5));

    assertThat(keys()).isEmpty();
    assertThat(replayer.warnings())
        .containsExactly(
            "the audit policy must log RequestResponse for pods: changes without a responseObject"
                + " were skipped",
            "the audit policy must log RequestResponse for networkpolicies.networking.k8s.io:"
                + " changes without a responseObject were skipped");
  }

  @Test
  void truncatedEventsAreReportedAsTruncation() {
    apply(event("create", "", "pods", "default", "a").annotation("audit.k8s.io/truncated", "true"));
    assertThat(replayer.warnings()).singleElement().asString().contains("truncated");
  }

  static Stream<Arguments> notChanges() {
    return Stream.of(
        Arguments.of("dry run", event("create", "", "pods", "d", "x").query("dryRun=All")),
        Arguments.of("forbidden", event("create", "", "pods", "d", "x").code(403)),
        Arguments.of("conflict", event("update", "", "pods", "d", "x").code(409)),
        Arguments.of(
            "request received", event("create", "", "pods", "d", "x").stage(Stage.RequestReceived)),
        Arguments.of(
            "response started", event("create", "", "pods", "d", "x").stage(Stage.ResponseStarted)),
        Arguments.of("panic", event("create", "", "pods", "d", "x").stage(Stage.Panic).code(500)),
        Arguments.of("get", event("get", "", "pods", "d", "x")),
        Arguments.of("watch", event("watch", "", "pods", "d", "")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("notChanges")
  void eventsThatAreNotChangesAreIgnored(String what, Events.Builder b) {
    AuditEvent e = b.response(pod("d", "x", 1)).build();
    assertThat(EventKind.isChange(e)).isFalse();
    assertThat(replayer.apply(e)).isEqualTo(Replayer.Outcome.NOT_A_CHANGE);
    assertThat(keys()).isEmpty();
  }

  @Test
  void clusterScopedAndNamespacedCoreAndNamedGroupsAreKeptApart() {
    apply(event("create", "", "pods", "a", "x").response(pod("a", "x", 1)));
    apply(
        event("create", "networking.k8s.io", "networkpolicies", "a", "x")
            .response(obj("networking.k8s.io/v1", "NetworkPolicy", "a", "x", 2)));
    apply(
        event("create", "crd.projectcalico.org", "networkpolicies", "a", "x")
            .response(obj("crd.projectcalico.org/v1", "NetworkPolicy", "a", "x", 3)));
    apply(event("create", "", "nodes", "", "x").response(obj("v1", "Node", "", "x", 4)));
    apply(
        event("create", "storage.k8s.io", "storageclasses", "", "x")
            .response(obj("storage.k8s.io/v1", "StorageClass", "", "x", 5)));

    ClusterState s = replayer.state(Events.T0);
    assertThat(keys())
        .containsExactlyInAnyOrder(
            "pods/a/x",
            "networkpolicies.networking.k8s.io/a/x",
            "networkpolicies.crd.projectcalico.org/a/x",
            "nodes/x",
            "storageclasses.storage.k8s.io/x");
    assertThat(s.get(ResourceKey.parse("nodes/x")).get().key().clusterScoped()).isTrue();
    assertThat(s.select(java.util.Optional.of(NETPOLS), java.util.Optional.empty()))
        .singleElement()
        .extracting(o -> o.body().path("apiVersion").asText())
        .isEqualTo("networking.k8s.io/v1");
    assertThat(s.select(java.util.Optional.of(PODS), java.util.Optional.of("a"))).hasSize(1);
  }

  @Test
  void deleteCollectionRemovesWhatItsResponseLists() {
    for (String n : List.of("a", "b", "c")) {
      apply(event("create", "", "pods", "d", n).response(pod("d", n, 1)));
    }
    ObjectNode list = Events.JSON.createObjectNode();
    list.put("kind", "PodList").put("apiVersion", "v1");
    list.putArray("items").add(pod("d", "a", 2)).add(pod("d", "c", 2));
    apply(event("deletecollection", "", "pods", "d", "").at(1).response(list));
    assertThat(keys()).containsExactly("pods/d/b");
  }

  @Test
  void deleteCollectionWithoutBodyHonoursSelectorsInItsNamespace() {
    for (String n : List.of("a", "b", "c")) {
      ObjectNode p = pod("d", n, 1);
      p.withObjectProperty("metadata").putObject("labels").put("app", n.equals("c") ? "db" : "web");
      apply(event("create", "", "pods", "d", n).response(p));
    }
    apply(event("create", "", "pods", "e", "a").response(pod("e", "a", 1)));

    apply(
        event("deletecollection", "", "pods", "d", "")
            .at(1)
            .query("labelSelector=app%3Dweb&fieldSelector=metadata.name!%3Db"));
    assertThat(keys()).containsExactly("pods/d/b", "pods/d/c", "pods/e/a");

    apply(event("deletecollection", "", "pods", "d", "").at(2));
    assertThat(keys()).containsExactly("pods/e/a");
  }

  @Test
  void statusSubresourceWritesUpdateTheParent() {
    apply(event("create", "", "pods", "d", "a").response(pod("d", "a", 1)));
    ObjectNode running = pod("d", "a", 2);
    running.putObject("status").put("phase", "Running");
    assertThat(
            apply(
                event("patch", "", "pods", "d", "a").subresource("status").at(1).response(running)))
        .isEqualTo(Replayer.Outcome.APPLIED);
    assertThat(replayer.state(Events.t(1)).get(ResourceKey.parse("pods/d/a")).get().body())
        .isEqualTo(running);

    ObjectNode scale = obj("autoscaling/v1", "Scale", "d", "a", 3);
    apply(
        event("create", "apps", "deployments", "d", "a")
            .response(obj("apps/v1", "Deployment", "d", "a", 3)));
    assertThat(
            apply(
                event("update", "apps", "deployments", "d", "a")
                    .subresource("scale")
                    .at(2)
                    .response(scale)))
        .isEqualTo(Replayer.Outcome.NOT_AN_OBJECT);
  }

  @Test
  void anEvictionLeavesThePodUntilItsDelete() {
    apply(event("create", "", "pods", "d", "a").response(pod("d", "a", 1)));
    assertThat(
            apply(
                event("create", "", "pods", "d", "a")
                    .subresource("eviction")
                    .at(1)
                    .response(status())))
        .isEqualTo(Replayer.Outcome.NOT_AN_OBJECT);
    assertThat(keys()).containsExactly("pods/d/a");
    apply(event("delete", "", "pods", "d", "a").at(20).response(status()));
    assertThat(keys()).isEmpty();
  }

  @Test
  void theListenerHearsEveryObjectAChangePutsOrRemovesAndNothingElse() {
    Replayer r = new Replayer();
    List<String> heard = new java.util.ArrayList<>();
    r.listen((key, now) -> heard.add(key + (now.isPresent() ? " put" : " removed")));
    r.apply(
        event("create", "", "namespaces", "", "app").at(1).response(namespace("app", 1)).build());
    r.apply(event("create", "", "pods", "app", "a").at(2).response(pod("app", "a", 2)).build());
    r.apply(event("create", "", "pods", "app", "b").at(3).response(pod("app", "b", 3)).build());
    // Stale, refused, and a delete of what is not there: nothing changes, nothing is heard.
    r.apply(event("update", "", "pods", "app", "a").at(4).response(pod("app", "a", 1)).build());
    r.apply(event("update", "", "pods", "app", "a").at(4).code(409).build());
    r.apply(event("delete", "", "pods", "app", "gone").at(4).response(status()).build());
    r.apply(event("delete", "", "namespaces", "", "app").at(5).response(status()).build());

    assertThat(heard.subList(0, 4))
        .containsExactly(
            "namespaces/app put", "pods/app/a put", "pods/app/b put", "namespaces/app removed");
    assertThat(heard.subList(4, heard.size()))
        .containsExactlyInAnyOrder("pods/app/a removed", "pods/app/b removed");
  }

  @Test
  void bodiesKeptAsTheyCameWhileRecentAndCompressedOnceOlderGiveTheSameState() {
    bodiesKeptAsTheyCameWhileRecent(e -> replayer.apply(e));
  }

  @Test
  void changesPreparedAheadAreCompressedOnlyWhenTheyStayToo() {
    // As a replay from the store prepares them, on its read-ahead thread.
    Function<AuditEvent, Replayer.Prepared> prepare = replayer.preparer();
    bodiesKeptAsTheyCameWhileRecent(e -> replayer.apply(prepare.apply(e)));
  }

  private void bodiesKeptAsTheyCameWhileRecent(Consumer<AuditEvent> apply) {
    // Far more body bytes than a replayer keeps uncompressed (4 MiB): 3,000 pods written once and
    // 20 written again and again, each body padded to about 2 KB.
    String padding = "x".repeat(2000);
    java.util.Map<String, ObjectNode> last = new java.util.HashMap<>();
    int second = 0;
    for (int round = 0; round < 3000; round++) {
      for (String name : List.of("once-" + round, "often-" + round % 20)) {
        ObjectNode body = pod("default", name, 10 + round);
        body.withObjectProperty("metadata").putObject("annotations").put("pad", padding);
        apply.accept(
            event("update", "", "pods", "default", name).at(second++).response(body).build());
        last.put(name, body);
      }
    }
    ClusterState state = replayer.state(Events.t(second));
    assertThat(state.objects()).hasSize(3020);
    for (LiveObject o : state.objects()) {
      ObjectNode expected = last.get(o.key().name());
      assertThat(o.body()).as(o.key().toString()).isEqualTo(expected);
      // The checkpoint form is the compressed body, whichever way it is kept.
      assertThat(CompactJson.unpack(o.packed())).isEqualTo(o.json());
    }
    // The oldest bodies still in the state are kept compressed, the newest as they came.
    assertThat(state.get(ResourceKey.parse("pods/default/once-0")).get().compressedSize())
        .isLessThan(1000);
    assertThat(state.get(ResourceKey.parse("pods/default/once-2999")).get().compressedSize())
        .isGreaterThan(2000);
  }
}
