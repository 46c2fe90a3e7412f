package io.kubetrail.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SnapshotWriterTest {

  private static String write(Map<ObjectKey, String> objects) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SnapshotWriter.write(objects, out);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theListHoldsTheLiveObjectsAfterStepK() throws IOException {
    Simulation sim = Simulation.builder().seed(4).build();
    for (int i = 0; i < 3_000; i++) {
      sim.step();
    }
    NavigableMap<ObjectKey, String> live = sim.liveObjects();
    JsonNode list = Runs.parse(write(live));

    assertThat(list.path("apiVersion").asText()).isEqualTo("v1");
    assertThat(list.path("kind").asText()).isEqualTo("List");
    assertThat(list.path("metadata").path("resourceVersion").isTextual()).isTrue();
    assertThat(list.path("metadata").path("resourceVersion").asText()).isEmpty();
    List<JsonNode> expected = new ArrayList<>();
    live.values().forEach(body -> expected.add(Runs.parse(body)));
    assertThat(list.path("items")).containsExactlyElementsOf(expected);
    for (JsonNode item : list.path("items")) {
      assertThat(item.path("kind").asText()).isNotEmpty();
      assertThat(item.path("apiVersion").asText()).isNotEmpty();
    }
  }

  @Test
  void anEmptyListIsWrittenAsKubectlDoes() throws IOException {
    assertThat(write(Map.of()))
        .isEqualTo(
            "{\n"
                + "    \"apiVersion\": \"v1\",\n"
                + "    \"items\": [],\n"
                + "    \"kind\": \"List\",\n"
                + "    \"metadata\": {\n"
                + "        \"resourceVersion\": \"\"\n"
                + "    }\n"
                + "}\n");
  }

  @Test
  void itemsAreIndentedByFourSpacesWithEmptyContainersOnOneLine() throws IOException {
    TreeMap<ObjectKey, String> objects = new TreeMap<>();
    objects.put(
        new ObjectKey("", "configmaps", "a", "b"),
        "{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"b\",\"labels\":{}},"
            + "\"data\":{\"x\":\"<\\\"y\\\">\"},\"list\":[1,true,null]}");
    assertThat(write(objects))
        .isEqualTo(
            "{\n"
                + "    \"apiVersion\": \"v1\",\n"
                + "    \"items\": [\n"
                + "        {\n"
                + "            \"kind\": \"ConfigMap\",\n"
                + "            \"apiVersion\": \"v1\",\n"
                + "            \"metadata\": {\n"
                + "                \"name\": \"b\",\n"
                + "                \"labels\": {}\n"
                + "            },\n"
                + "            \"data\": {\n"
                + "                \"x\": \"<\\\"y\\\">\"\n"
                + "            },\n"
                + "            \"list\": [\n"
                + "                1,\n"
                + "                true,\n"
                + "                null\n"
                + "            ]\n"
                + "        }\n"
                + "    ],\n"
                + "    \"kind\": \"List\",\n"
                + "    \"metadata\": {\n"
                + "        \"resourceVersion\": \"\"\n"
                + "    }\n"
                + "}\n");
  }

  @Test
  void aBodyThatIsNotAnObjectIsRefused() {
    Map<ObjectKey, String> objects = Map.of(new ObjectKey("", "pods", "a", "b"), "[1]");
    assertThatThrownBy(() -> write(objects))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pods a/b");
  }
}
