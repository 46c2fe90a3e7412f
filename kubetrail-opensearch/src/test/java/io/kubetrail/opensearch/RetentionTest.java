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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The retention policies' JSON, how their absence is told, and a store on a cluster without ISM
 * (OpenSearch) or ILM (Elasticsearch).
 */
class RetentionTest {

  @Test
  void ismPolicyDeletesTheDailyEventIndicesAfterTheirAge() throws IOException {
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
    assertThat(RetentionApi.ISM.policy("p", Retention.DEFAULT_DAYS)).isEqualTo(expected);
    assertThat(RetentionApi.ISM.deletesAfter(RetentionApi.ISM.policy("p", 30), "p-retention"))
        .hasValue(Duration.ofDays(30));
    assertThatThrownBy(() -> RetentionApi.ISM.policy("p", 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(RetentionApi.ISM.templateSettings("p-retention")).isEmpty();
  }

  @Test
  void ilmPolicyDeletesTheDailyEventIndicesAfterTheirAge() throws IOException {
    JsonNode expected =
        Cluster.MAPPER.readTree(
            """
            {"policy": {
              "_meta": {"description": "kubetrail: deletes the audit event indices p.* 91 days old"},
              "phases": {"delete": {"min_age": "91d", "actions": {"delete": {}}}}}}
            """);
    assertThat(RetentionApi.ILM.policy("p", Retention.DEFAULT_DAYS)).isEqualTo(expected);
    assertThatThrownBy(() -> RetentionApi.ILM.policy("p", 0))
        .isInstanceOf(IllegalArgumentException.class);
    // As Elasticsearch answers GET _ilm/policy/p-retention: the policy under its name.
    JsonNode answer =
        Cluster.MAPPER.readTree(
            "{\"p-retention\":{\"version\":2,\"modified_date\":\"2026-12-05T00:00:00Z\","
                + "\"policy\":"
                + RetentionApi.ILM.policy("p", 30).path("policy")
                + "}}");
    assertThat(RetentionApi.ILM.deletesAfter(answer, "p-retention")).hasValue(Duration.ofDays(30));
    assertThat(RetentionApi.ILM.deletesAfter(answer, "q-retention")).isEmpty();
    assertThat(RetentionApi.ILM.templateSettings("p-retention"))
        .containsEntry("index.lifecycle.name", "p-retention");
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
                400,
                "{\"error\":\"no handler found for uri [/_ilm/policy/p-retention] and method"
                    + " [GET]\"}"))
        .isEqualTo(Retention.Probe.NO_PLUGIN);
    assertThat(
            Retention.classify(
                404,
                "{\"error\":{\"root_cause\":[{\"type\":\"resource_not_found_exception\","
                    + "\"reason\":\"Lifecycle policy not found: p-retention\"}]},\"status\":404}"))
        .isEqualTo(Retention.Probe.MISSING);
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
    assertThat(RetentionApi.ISM.deletesAfter(changed, "p-retention")).isEmpty();
    JsonNode rolled =
        Cluster.MAPPER.readTree(
            "{\"p-retention\":{\"policy\":{\"phases\":{\"hot\":{\"actions\":{\"rollover\":"
                + "{\"max_age\":\"1d\"}}},\"delete\":{\"min_age\":\"12w\",\"actions\":"
                + "{\"delete\":{}}}}}}}");
    assertThat(RetentionApi.ILM.deletesAfter(rolled, "p-retention")).isEmpty();
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

  @ParameterizedTest
  @EnumSource(OpenSearchNode.Distribution.class)
  void withoutTheRetentionFeatureTheStoreSaysSoAndPruneStillWorks(
      OpenSearchNode.Distribution distribution) throws IOException {
    // Both test nodes are minimal distributions: OpenSearch without ISM, Elasticsearch without ILM.
    String absent =
        distribution == OpenSearchNode.Distribution.OPENSEARCH
            ? "no Index State Management plugin, so it deletes nothing"
            : "no Index Lifecycle Management (ILM), so it deletes nothing";
    String location = OpenSearchNode.shared(distribution).freshLocation("retention");
    try (AuditStore store = AuditStores.open(location, StoreOptions.defaults())) {
      assertThat(store.notes()).anySatisfy(n -> assertThat(n).contains(absent));
      store.append(Batch.of(List.of(event("old").at(0).build())));
      store.append(Batch.of(List.of(event("new").at(3600).build())));
      assertThat(store.prune(T0.plusSeconds(60)).batches()).isEqualTo(1);
      assertThat(store.count(EventQuery.all())).isEqualTo(1);
      assertThat(store.verify().ok()).isTrue();
    }
    try (AuditStore reader =
        AuditStores.open(location, StoreOptions.builder().readOnly(true).build())) {
      assertThat(reader.notes()).anySatisfy(n -> assertThat(n).contains(absent));
    }
    Cluster cluster = new Cluster(OpenSearchOptions.parse(location, Map.of()));
    assertThat(new Retention(cluster, cluster.engine().retentionApi()).current().deletesAfter())
        .isEqualTo(Optional.empty());
  }

  @ParameterizedTest
  @EnumSource(OpenSearchNode.Distribution.class)
  void verifyCountsNoEventDeletedByTheRetentionPolicyAsMissing(
      OpenSearchNode.Distribution distribution) throws IOException {
    String location = OpenSearchNode.shared(distribution).freshLocation("expired");
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
