package io.kubetrail.history;

import static io.kubetrail.history.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.Stage;
import io.kubetrail.store.StateRepository;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Replay against a model that knows the truth: a random cluster history is written as audit events
 * (split over two API servers' logs, ingested in random order, with failed, dry-run and partial
 * events mixed in), and the state replayed at many times must equal the truth, with and without a
 * snapshot, with checkpoints being written and reused. jqwik prints the seed of any failure.
 */
class ReplayPropertyTest {
  private static final String[] NAMESPACES = {"a", "b", "c"};
  private static final String[] NAMES = {"x", "y", "z"};

  /** The model: the true cluster, changed by operations that also write their audit events. */
  static final class Model {
    final Random random;
    final Map<String, ObjectNode> truth = new TreeMap<>();
    final List<AuditEvent> events = new ArrayList<>();
    final List<Map<String, String>> truthAt = new ArrayList<>();
    long rv = 100;
    int step;

    Model(long seed) {
      random = new Random(seed);
    }

    Instant now() {
      return Events.T0.plusMillis(10L * step);
    }

    void run(int steps) {
      for (step = 1; step <= steps; step++) {
        stepOnce();
        Map<String, String> copy = new TreeMap<>();
        truth.forEach((k, v) -> copy.put(k, v.toString()));
        truthAt.add(copy);
      }
    }

    private void stepOnce() {
      String ns = NAMESPACES[random.nextInt(NAMESPACES.length)];
      String name = NAMES[random.nextInt(NAMES.length)];
      int kind = random.nextInt(4);
      String group = kind == 2 ? "networking.k8s.io" : "";
      String resource =
          switch (kind) {
            case 0 -> "pods";
            case 1 -> "configmaps";
            case 2 -> "networkpolicies";
            default -> "nodes";
          };
      if (resource.equals("nodes")) {
        ns = "";
      }
      String key = ResourceKey.of(group, resource, ns, name).toString();
      int op = random.nextInt(12);
      if (op == 0) {
        deleteNamespace(ns.isEmpty() ? "a" : ns);
      } else if (op == 1) {
        noise(group, resource, ns, name);
      } else if (op == 2 && !ns.isEmpty()) {
        deleteCollection(group, resource, ns);
      } else if (!truth.containsKey(key)) {
        create(group, resource, ns, name, key);
      } else if (op < 5) {
        delete(group, resource, ns, name, key);
      } else {
        update(group, resource, ns, name, key);
      }
    }

    private ObjectNode body(String group, String resource, String ns, String name) {
      String kind =
          switch (resource) {
            case "pods" -> "Pod";
            case "configmaps" -> "ConfigMap";
            case "networkpolicies" -> "NetworkPolicy";
            default -> "Node";
          };
      ObjectNode o = Events.obj(group.isEmpty() ? "v1" : group + "/v1", kind, ns, name, rv++);
      o.withObjectProperty("metadata")
          .putObject("labels")
          .put("tier", random.nextBoolean() ? "web" : "db");
      o.putObject("spec").put("value", random.nextInt(1000));
      return o;
    }

    private void create(String group, String resource, String ns, String name, String key) {
      ensureNamespace(ns);
      ObjectNode o = body(group, resource, ns, name);
      // Pods and configmaps are sometimes created by generateName: the objectRef has no name.
      boolean generated = !resource.equals("nodes") && random.nextInt(4) == 0;
      events.add(
          event("create", group, resource, ns, generated ? "" : name)
              .at(now())
              .response(o)
              .build());
      truth.put(key, o);
    }

    private void ensureNamespace(String ns) {
      String key = ResourceKey.of("", "namespaces", "", ns).toString();
      if (ns.isEmpty() || truth.containsKey(key)) {
        return;
      }
      ObjectNode n = Events.namespace(ns, rv++);
      events.add(
          event("create", "", "namespaces", "", ns).at(now().minusMillis(1)).response(n).build());
      truth.put(key, n);
    }

    private void update(String group, String resource, String ns, String name, String key) {
      ObjectNode o = body(group, resource, ns, name);
      String verb = random.nextBoolean() ? "update" : "patch";
      Events.Builder b = event(verb, group, resource, ns, name).at(now()).response(o);
      if (resource.equals("pods") && random.nextBoolean()) {
        b.subresource("status");
      }
      events.add(b.build());
      truth.put(key, o);
    }

    private void delete(String group, String resource, String ns, String name, String key) {
      Events.Builder b = event("delete", group, resource, ns, name).at(now());
      if (random.nextBoolean()) {
        ObjectNode gone = truth.get(key).deepCopy();
        gone.withObjectProperty("metadata").put("resourceVersion", Long.toString(rv++));
        gone.withObjectProperty("metadata").put("deletionTimestamp", now().toString());
        b.response(gone);
      } else {
        b.response(Events.status());
      }
      events.add(b.build());
      truth.remove(key);
    }

    private void deleteNamespace(String ns) {
      String key = ResourceKey.of("", "namespaces", "", ns).toString();
      if (!truth.containsKey(key)) {
        return;
      }
      ObjectNode terminating = truth.get(key).deepCopy();
      terminating.withObjectProperty("metadata").put("deletionTimestamp", now().toString());
      terminating.withObjectProperty("metadata").put("resourceVersion", Long.toString(rv++));
      events.add(event("delete", "", "namespaces", ns, ns).at(now()).response(terminating).build());
      truth.keySet().removeIf(k -> k.equals(key) || k.matches("[^/]+/" + ns + "/[^/]+"));
      // The namespace controller finishing its work: logged, but replay must not resurrect.
      terminating.withObjectProperty("metadata").put("resourceVersion", Long.toString(rv++));
      events.add(
          event("update", "", "namespaces", ns, ns)
              .subresource("finalize")
              .at(now().plusMillis(1))
              .response(terminating)
              .build());
    }

    private void deleteCollection(String group, String resource, String ns) {
      String tier = random.nextBoolean() ? "web" : "db";
      events.add(
          event("deletecollection", group, resource, ns, "")
              .at(now())
              .query("labelSelector=tier%3D" + tier)
              .build());
      String prefix = ResourceKey.of(group, resource, ns, "_").toString();
      prefix = prefix.substring(0, prefix.length() - 1);
      final String p = prefix;
      truth
          .entrySet()
          .removeIf(
              e ->
                  e.getKey().startsWith(p)
                      && e.getValue()
                          .path("metadata")
                          .path("labels")
                          .path("tier")
                          .asText()
                          .equals(tier));
    }

    /** Events that are not changes: they must change nothing. */
    private void noise(String group, String resource, String ns, String name) {
      ObjectNode o = body(group, resource, ns, name);
      events.add(
          switch (random.nextInt(4)) {
            case 0 ->
                event("update", group, resource, ns, name).at(now()).code(409).response(o).build();
            case 1 ->
                event("create", group, resource, ns, name)
                    .at(now())
                    .query("dryRun=All")
                    .response(o)
                    .build();
            case 2 ->
                event("delete", group, resource, ns, name)
                    .at(now())
                    .stage(Stage.RequestReceived)
                    .build();
            default -> event("get", group, resource, ns, name).at(now()).response(o).build();
          });
    }
  }

  @Property(tries = 25)
  void replayedStateEqualsTheTruthAtManyTimes(
      @ForAll long seed,
      @ForAll @IntRange(min = 20, max = 150) int steps,
      @ForAll @IntRange(min = 3, max = 40) int checkpointInterval,
      @ForAll boolean withSnapshot)
      throws IOException {
    Model model = new Model(seed);
    model.run(steps);

    // Two API servers' logs, ingested in random order.
    List<AuditEvent> serverA = new ArrayList<>();
    List<AuditEvent> serverB = new ArrayList<>();
    for (AuditEvent e : model.events) {
      (model.random.nextBoolean() ? serverA : serverB).add(e);
    }
    ListChangeLog log = new ListChangeLog();
    if (model.random.nextBoolean()) {
      log.append(serverA).append(serverB);
    } else {
      log.append(serverB).append(serverA);
    }

    Path dir = Files.createTempDirectory("replay-property");
    try {
      StateHistory history =
          new StateHistory(
              log,
              StateRepository.inDirectory(dir),
              "c1",
              HistoryOptions.builder().checkpointInterval(checkpointInterval).build());
      int snapshotStep = withSnapshot ? 1 + model.random.nextInt(steps) : Integer.MAX_VALUE;
      if (withSnapshot) {
        List<LiveObject> objects = new ArrayList<>();
        model
            .truthAt
            .get(snapshotStep - 1)
            .forEach(
                (k, v) ->
                    objects.add(
                        LiveObject.of(
                            ResourceKey.parse(k),
                            Instant.EPOCH,
                            v.getBytes(StandardCharsets.UTF_8))));
        history.importSnapshot(
            objects, Events.T0.plusMillis(10L * snapshotStep).plusMillis(5), "model");
      }
      List<Integer> points = new ArrayList<>();
      for (int s = 1; s <= steps; s++) {
        points.add(s);
      }
      Collections.shuffle(points, model.random);
      for (int s : points.subList(0, Math.min(points.size(), 25))) {
        // Just before the next step's events: every change of step s, nothing later.
        Instant t = Events.T0.plusMillis(10L * s + 5);
        Map<String, String> truth = model.truthAt.get(s - 1);
        Map<String, String> replayed = new TreeMap<>();
        ClusterState state = history.stateAt(t);
        for (LiveObject o : state.objects()) {
          replayed.put(o.key().toString(), Events.JSON.readTree(o.json()).toString());
        }
        assertThat(replayed).as("state at step %d (seed %d)", s, seed).isEqualTo(truth);
        assertThat(state.warnings()).isEmpty();
      }
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Property(tries = 25)
  void anIntervalReplayKeepingBodiesAsTheyCameGivesTheSameStates(
      @ForAll long seed, @ForAll @IntRange(min = 20, max = 150) int steps) {
    Model model = new Model(seed);
    model.run(steps);
    Replayer packed = new Replayer();
    Replayer plain = Replayer.forInterval(ClusterState.empty(Instant.EPOCH));
    List<String> told = new ArrayList<>();
    List<String> toldPlain = new ArrayList<>();
    packed.listen(
        (k, now) ->
            told.add(
                k + "=" + now.map(o -> new String(o.json(), StandardCharsets.UTF_8)).orElse("")));
    plain.listen(
        (k, now) ->
            toldPlain.add(
                k + "=" + now.map(o -> new String(o.json(), StandardCharsets.UTF_8)).orElse("")));
    for (AuditEvent e : model.events) {
      assertThat(plain.apply(e)).isEqualTo(packed.apply(e));
    }
    assertThat(toldPlain).isEqualTo(told);
    assertSameStates(packed, plain, seed);
  }

  /** The two replayers hold the same objects, bodies and warnings. */
  private static void assertSameStates(Replayer want, Replayer got, long seed) {
    ClusterState a = want.state(Instant.EPOCH);
    ClusterState b = got.state(Instant.EPOCH);
    assertThat(b.size()).isEqualTo(a.size());
    for (LiveObject o : a.objects()) {
      LiveObject p = b.get(o.key()).orElseThrow();
      assertThat(p.json()).as("%s (seed %d)", o.key(), seed).isEqualTo(o.json());
      assertThat(p.packed()).isEqualTo(o.packed());
      assertThat(p.resourceVersion()).isEqualTo(o.resourceVersion());
      assertThat(p.kind()).isEqualTo(o.kind());
      assertThat(p.modified()).isEqualTo(o.modified());
    }
    assertThat(got.warnings()).isEqualTo(want.warnings());
  }

  @Property(tries = 25)
  void changesPreparedAheadGiveTheSameOutcomesAndStates(
      @ForAll long seed, @ForAll @IntRange(min = 20, max = 150) int steps) {
    Model model = new Model(seed);
    model.run(steps);
    Replayer direct = new Replayer();
    Replayer own = new Replayer();
    // Prepared by another replayer's preparer, one that keeps every body as it came.
    Replayer other = new Replayer();
    java.util.function.Function<AuditEvent, Replayer.Prepared> ownPrepare = own.preparer();
    java.util.function.Function<AuditEvent, Replayer.Prepared> plainPrepare =
        Replayer.forInterval(ClusterState.empty(Instant.EPOCH)).preparer();
    for (AuditEvent e : model.events) {
      Replayer.Outcome o = direct.apply(e);
      assertThat(own.apply(ownPrepare.apply(e))).isEqualTo(o);
      assertThat(other.apply(plainPrepare.apply(e))).isEqualTo(o);
    }
    assertSameStates(direct, own, seed);
    assertSameStates(direct, other, seed);
  }
}
