package io.kubetrail.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubetrail.opensearch.Engine.Kind;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Which engine a cluster is, told from its answers, and what the store does differently on it. */
class EngineTest {

  @Test
  void openSearchSaysSoAtTheRootAndElasticsearchDoesNot() throws IOException {
    JsonNode openSearch =
        Cluster.MAPPER.readTree(
            "{\"name\":\"n\",\"version\":{\"distribution\":\"opensearch\",\"number\":\"2.19.6\"}}");
    JsonNode elasticsearch =
        Cluster.MAPPER.readTree(
            "{\"name\":\"n\",\"version\":{\"number\":\"8.19.4\",\"build_flavor\":\"default\"},"
                + "\"tagline\":\"You Know, for Search\"}");
    assertThat(Engine.fromRoot(openSearch)).isEqualTo(new Engine(Kind.OPENSEARCH, "2.19.6"));
    assertThat(Engine.fromRoot(elasticsearch)).isEqualTo(new Engine(Kind.ELASTICSEARCH, "8.19.4"));
  }

  @Test
  void elasticsearchWithoutItsRootModuleIsToldByItsNodes() throws IOException {
    assertThat(
            Engine.noHandler(
                "{\"error\":\"Incorrect HTTP method for uri [/] and method [GET], allowed:"
                    + " [DELETE]\",\"status\":405}"))
        .isTrue();
    JsonNode nodes =
        Cluster.MAPPER.readTree(
            "{\"nodes\":{\"x\":{\"version\":\"8.19.21\",\"build_flavor\":\"default\"}}}");
    assertThat(Engine.fromNodes(nodes)).hasValue(new Engine(Kind.ELASTICSEARCH, "8.19.21"));
    assertThat(Engine.fromNodes(Cluster.MAPPER.readTree("{\"nodes\":{}}"))).isEmpty();
    assertThat(Engine.fromNodes(Cluster.MAPPER.readTree("{\"nodes\":{\"x\":{\"version\":\"2\"}}}")))
        .isEmpty();
  }

  @Test
  void eachEngineHasItsOwnPointInTimeApi() throws IOException {
    Engine os = new Engine(Kind.OPENSEARCH, "2.19.6");
    Engine es = new Engine(Kind.ELASTICSEARCH, "8.19.4");
    assertThat(os.openPitPath("p.*", "5m")).isEqualTo("/p.*/_search/point_in_time?keep_alive=5m");
    assertThat(es.openPitPath("p.*", "5m")).isEqualTo("/p.*/_pit?keep_alive=5m");
    assertThat(os.pitId(Cluster.MAPPER.readTree("{\"pit_id\":\"a\"}"))).isEqualTo("a");
    assertThat(es.pitId(Cluster.MAPPER.readTree("{\"id\":\"b\"}"))).isEqualTo("b");
    assertThat(os.closePitPath()).isEqualTo("/_search/point_in_time");
    assertThat(es.closePitPath()).isEqualTo("/_pit");
    assertThat(os.closePitBody("a").toString()).isEqualTo("{\"pit_id\":[\"a\"]}");
    assertThat(es.closePitBody("b").toString()).isEqualTo("{\"id\":\"b\"}");
    assertThat(os.flattenedType()).isEqualTo("flat_object");
    assertThat(es.flattenedType()).isEqualTo("flattened");
    assertThat(os.retentionApi()).isEqualTo(RetentionApi.ISM);
    assertThat(es.retentionApi()).isEqualTo(RetentionApi.ILM);
  }

  @ParameterizedTest
  @EnumSource(OpenSearchNode.Distribution.class)
  void theTestNodesAreToldApart(OpenSearchNode.Distribution distribution) throws IOException {
    OpenSearchNode node = OpenSearchNode.shared(distribution);
    Engine engine =
        new Cluster(OpenSearchOptions.parse(node.freshLocation("engine"), Map.of())).engine();
    assertThat(engine.kind().name()).isEqualTo(distribution.name());
    // The distribution is unpacked as <name>-<version>.
    assertThat(Path.of(node.home()).getFileName().toString()).endsWith("-" + engine.version());
  }
}
