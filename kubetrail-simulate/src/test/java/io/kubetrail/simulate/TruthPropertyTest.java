package io.kubetrail.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The simulator's truth is what a replay of its own log by kubetrail's rules gives, at every step,
 * whatever the seed.
 */
class TruthPropertyTest {
  private static final int STEPS = 2_500;
  private static final int CHECK_EVERY = 500;

  @Property(tries = 8)
  void liveObjectsAreTheReplayOfTheLog(@ForAll long seed) {
    Simulation sim = Simulation.builder().seed(seed).build();
    ReplayFold fold = new ReplayFold();
    Set<String> deletedNamespaces = new HashSet<>();
    Instant previousStep = sim.clusterTime();
    long lastVersion = 0;
    for (int i = 1; i <= STEPS; i++) {
      Step step = sim.step();
      for (String line : step.lines()) {
        JsonNode e = Runs.parse(line);
        fold.accept(e);
        if (!isChange(e)) {
          continue;
        }
        // The step's cluster time is the state's time: its change falls in (previous, now].
        Instant done = Instant.parse(e.path("stageTimestamp").asText());
        assertThat(done).isAfter(previousStep).isBeforeOrEqualTo(step.clusterTime());
        JsonNode response = e.path("responseObject");
        if (response.path("metadata").has("resourceVersion")
            && !response.path("kind").asText().endsWith("List")) {
          long version = Long.parseLong(response.path("metadata").path("resourceVersion").asText());
          assertThat(version).as("resourceVersion of %s", e).isGreaterThan(lastVersion);
          lastVersion = version;
        }
        JsonNode ref = e.path("objectRef");
        if (ref.path("resource").asText().equals("namespaces") && !ref.has("apiGroup")) {
          String name =
              ref.has("name")
                  ? ref.path("name").asText()
                  : response.path("metadata").path("name").asText();
          if (e.path("verb").asText().equals("delete")) {
            deletedNamespaces.add(name);
          } else {
            deletedNamespaces.remove(name);
          }
        }
      }
      previousStep = step.clusterTime();
      if (i % CHECK_EVERY == 0) {
        assertSameState(fold, sim.liveObjects());
      }
    }
    for (ObjectKey key : sim.liveObjects().keySet()) {
      assertThat(deletedNamespaces).as("namespace of live %s", key).doesNotContain(key.namespace());
    }
  }

  private static boolean isChange(JsonNode e) {
    int code = e.path("responseStatus").path("code").asInt();
    return e.path("stage").asText().equals("ResponseComplete")
        && ApiCall.isWrite(e.path("verb").asText())
        && code >= 200
        && code < 300
        && !e.path("requestURI").asText().contains("dryRun=");
  }

  private static void assertSameState(ReplayFold fold, NavigableMap<ObjectKey, String> truth) {
    assertThat(truth.keySet()).containsExactlyElementsOf(fold.live.keySet());
    for (Map.Entry<ObjectKey, String> e : truth.entrySet()) {
      assertThat(Runs.parse(e.getValue()))
          .as("body of %s", e.getKey())
          .isEqualTo(fold.live.get(e.getKey()));
    }
  }
}
