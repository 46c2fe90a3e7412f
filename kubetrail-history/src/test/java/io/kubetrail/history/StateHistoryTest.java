package io.kubetrail.history;

import static io.kubetrail.history.Events.event;
import static io.kubetrail.history.Events.namespace;
import static io.kubetrail.history.Events.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubetrail.event.AuditEvent;
import io.kubetrail.store.StateRepository;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateHistoryTest {
  @TempDir Path dir;

  private final ListChangeLog log = new ListChangeLog();

  private StateHistory history(int checkpointInterval) {
    return history(log, dir, checkpointInterval);
  }

  /** The history of cluster {@code c1} of a log, its checkpoints kept in {@code dir}. */
  static StateHistory history(ListChangeLog log, Path dir, int checkpointInterval) {
    return new StateHistory(
        log,
        StateRepository.inDirectory(dir),
        "c1",
        HistoryOptions.builder().checkpointInterval(checkpointInterval).build());
  }

  /** Pods p0..p(n-1) created one a second, each then relabelled, every third deleted. */
  static List<AuditEvent> busyHistory(int n) {
    List<AuditEvent> events = new ArrayList<>();
    events.add(
        event("create", "", "namespaces", "", "app").at(0).response(namespace("app", 1)).build());
    long rv = 10;
    for (int i = 0; i < n; i++) {
      String name = "p" + i;
      events.add(
          event("create", "", "pods", "app", name)
              .at(1 + 3 * i)
              .response(pod("app", name, rv++))
              .build());
      ObjectNode labelled = pod("app", name, rv++);
      labelled.withObjectProperty("metadata").putObject("labels").put("gen", Integer.toString(i));
      events.add(event("patch", "", "pods", "app", name).at(2 + 3 * i).response(labelled).build());
      if (i % 3 == 0) {
        events.add(
            event("delete", "", "pods", "app", name)
                .at(3 + 3 * i)
                .response(Events.status())
                .build());
      }
    }
    return events;
  }

  /** The truth: every change at or before t, in time order, on an empty cluster. */
  static Map<String, String> reference(List<AuditEvent> events, Instant t) {
    Replayer r = new Replayer();
    events.stream()
        .filter(e -> !e.stageTimestamp().isAfter(t))
        .sorted(ListChangeLog.HAPPENED)
        .forEach(r::apply);
    return bodies(r.state(t));
  }

  static Map<String, String> bodies(ClusterState s) {
    Map<String, String> m = new TreeMap<>();
    for (LiveObject o : s.objects()) {
      m.put(o.key().toString(), new String(o.json(), StandardCharsets.UTF_8));
    }
    return m;
  }

  @Test
  void changesApplyInTheOrderTheyHappenedWhateverOrderTheyWereIngested() throws IOException {
    // Two API servers, two logs: server B's log (later changes) is ingested first.
    ObjectNode v2 = pod("app", "web", 20);
    v2.withObjectProperty("metadata").putObject("labels").put("v", "2");
    List<AuditEvent> serverA =
        List.of(
            event("create", "", "pods", "app", "web").at(1).response(pod("app", "web", 10)).build(),
            event("delete", "", "pods", "app", "gone").at(4).build());
    List<AuditEvent> serverB =
        List.of(
            event("create", "", "pods", "app", "gone")
                .at(2)
                .response(pod("app", "gone", 15))
                .build(),
            event("update", "", "pods", "app", "web").at(3).response(v2).build());
    log.append(serverB).append(serverA);

    ClusterState s = history(1000).stateAt(Events.t(10));
    assertThat(s.objects()).extracting(o -> o.key().toString()).containsExactly("pods/app/web");
    assertThat(s.get(ResourceKey.parse("pods/app/web")).get().body()).isEqualTo(v2);
    assertThat(bodies(history(1000).stateAt(Events.t(2))).keySet())
        .containsExactly("pods/app/gone", "pods/app/web");
  }

  @Test
  void stateAtTIncludesChangesAtTAndNothingAfter() throws IOException {
    List<AuditEvent> events = busyHistory(5);
    log.append(events);
    StateHistory h = history(1000);
    for (int s = 0; s < 18; s++) {
      assertThat(bodies(h.stateAt(Events.t(s)))).isEqualTo(reference(events, Events.t(s)));
    }
  }

  @Test
  void checkpointsAreWrittenWhileReplayingAndReusedLater() throws IOException {
    List<AuditEvent> events = busyHistory(40);
    log.append(events);
    StateHistory h = history(10);
    Instant end = Events.t(200);

    ClusterState first = h.stateAt(end);
    assertThat(h.lastReplay().startedFrom()).isEqualTo("empty cluster");
    assertThat(h.lastReplay().checkpointsWritten()).isGreaterThanOrEqualTo(9);
    assertThat(bodies(first)).isEqualTo(reference(events, end));

    ClusterState again = h.stateAt(end);
    assertThat(h.lastReplay().startedFrom()).startsWith("checkpoint ");
    assertThat(h.lastReplay().changesRead()).isLessThanOrEqualTo(10);
    assertThat(bodies(again)).isEqualTo(bodies(first));

    for (int s = 0; s <= 125; s += 7) {
      Instant t = Events.t(s);
      assertThat(bodies(h.stateAt(t))).as("at %s", t).isEqualTo(reference(events, t));
      assertThat(h.lastReplay().changesRead()).isLessThanOrEqualTo(20);
    }
  }

  @Test
  void aCheckpointIsStaleWhenEarlierChangesArriveLateAndIsNotUsed() throws IOException {
    List<AuditEvent> events = new ArrayList<>(busyHistory(20));
    log.append(events);
    StateHistory h = history(5);
    h.stateAt(Events.t(100));
    assertThat(h.lastReplay().checkpointsWritten()).isPositive();

    // Another API server's log arrives late, with a change early in the history.
    ObjectNode late = pod("app", "late", 11);
    AuditEvent lateCreate = event("create", "", "pods", "app", "late").at(1).response(late).build();
    log.append(lateCreate);
    events.add(lateCreate);

    ClusterState s = h.stateAt(Events.t(100));
    assertThat(h.lastReplay().notes()).anyMatch(n -> n.contains("stale"));
    assertThat(bodies(s)).isEqualTo(reference(events, Events.t(100)));
    assertThat(s.get(ResourceKey.parse("pods/app/late"))).isPresent();
  }

  @Test
  void aDamagedCheckpointIsSkipped() throws IOException {
    List<AuditEvent> events = busyHistory(20);
    log.append(events);
    StateHistory h = history(5);
    h.stateAt(Events.t(100));
    try (Stream<Path> files = Files.list(dir.resolve("history/c1/checkpoints"))) {
      for (Path f : files.toList()) {
        byte[] b = Files.readAllBytes(f);
        b[b.length / 2] ^= 0x55;
        Files.write(f, b);
      }
    }
    ClusterState s = h.stateAt(Events.t(100));
    assertThat(h.lastReplay().notes()).anyMatch(n -> n.contains("checksum mismatch"));
    assertThat(bodies(s)).isEqualTo(reference(events, Events.t(100)));
  }

  static final String SNAPSHOT_JSON =
      """
      {"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""},
       "items": [
        {"apiVersion": "v1", "kind": "Namespace",
         "metadata": {"name": "app", "resourceVersion": "5"}},
        {"apiVersion": "v1", "kind": "Pod",
         "metadata": {"name": "old", "namespace": "app", "resourceVersion": "6"},
         "spec": {"containers": [{"name": "c", "image": "nginx"}]}},
        {"apiVersion": "v1", "kind": "Endpoints",
         "metadata": {"name": "svc", "namespace": "app", "resourceVersion": "7"}},
        {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
         "metadata": {"name": "deny", "namespace": "app", "resourceVersion": "8"},
         "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}},
        {"kind": "Pod", "metadata": {"name": "broken"}}
       ]}
      """;

  private static final String SNAPSHOT_YAML =
      """
      apiVersion: v1
      kind: List
      items:
      - apiVersion: v1
        kind: Namespace
        metadata:
          name: app
          resourceVersion: "5"
      - apiVersion: v1
        kind: Pod
        metadata:
          name: old
          namespace: app
          resourceVersion: "6"
        spec:
          containers:
          - name: c
            image: nginx
      - apiVersion: v1
        kind: Endpoints
        metadata:
          name: svc
          namespace: app
          resourceVersion: "7"
      - apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata:
          name: deny
          namespace: app
          resourceVersion: "8"
        spec:
          podSelector: {}
          policyTypes:
          - Ingress
      - kind: Pod
        metadata:
          name: broken
      """;

  @Test
  void snapshotsImportFromJsonAndYamlAlike() throws IOException {
    SnapshotReader.Result json = read(SNAPSHOT_JSON);
    SnapshotReader.Result yaml = read(SNAPSHOT_YAML);
    assertThat(json.objects())
        .extracting(o -> o.key().toString())
        .containsExactly(
            "namespaces/app",
            "pods/app/old",
            "endpoints/app/svc",
            "networkpolicies.networking.k8s.io/app/deny");
    assertThat(json.rejected())
        .containsExactly("snap: item 5: no apiVersion, not a Kubernetes object");
    assertThat(yaml.rejected()).isEqualTo(json.rejected());
    for (int i = 0; i < json.objects().size(); i++) {
      assertThat(yaml.objects().get(i).body()).isEqualTo(json.objects().get(i).body());
      assertThat(yaml.objects().get(i).resourceVersion())
          .isEqualTo(json.objects().get(i).resourceVersion());
    }
  }

  @Test
  void snapshotsReadSingleObjectsTypedListsAndYamlStreams() throws IOException {
    assertThat(
            read("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\",\"namespace\":\"n\"}}")
                .objects())
        .extracting(o -> o.key().toString())
        .containsExactly("pods/n/a");
    assertThat(
            read("{\"apiVersion\":\"v1\",\"kind\":\"PodList\",\"items\":[{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\",\"namespace\":\"n\"}}]}")
                .objects())
        .hasSize(1);
    assertThat(
            read("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a, namespace: n}\n---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: b, namespace: n}\n")
                .objects())
        .extracting(o -> o.key().toString())
        .containsExactly("serviceaccounts/n/a", "poddisruptionbudgets.policy/n/b");
    assertThatThrownBy(() -> read("{\"items\": ["))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("snap");
  }

  @Test
  void kindsMapToResourcesAsTheApiServerNamesThem() {
    assertThat(Kinds.resourceFor("NetworkPolicy")).isEqualTo("networkpolicies");
    assertThat(Kinds.resourceFor("Endpoints")).isEqualTo("endpoints");
    assertThat(Kinds.resourceFor("Ingress")).isEqualTo("ingresses");
    assertThat(Kinds.resourceFor("Gateway")).isEqualTo("gateways");
    assertThat(Kinds.resourceFor("ServiceAccount")).isEqualTo("serviceaccounts");
    assertThat(Kinds.resourceFor("ComponentStatus")).isEqualTo("componentstatuses");
  }

  static SnapshotReader.Result read(String text) throws IOException {
    return SnapshotReader.read(
        new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "snap", Events.t(0));
  }

  @Test
  void replayStartsFromTheLatestSnapshotAtOrBeforeT() throws IOException {
    StateHistory h = history(1000);
    h.importSnapshot(read(SNAPSHOT_JSON).objects(), Events.t(10), "snap.json");
    // Events before the snapshot are not replayed on top of it: the snapshot is the truth then.
    log.append(
        event("create", "", "pods", "app", "early").at(5).response(pod("app", "early", 3)).build());
    log.append(event("delete", "", "pods", "app", "old").at(12).build());
    log.append(
        event("create", "", "pods", "app", "new").at(14).response(pod("app", "new", 20)).build());

    assertThat(bodies(h.stateAt(Events.t(11))).keySet())
        .containsExactly(
            "endpoints/app/svc",
            "namespaces/app",
            "networkpolicies.networking.k8s.io/app/deny",
            "pods/app/old");
    assertThat(h.lastReplay().startedFrom()).isEqualTo("snapshot " + h.snapshots().get(0).id());
    assertThat(bodies(h.stateAt(Events.t(15))).keySet())
        .containsExactly(
            "endpoints/app/svc",
            "namespaces/app",
            "networkpolicies.networking.k8s.io/app/deny",
            "pods/app/new");
    // Before the snapshot, replay starts from scratch.
    assertThat(bodies(h.stateAt(Events.t(6))).keySet()).containsExactly("pods/app/early");
    assertThat(h.stateAt(Events.t(11)).get(ResourceKey.parse("pods/app/old")).get().modified())
        .isEqualTo(Events.t(10));
  }

  @Test
  void aSnapshotImportedLaterRetiresCheckpointsBuiltWithoutIt() throws IOException {
    List<AuditEvent> events = busyHistory(20);
    log.append(events);
    StateHistory h = history(5);
    h.stateAt(Events.t(100));
    // The snapshot says the cluster at t=30 held only namespace "app" with one foreign pod.
    ObjectNode foreign = pod("app", "foreign", 1);
    h.importSnapshot(
        List.of(
            LiveObject.of(
                ResourceKey.parse("pods/app/foreign"),
                Events.t(30),
                foreign.toString().getBytes(StandardCharsets.UTF_8))),
        Events.t(30),
        "t30.json");

    ClusterState s = h.stateAt(Events.t(100));
    assertThat(h.lastReplay().startedFrom()).startsWith("snapshot ");
    assertThat(s.get(ResourceKey.parse("pods/app/foreign"))).isPresent();
    ClusterState again = h.stateAt(Events.t(100));
    assertThat(h.lastReplay().startedFrom()).startsWith("checkpoint ");
    assertThat(bodies(again)).isEqualTo(bodies(s));
  }

  @Test
  void aSnapshotCarriesOverTheResourceTypesItDoesNotCover() throws IOException {
    StateHistory h = history(1000);
    ObjectNode deployment = Events.obj("apps/v1", "Deployment", "app", "web", 3);
    ObjectNode crd =
        Events.obj("apiextensions.k8s.io/v1", "CustomResourceDefinition", "", "x.example.com", 4);
    log.append(
        event("create", "", "namespaces", "", "app").at(1).response(namespace("app", 1)).build());
    log.append(
        event("create", "apps", "deployments", "app", "web").at(2).response(deployment).build());
    log.append(
        event("create", "apiextensions.k8s.io", "customresourcedefinitions", "", "x.example.com")
            .at(3)
            .response(crd)
            .build());
    log.append(
        event("create", "", "pods", "app", "gone").at(4).response(pod("app", "gone", 5)).build());
    log.append(
        event("create", "", "configmaps", "other", "cm")
            .at(5)
            .response(Events.obj("v1", "ConfigMap", "other", "cm", 6))
            .build());
    // A pods-only listing: it does not know the deployment, the CRD or the namespace; and it
    // covers serviceaccounts although it found none.
    h.importSnapshot(
        List.of(
            LiveObject.of(
                ResourceKey.parse("pods/app/listed"),
                Events.t(10),
                pod("app", "listed", 9).toString().getBytes(StandardCharsets.UTF_8))),
        List.of(new ResourceType("", "serviceaccounts")),
        Events.t(10),
        "pods.json");
    log.append(
        event("create", "", "serviceaccounts", "app", "late")
            .at(12)
            .response(Events.obj("v1", "ServiceAccount", "app", "late", 12))
            .build());

    assertThat(bodies(h.stateAt(Events.t(15))).keySet())
        .containsExactly(
            "configmaps/other/cm",
            "customresourcedefinitions.apiextensions.k8s.io/x.example.com",
            "deployments.apps/app/web",
            "namespaces/app",
            "pods/app/listed",
            "serviceaccounts/app/late");
    assertThat(h.lastReplay().startedFrom()).contains("snapshot ").contains("other resource types");

    // A later snapshot that covers namespaces drops what lived in namespaces it does not list.
    h.importSnapshot(
        List.of(
            LiveObject.of(
                ResourceKey.parse("namespaces/app"),
                Events.t(20),
                namespace("app", 1).toString().getBytes(StandardCharsets.UTF_8))),
        Events.t(20),
        "namespaces.json");
    assertThat(bodies(h.stateAt(Events.t(21))).keySet())
        .containsExactly(
            "customresourcedefinitions.apiextensions.k8s.io/x.example.com",
            "deployments.apps/app/web",
            "namespaces/app",
            "pods/app/listed",
            "serviceaccounts/app/late");
  }

  @Test
  void aDamagedSnapshotIsAnErrorThatNamesTheFile() throws IOException {
    StateHistory h = history(1000);
    SnapshotInfo info = h.importSnapshot(read(SNAPSHOT_JSON).objects(), Events.t(10), "snap.json");
    Path file = dir.resolve("history/c1/snapshots").resolve(info.id());
    byte[] b = Files.readAllBytes(file);
    Files.write(
        file, java.util.Arrays.copyOf(b, b.length - 20), StandardOpenOption.TRUNCATE_EXISTING);
    assertThatThrownBy(() -> h.stateAt(Events.t(20)))
        .isInstanceOf(HistoryFileException.class)
        .hasMessageContaining(info.id())
        .hasMessageContaining("truncated");
  }

  @Test
  void aFileOfANewerFormatIsRefusedClearly() throws IOException {
    StateHistory h = history(1000);
    SnapshotInfo info = h.importSnapshot(read(SNAPSHOT_JSON).objects(), Events.t(10), "snap.json");
    Path file = dir.resolve("history/c1/snapshots").resolve(info.id());
    byte[] b = Files.readAllBytes(file);
    b[StateFile.MAGIC.length + 3] = 9;
    Files.write(file, b);
    assertThatThrownBy(h::snapshots)
        .isInstanceOf(HistoryFileException.class)
        .hasMessageContaining("format version 9 is too new");
  }
}
