package io.kubetrail.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.AuditEventReader;
import io.kubetrail.event.DecodeLimits;
import io.kubetrail.event.ObjectReference;
import io.kubetrail.history.ClusterState;
import io.kubetrail.history.HistoryOptions;
import io.kubetrail.history.LiveObject;
import io.kubetrail.history.ObjectHistory;
import io.kubetrail.history.ResourceKey;
import io.kubetrail.history.StateHistory;
import io.kubetrail.simulate.Simulation;
import io.kubetrail.simulate.Step;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.Batch;
import io.kubetrail.store.EventQuery;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.StoredEvent;
import io.kubetrail.store.lucene.LuceneAuditStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Replay and object history read through the store on OpenSearch, and on Elasticsearch, give what
 * they give through the embedded store (whose replay is checked against the simulator's truth
 * elsewhere), on a simulated cluster's audit log.
 */
class BothStoresAgreeTest {
  private static final long SEED = Long.getLong("tests.seed", 4242L);
  private static final String CLUSTER = "sim";

  @TempDir Path tmp;

  @ParameterizedTest
  @EnumSource(OpenSearchNode.Distribution.class)
  void stateAtAnyTimeAndObjectHistoriesAreTheSameOnBothStores(
      OpenSearchNode.Distribution distribution) throws Exception {
    Simulation sim = Simulation.builder().seed(SEED).build();
    List<StoredEvent> events = new ArrayList<>();
    List<Instant> times = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      Step step = sim.step();
      for (String line : step.lines()) {
        AuditEvent e =
            AuditEventReader.decode(line.getBytes(StandardCharsets.UTF_8), DecodeLimits.defaults());
        events.add(new StoredEvent(CLUSTER, name(e), e.stageTimestamp(), e));
      }
      times.add(step.clusterTime());
    }
    String location = OpenSearchNode.shared(distribution).freshLocation("bothstores");
    try (AuditStore lucene = LuceneAuditStore.open(tmp.resolve("lucene"), StoreOptions.defaults());
        AuditStore search =
            OpenSearchAuditStore.open(
                OpenSearchOptions.parse(location, Map.of()), StoreOptions.defaults())) {
      for (int from = 0; from < events.size(); from += 250) {
        Batch b = Batch.of(events.subList(from, Math.min(events.size(), from + 250)));
        lucene.append(b);
        search.append(b);
      }
      assertThat(search.count(EventQuery.all())).isEqualTo(lucene.count(EventQuery.all()));

      StateHistory fromLucene = StateHistory.open(lucene, CLUSTER, HistoryOptions.defaults());
      StateHistory fromSearch = StateHistory.open(search, CLUSTER, HistoryOptions.defaults());
      Random random = new Random(SEED);
      List<ResourceKey> seen = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        Instant at = times.get(random.nextInt(times.size()));
        ClusterState expected = fromLucene.stateAt(at);
        assertThat(bodies(fromSearch.stateAt(at)))
            .as("state at %s", at)
            .isEqualTo(bodies(expected));
        expected.objects().forEach(o -> seen.add(o.key()));
      }
      assertThat(seen).isNotEmpty();
      for (int i = 0; i < 8; i++) {
        ResourceKey key = seen.get(random.nextInt(seen.size()));
        assertThat(ObjectHistory.of(search, CLUSTER, key))
            .as("history of %s", key)
            .isEqualTo(ObjectHistory.of(lucene, CLUSTER, key));
      }
    }
  }

  private static Map<String, String> bodies(ClusterState state) {
    return state.objects().stream()
        .collect(
            Collectors.toMap(
                o -> o.key().toString(),
                (LiveObject o) -> new String(o.json(), StandardCharsets.UTF_8),
                (a, b) -> a,
                TreeMap::new));
  }

  private static String name(AuditEvent e) {
    if (!e.responseName().isEmpty()) {
      return e.responseName();
    }
    return e.objectRef().map(ObjectReference::name).filter(n -> !n.isEmpty()).orElse("-");
  }
}
