package io.kubetrail.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.AuditEventReader;
import io.kubetrail.event.DecodeLimits;
import io.kubetrail.simulate.Simulation;
import io.kubetrail.simulate.Step;
import io.kubetrail.store.StateRepository;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The state the simulator knows versus the state replayed from the audit log it wrote, at many
 * points, with and without a snapshot, with the log split over two API servers ingested in random
 * order. With a snapshot, only the changes after it are stored, so the snapshot must be used. jqwik
 * prints the seed of any failure.
 */
class SimulationReplayPropertyTest {

  @Property(tries = 16)
  void replayedStateEqualsTheSimulatorsTruth(
      @ForAll long seed,
      @ForAll @IntRange(min = 30, max = 300) int steps,
      @ForAll boolean withSnapshot)
      throws Exception {
    Simulation sim = Simulation.builder().seed(seed).build();
    Random random = new Random(seed);
    List<List<AuditEvent>> stepEvents = new ArrayList<>();
    List<Instant> times = new ArrayList<>();
    List<Map<String, String>> truth = new ArrayList<>();
    SortedSet<ResourceType> types = new TreeSet<>();
    for (int i = 0; i < steps; i++) {
      Step step = sim.step();
      List<AuditEvent> events = new ArrayList<>();
      for (String line : step.lines()) {
        events.add(
            AuditEventReader.decode(
                line.getBytes(StandardCharsets.UTF_8), DecodeLimits.defaults()));
      }
      stepEvents.add(events);
      times.add(step.clusterTime());
      Map<String, String> t = new TreeMap<>();
      sim.liveObjects()
          .forEach(
              (k, v) -> {
                ResourceKey key =
                    ResourceKey.of(k.apiGroup(), k.resource(), k.namespace(), k.name());
                types.add(key.type());
                t.put(key.toString(), normal(v.getBytes(StandardCharsets.UTF_8)));
              });
      truth.add(t);
    }
    assertThat(truth.get(steps - 1)).as("the simulated cluster has objects").isNotEmpty();

    // With a snapshot at step k, the store holds only the changes of the steps after it: a
    // replay that ignored the snapshot could not know the objects made before.
    int k = -1;
    if (withSnapshot) {
      k = random.nextInt(steps);
      while (k + 1 < steps && !times.get(k + 1).isAfter(times.get(k))) {
        k++;
      }
    }
    List<AuditEvent> serverA = new ArrayList<>();
    List<AuditEvent> serverB = new ArrayList<>();
    for (int i = k + 1; i < steps; i++) {
      for (AuditEvent e : stepEvents.get(i)) {
        (random.nextBoolean() ? serverA : serverB).add(e);
      }
    }
    ListChangeLog log = new ListChangeLog().append(serverB).append(serverA);
    Path dir = Files.createTempDirectory("sim-replay");
    try {
      StateHistory h =
          new StateHistory(
              log,
              StateRepository.inDirectory(dir),
              "c1",
              HistoryOptions.builder().checkpointInterval(50).build());
      if (withSnapshot) {
        List<LiveObject> objects = new ArrayList<>();
        truth
            .get(k)
            .forEach(
                (key, body) ->
                    objects.add(
                        LiveObject.of(
                            ResourceKey.parse(key),
                            Instant.EPOCH,
                            body.getBytes(StandardCharsets.UTF_8))));
        // As a listing of every type the cluster ever had, whether or not it held any then.
        h.importSnapshot(objects, types, times.get(k), "simulator");
      }
      // Only points whose time no later step shares, so the truth at that time is one step's.
      // The last step always qualifies, so there is always a point to compare.
      List<Integer> points = new ArrayList<>();
      for (int s = Math.max(k, 0); s < steps; s++) {
        if (s + 1 == steps || times.get(s + 1).isAfter(times.get(s))) {
          points.add(s);
        }
      }
      assertThat(points).contains(steps - 1);
      List<Integer> sample = new ArrayList<>(List.of(steps - 1));
      for (int n = 0; n < 15; n++) {
        sample.add(points.get(random.nextInt(points.size())));
      }
      for (int s : sample) {
        Map<String, String> replayed = new TreeMap<>();
        for (LiveObject o : h.stateAt(times.get(s)).objects()) {
          replayed.put(o.key().toString(), normal(o.json()));
        }
        assertThat(replayed)
            .as("step %d of seed %d (snapshot at step %d)", s + 1, seed, k + 1)
            .isEqualTo(truth.get(s));
      }
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static String normal(byte[] json) {
    try {
      return Events.JSON.readTree(json).toString();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
