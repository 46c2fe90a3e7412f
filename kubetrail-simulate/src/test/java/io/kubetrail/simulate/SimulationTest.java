package io.kubetrail.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SimulationTest {
  /** kube-apiserver's field order for an audit.k8s.io/v1 Event (Go struct order). */
  private static final List<String> FIELD_ORDER =
      List.of(
          "kind",
          "apiVersion",
          "level",
          "auditID",
          "stage",
          "requestURI",
          "verb",
          "user",
          "impersonatedUser",
          "sourceIPs",
          "userAgent",
          "objectRef",
          "responseStatus",
          "requestObject",
          "responseObject",
          "requestReceivedTimestamp",
          "stageTimestamp",
          "annotations");

  private static final List<String> REQUIRED =
      List.of(
          "kind",
          "apiVersion",
          "level",
          "auditID",
          "stage",
          "requestURI",
          "verb",
          "user",
          "sourceIPs",
          "userAgent",
          "requestReceivedTimestamp",
          "stageTimestamp");

  private static final Pattern MICRO_TIME =
      Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");

  private static List<String> lines;
  private static List<JsonNode> events;

  @BeforeAll
  static void run() {
    lines = Runs.lines(11, 4_000);
    events = Runs.parse(lines);
  }

  @Test
  void sameSeedWritesTheSameBytes() {
    assertThat(Runs.lines(11, 4_000)).isEqualTo(lines);
  }

  @Test
  void anotherSeedWritesSomethingElse() {
    // Line by line over the same number of lines, so that content is compared, not lengths.
    List<String> other = Runs.lines(12, 500);
    int n = Math.min(other.size(), lines.size());
    long same = 0;
    for (int i = 0; i < n; i++) {
      if (other.get(i).equals(lines.get(i))) {
        same++;
      }
    }
    assertThat(n).isGreaterThan(400);
    assertThat(same).as("lines equal to seed 11's, of %d", n).isLessThan(n / 10);
  }

  @Test
  void theStartMovesEveryTimestamp() {
    Instant later = Simulation.DEFAULT_START.plus(Duration.ofDays(400));
    Simulation sim = Simulation.builder().seed(11).start(later).build();
    JsonNode first = Runs.parse(sim.step().lines().get(0));
    assertThat(Instant.parse(first.path("requestReceivedTimestamp").asText()))
        .isAfterOrEqualTo(later)
        .isBefore(later.plusSeconds(5));
  }

  @Test
  void everyLineIsAnAuditV1EventInKubeApiserverFieldOrder() {
    for (JsonNode e : events) {
      List<String> fields = new ArrayList<>();
      e.fieldNames().forEachRemaining(fields::add);
      assertThat(fields).as("fields of %s", e).containsAll(REQUIRED);
      assertThat(fields)
          .as("field order of %s", e)
          .isEqualTo(FIELD_ORDER.stream().filter(fields::contains).toList());
      assertThat(e.path("kind").asText()).isEqualTo("Event");
      assertThat(e.path("apiVersion").asText()).isEqualTo("audit.k8s.io/v1");
      assertThat(e.path("level").asText()).isIn("Metadata", "RequestResponse");
      assertThat(e.path("stage").asText())
          .isIn("RequestReceived", "ResponseStarted", "ResponseComplete");
      assertThat(e.path("requestReceivedTimestamp").asText()).matches(MICRO_TIME);
      assertThat(e.path("stageTimestamp").asText()).matches(MICRO_TIME);
      assertThat(e.path("stageTimestamp").asText())
          .isGreaterThanOrEqualTo(e.path("requestReceivedTimestamp").asText());
      assertThat(e.path("user").path("username").asText()).isNotEmpty();
      assertThat(e.path("sourceIPs")).hasSize(1);
    }
  }

  @Test
  void stagesCarryWhatKubeApiserverLogsAtThem() {
    for (JsonNode e : events) {
      String stage = e.path("stage").asText();
      boolean metadataOnly = e.path("level").asText().equals("Metadata");
      if (stage.equals("RequestReceived")) {
        assertThat(e.has("responseStatus")).as("responseStatus in %s", e).isFalse();
        assertThat(e.has("requestObject") || e.has("responseObject")).isFalse();
        assertThat(e.has("annotations")).as("annotations in %s", e).isFalse();
        assertThat(e.path("stageTimestamp")).isEqualTo(e.path("requestReceivedTimestamp"));
      } else {
        assertThat(e.path("responseStatus").path("code").asInt()).isBetween(100, 599);
        String decision = e.path("annotations").path("authorization.k8s.io/decision").asText();
        assertThat(decision).isIn("allow", "forbid");
        assertThat(decision.equals("forbid"))
            .isEqualTo(e.path("responseStatus").path("code").asInt() == 403);
      }
      if (metadataOnly) {
        assertThat(e.has("requestObject") || e.has("responseObject"))
            .as("bodies in %s", e)
            .isFalse();
      }
      if (stage.equals("ResponseStarted")) {
        boolean longRunning =
            e.path("verb").asText().equals("watch")
                || e.path("objectRef").path("subresource").asText().equals("log");
        assertThat(longRunning).as("ResponseStarted for %s", e).isTrue();
      }
      if (!e.has("objectRef")) {
        assertThat(e.path("requestURI").asText())
            .doesNotStartWith("/api/")
            .doesNotStartWith("/apis/");
      }
    }
  }

  @Test
  void eachRequestLogsItsStagesInOrderUnderOneAuditId() {
    Map<String, List<JsonNode>> byId = new HashMap<>();
    for (JsonNode e : events) {
      byId.computeIfAbsent(e.path("auditID").asText(), id -> new ArrayList<>()).add(e);
    }
    for (List<JsonNode> request : byId.values()) {
      List<String> stages = request.stream().map(e -> e.path("stage").asText()).toList();
      assertThat(stages.get(0)).isEqualTo("RequestReceived");
      assertThat(stages)
          .isSubsetOf("RequestReceived", "ResponseStarted", "ResponseComplete")
          .doesNotHaveDuplicates();
      assertThat(request.stream().map(e -> e.path("level")).distinct()).hasSize(1);
      assertThat(request.stream().map(e -> e.path("requestReceivedTimestamp")).distinct())
          .hasSize(1);
    }
  }

  @Test
  void stepsAreOneRequestEachAndClusterTimeAdvances() {
    Simulation sim = Simulation.builder().seed(5).build();
    assertThat(sim.clusterTime()).isEqualTo(Simulation.DEFAULT_START);
    Instant previous = sim.clusterTime();
    for (int i = 1; i <= 1_000; i++) {
      Step step = sim.step();
      assertThat(step.number()).isEqualTo(i);
      assertThat(step.clusterTime()).isAfter(previous).isEqualTo(sim.clusterTime());
      long received =
          step.lines().stream()
              .map(Runs::parse)
              .filter(e -> e.path("stage").asText().equals("RequestReceived"))
              .count();
      assertThat(received).as("requests in step %d", i).isEqualTo(1);
      previous = step.clusterTime();
    }
    assertThat(sim.steps()).isEqualTo(1_000);
  }

  @Test
  void eventsAverageAboutAKilobyte() {
    double average = lines.stream().mapToInt(String::length).average().orElseThrow();
    assertThat(average).isBetween(600.0, 2_000.0);
  }

  @Test
  void builderRejectsWhatCannotBeSimulated() {
    assertThatThrownBy(() -> Simulation.builder().workerNodes(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("workerNodes");
    assertThatThrownBy(() -> Simulation.builder().workerNodes(Simulation.MAX_WORKER_NODES + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Simulation.builder().start(Instant.parse("1969-12-31T23:59:59Z")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1969-12-31T23:59:59Z");
    assertThatThrownBy(() -> Simulation.builder().start(null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void moreNodesMeanMoreKubelets() {
    Simulation sim = Simulation.builder().seed(3).workerNodes(9).build();
    List<String> kubelets = new ArrayList<>();
    for (int i = 0; i < 1_500; i++) {
      for (String line : sim.step().lines()) {
        String user = Runs.parse(line).path("user").path("username").asText();
        if (user.startsWith("system:node:") && !kubelets.contains(user)) {
          kubelets.add(user);
        }
      }
    }
    assertThat(kubelets).contains("system:node:worker-9", "system:node:cp-1");
  }
}
