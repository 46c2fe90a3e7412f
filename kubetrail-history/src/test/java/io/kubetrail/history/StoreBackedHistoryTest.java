package io.kubetrail.history;

import static io.kubetrail.history.Events.event;
import static io.kubetrail.history.Events.pod;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.ObjectReference;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.Batch;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.StoredEvent;
import io.kubetrail.store.lucene.LuceneAuditStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** State and revisions read through the embedded store, as the command line uses them. */
class StoreBackedHistoryTest {
  @TempDir Path dir;

  static StoredEvent stored(String cluster, AuditEvent e) {
    String name =
        K8sJson.responseObject(e.json().unsafeBytes())
            .map(ObjectInfo::name)
            .filter(n -> !n.isEmpty())
            .orElse(e.objectRef().map(ObjectReference::name).filter(n -> !n.isEmpty()).orElse("-"));
    return new StoredEvent(cluster, name, e.stageTimestamp().plusSeconds(1), e);
  }

  @Test
  void replaysOneClusterOfTheStoreInTheOrderChangesHappened() throws IOException {
    ObjectNode v2 = pod("app", "web", 20);
    v2.withObjectProperty("metadata").putObject("labels").put("v", "2");
    List<AuditEvent> serverA =
        List.of(
            event("create", "", "pods", "app", "web").at(1).response(pod("app", "web", 10)).build(),
            event("patch", "", "pods", "app", "web").at(2).code(422).build());
    List<AuditEvent> serverB =
        List.of(event("update", "", "pods", "app", "web").at(3).response(v2).build());
    AuditEvent otherCluster =
        event("create", "", "pods", "app", "elsewhere")
            .at(1)
            .response(pod("app", "elsewhere", 5))
            .build();

    try (AuditStore store = LuceneAuditStore.open(dir, StoreOptions.defaults())) {
      store.append(Batch.of(serverB.stream().map(e -> stored("prod", e)).toList()));
      store.append(Batch.of(serverA.stream().map(e -> stored("prod", e)).toList()));
      store.append(Batch.of(List.of(stored("test", otherCluster))));

      StateHistory h =
          StateHistory.open(store, "prod", HistoryOptions.builder().checkpointInterval(1).build());
      ClusterState s = h.stateAt(Events.t(10));
      assertThat(s.objects()).extracting(o -> o.key().toString()).containsExactly("pods/app/web");
      assertThat(s.get(ResourceKey.parse("pods/app/web")).get().body()).isEqualTo(v2);
      assertThat(h.lastReplay().checkpointsWritten()).isPositive();

      ClusterState again = h.stateAt(Events.t(10));
      assertThat(h.lastReplay().startedFrom()).startsWith("checkpoint ");
      assertThat(StateHistoryTest.bodies(again)).isEqualTo(StateHistoryTest.bodies(s));
      assertThat(
              h.stateAt(Events.t(2)).get(ResourceKey.parse("pods/app/web")).get().resourceVersion())
          .isEqualTo("10");

      // A late change from a third API server, before the checkpoints' time, makes them stale.
      AuditEvent late =
          event("create", "", "pods", "app", "late").at(2).response(pod("app", "late", 15)).build();
      store.append(Batch.of(List.of(stored("prod", late))));
      assertThat(h.stateAt(Events.t(10)).objects())
          .extracting(o -> o.key().toString())
          .containsExactly("pods/app/late", "pods/app/web");
      assertThat(h.lastReplay().notes()).anyMatch(n -> n.contains("stale"));

      List<Revision> revs = ObjectHistory.of(store, "prod", ResourceKey.parse("pods/app/web"));
      assertThat(revs)
          .extracting(Revision::kind)
          .containsExactly(EventKind.CHANGE, EventKind.FAILED, EventKind.CHANGE);
    }
  }
}
