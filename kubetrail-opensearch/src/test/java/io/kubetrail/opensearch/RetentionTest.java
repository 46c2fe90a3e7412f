package io.kubetrail.opensearch;

import static io.kubetrail.store.TestEvents.T0;
import static io.kubetrail.store.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.AuditStores;
import io.kubetrail.store.Batch;
import io.kubetrail.store.EventQuery;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.VerifyListener;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The retention policy's JSON, how its absence is told, and a store on a cluster without ISM. */
class RetentionTest {

  @Test
  void policyDeletesTheDailyEventIndicesAfterTheirAge() throws IOException {
    JsonNode expected =
        Cluster.MAPPER.readTree(
            """
            {"policy": {
              "description": "kubetrail: deletes the audit event indices p.* 91 days old",
              "default_state": "keep",
              "states": [
                {"name": "keep", "actions": [],
                 "transitions": [{"state_name": "delete", "conditions": {"min_index_age": "91d"}}]},
                {"name": "delete", "actions": [{"delete": {}}], "transitions": []}],
              "ism_template": [{"index_patterns": ["p.*"], "priority": 100}]}}
            """);
    assertThat(Retention.policy("p", Retention.DEFAULT_DAYS)).isEqualTo(expected);
    assertThat(Retention.deletesAfter(Retention.policy("p", 30))).hasValue(Duration.ofDays(30));
    assertThatThrownBy(() -> Retention.policy("p", 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aClusterWithoutThePluginIsToldFromOneWithoutThePolicy() {
    assertThat(Retention.classify(200, "{\"_id\":\"p-retention\"}"))
        .isEqualTo(Retention.Probe.PRESENT);
    assertThat(
            Retention.classify(
                400,
                "{\"error\":\"no handler found for uri [/_plugins/_ism/policies/p-retention] and"
                    + " method [GET]\"}"))
        .isEqualTo(Retention.Probe.NO_PLUGIN);
    assertThat(
            Retention.classify(
                405, "{\"error\":\"Incorrect HTTP method for uri [...] and method [GET]\"}"))
        .isEqualTo(Retention.Probe.NO_PLUGIN);
    assertThat(
            Retention.classify(
                404,
                "{\"error\":{\"root_cause\":[{\"type\":\"status_exception\",\"reason\":\"Policy"
                    + " not found\"}]},\"status\":404}"))
        .isEqualTo(Retention.Probe.MISSING);
    assertThatThrownBy(() -> Retention.classify(500, "{}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("500");
  }

  @Test
  void aPolicyChangedByHandTellsNoAge() throws IOException {
    JsonNode changed =
        Cluster.MAPPER.readTree(
            "{\"policy\":{\"states\":[{\"name\":\"hot\",\"transitions\":[{\"state_name\":"
                + "\"warm\",\"conditions\":{\"min_index_age\":\"12w\"}}]}]}}");
    assertThat(Retention.deletesAfter(changed)).isEmpty();
  }

  @Test
  void theLocationSetsTheRetention() {
    assertThat(OpenSearchOptions.parse("http://h:9200", Map.of()).retentionDays()).isEqualTo(91);
    assertThat(OpenSearchOptions.parse("http://h:9200?retention=30d", Map.of()).retentionDays())
        .isEqualTo(30);
    assertThat(
            OpenSearchOptions.parse("http://h:9200?prefix=x&retention=off", Map.of())
                .retentionDays())
        .isZero();
    for (String bad : List.of("0d", "91", "2w", "36501d", "")) {
      assertThatThrownBy(() -> OpenSearchOptions.parse("http://h?retention=" + bad, Map.of()))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("retention=" + bad);
    }
  }

  @Test
  void withoutTheIsmPluginTheStoreSaysSoAndPruneStillWorks() throws IOException {
    // The test node is the minimal distribution: it has no ISM plugin.
    String location = OpenSearchNode.shared().freshLocation("retention");
    try (AuditStore store = AuditStores.open(location, StoreOptions.defaults())) {
      assertThat(store.notes())
          .anySatisfy(n -> assertThat(n).contains("no Index State Management plugin"));
      store.append(Batch.of(List.of(event("old").at(0).build())));
      store.append(Batch.of(List.of(event("new").at(3600).build())));
      assertThat(store.prune(T0.plusSeconds(60)).batches()).isEqualTo(1);
      assertThat(store.count(EventQuery.all())).isEqualTo(1);
      assertThat(store.verify().ok()).isTrue();
    }
    try (AuditStore reader =
        AuditStores.open(location, StoreOptions.builder().readOnly(true).build())) {
      assertThat(reader.notes())
          .anySatisfy(n -> assertThat(n).contains("no Index State Management plugin"));
    }
    Cluster cluster = new Cluster(OpenSearchOptions.parse(location, Map.of()));
    assertThat(new Retention(cluster).current().deletesAfter()).isEqualTo(Optional.empty());
  }

  @Test
  void verifyCountsNoEventDeletedByTheRetentionPolicyAsMissing() throws IOException {
    String location = OpenSearchNode.shared().freshLocation("expired");
    Cluster cluster = new Cluster(OpenSearchOptions.parse(location, Map.of()));
    try (AuditStore store = AuditStores.open(location, StoreOptions.defaults())) {
      store.append(Batch.of(List.of(event("a").at(0).build(), event("b").at(1).build())));
    }
    // As the policy would: the daily index goes, the batch's link stays.
    for (JsonNode index :
        cluster.json("GET", "/_cat/indices/" + cluster.events + "?format=json", null)) {
      cluster.raw("DELETE", "/" + index.path("index").asText(), null);
    }
    long afterTheEvents = Documents.micros(T0.plus(Duration.ofDays(1)));
    assertThat(
            new ChainCheck(cluster, new Meta(cluster), 100, afterTheEvents)
                .run(1, VerifyListener.NONE)
                .ok())
        .isTrue();
    assertThat(
            new ChainCheck(cluster, new Meta(cluster), 100, Long.MIN_VALUE)
                .run(1, VerifyListener.NONE)
                .reason())
        .contains("events are stored");
  }
}
