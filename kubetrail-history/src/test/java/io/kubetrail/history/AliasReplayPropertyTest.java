package io.kubetrail.history;

import static io.kubetrail.history.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.ObjectReference;
import io.kubetrail.store.StateRepository;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Writes to the same objects through either group of a resource kube-apiserver serves under two
 * (and late, stale writes through the other group), replayed against a model that keys each object
 * once by its canonical group: state at many times, with a snapshot listing objects under random
 * groups (sometimes both), and each object's history named by either group. jqwik prints the seed
 * of any failure.
 */
class AliasReplayPropertyTest {
  private static final String[] NAMESPACES = {"a", "b"};
  private static final String[] NAMES = {"x", "y"};

  /** Aliased resources: kind, then the groups, canonical first. */
  private static final List<String[]> RESOURCES =
      List.of(
          new String[] {"networkpolicies", "NetworkPolicy", "networking.k8s.io", "extensions"},
          new String[] {"deployments", "Deployment", "apps", "extensions"},
          new String[] {"ingresses", "Ingress", "networking.k8s.io", "extensions"},
          new String[] {"events", "Event", "", "events.k8s.io"});

  /** The true cluster, keyed canonically, changed by operations that write their audit events. */
  static final class Model {
    final Random random;
    final Map<String, ObjectNode> truth = new TreeMap<>();
    final List<Map<String, String>> truthAt = new ArrayList<>();
    final List<AuditEvent> events = new ArrayList<>();

    /** Per canonical key, the users of the writes that name it, in order. */
    final Map<String, List<String>> writers = new TreeMap<>();

    long rv = 100;
    int step;
    int writes;

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
      String[] r = RESOURCES.get(random.nextInt(RESOURCES.size()));
      String ns = NAMESPACES[random.nextInt(NAMESPACES.length)];
      String name = NAMES[random.nextInt(NAMES.length)];
      String group = r[2 + random.nextInt(2)];
      String key = ResourceKey.of(r[2], r[0], ns, name).toString();
      int op = random.nextInt(10);
      if (op == 0) {
        deleteCollection(r, group, ns);
      } else if (!truth.containsKey(key)) {
        create(r, group, ns, name, key);
      } else if (op < 3) {
        delete(r, group, ns, name, key);
      } else if (op == 3) {
        stale(r, group, ns, name, key);
      } else {
        write(random.nextBoolean() ? "update" : "patch", r, group, ns, name, key);
      }
    }

    static ObjectNode body(String[] r, String group, String ns, String name, long rv, int value) {
      String version =
          group.isEmpty() ? "v1" : group + (group.equals("extensions") ? "/v1beta1" : "/v1");
      ObjectNode o = Events.obj(version, r[1], ns, name, rv);
      o.putObject("spec").put("value", value);
      return o;
    }

    private Events.Builder logged(String verb, String[] r, String group, String ns, String name) {
      String user = "w" + ++writes;
      if (!name.isEmpty()) {
        writers
            .computeIfAbsent(
                ResourceKey.of(r[2], r[0], ns, name).toString(), k -> new ArrayList<>())
            .add(user);
      }
      return event(verb, group, r[0], ns, name).user(user).at(now());
    }

    private void create(String[] r, String group, String ns, String name, String key) {
      ObjectNode o = body(r, group, ns, name, rv++, random.nextInt(1000));
      events.add(logged("create", r, group, ns, name).response(o).build());
      truth.put(key, o);
    }

    private void write(String verb, String[] r, String group, String ns, String name, String key) {
      ObjectNode o = body(r, group, ns, name, rv++, random.nextInt(1000));
      events.add(logged(verb, r, group, ns, name).response(o).build());
      truth.put(key, o);
    }

    /** A write older than the object's current version, through either group: ignored. */
    private void stale(String[] r, String group, String ns, String name, String key) {
      long current =
          Long.parseLong(truth.get(key).path("metadata").path("resourceVersion").asText());
      ObjectNode o = body(r, group, ns, name, current - 1, -1);
      events.add(logged("update", r, group, ns, name).response(o).build());
    }

    private void delete(String[] r, String group, String ns, String name, String key) {
      Events.Builder b = logged("delete", r, group, ns, name);
      if (random.nextBoolean()) {
        ObjectNode gone = body(r, group, ns, name, rv++, 0);
        gone.withObjectProperty("metadata").put("deletionTimestamp", now().toString());
        b.response(gone);
      } else {
        b.response(Events.status());
      }
      events.add(b.build());
      truth.remove(key);
    }

    private void deleteCollection(String[] r, String group, String ns) {
      events.add(logged("deletecollection", r, group, ns, "").build());
      String prefix = ResourceKey.of(r[2], r[0], ns, "_").toString();
      String p = prefix.substring(0, prefix.length() - 1);
      truth.keySet().removeIf(k -> k.startsWith(p));
    }
  }

  @Property(tries = 20)
  void writesThroughEitherGroupReplayAsOneObject(
      @ForAll long seed,
      @ForAll @IntRange(min = 10, max = 120) int steps,
      @ForAll @IntRange(min = 2, max = 30) int checkpointInterval,
      @ForAll boolean withSnapshot)
      throws IOException {
    Model model = new Model(seed);
    model.run(steps);
    Path dir = Files.createTempDirectory("alias-replay");
    try {
      ListChangeLog log = new ListChangeLog().append(model.events);
      StateHistory history =
          new StateHistory(
              log,
              StateRepository.inDirectory(dir),
              "c1",
              HistoryOptions.builder().checkpointInterval(checkpointInterval).build());
      int snapshotStep = withSnapshot ? 1 + model.random.nextInt(steps) : Integer.MAX_VALUE;
      if (withSnapshot) {
        int at = snapshotStep;
        history.importSnapshot(
            listing(model, model.truthAt.get(at - 1)),
            allTypes(),
            Events.T0.plusMillis(10L * at + 5),
            "model");
      }
      List<Integer> points = new ArrayList<>();
      for (int s = 1; s <= steps; s++) {
        points.add(s);
      }
      Collections.shuffle(points, model.random);
      for (int s : points.subList(0, Math.min(points.size(), 12))) {
        ClusterState state = history.stateAt(Events.T0.plusMillis(10L * s + 5));
        // A listing's bodies say the group they were listed through: compare all else.
        boolean listed = s >= snapshotStep;
        Map<String, String> replayed = new TreeMap<>();
        for (LiveObject o : state.objects()) {
          replayed.put(o.key().toString(), comparable(o.json(), listed));
        }
        Map<String, String> truth = new TreeMap<>();
        model
            .truthAt
            .get(s - 1)
            .forEach(
                (k, v) -> truth.put(k, comparable(v.getBytes(StandardCharsets.UTF_8), listed)));
        assertThat(replayed).as("state at step %d (seed %d)", s, seed).isEqualTo(truth);
      }
      assertHistories(model, seed);
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Each object's history, named by a random group, has every write that named it, in order. */
  private static void assertHistories(Model model, long seed) {
    for (Map.Entry<String, List<String>> e : model.writers.entrySet()) {
      ResourceKey canonical = ResourceKey.parse(e.getKey());
      List<ResourceType> aliases = canonical.type().aliases();
      ResourceKey named =
          new ResourceKey(
              aliases.get(model.random.nextInt(aliases.size())),
              canonical.namespace(),
              canonical.name());
      // What the store's history holds per group, merged: every event naming the object.
      List<AuditEvent> about = new ArrayList<>();
      for (AuditEvent ev : model.events) {
        ObjectReference ref = ev.objectRef().orElseThrow();
        ResourceKey k = ResourceKey.of(ref.apiGroup(), ref.resource(), ref.namespace(), ref.name());
        if (k.canonical().equals(canonical)) {
          about.add(ev);
        }
      }
      List<Revision> revs = ObjectHistory.revisions(named, about);
      assertThat(revs)
          .as("history of %s named %s (seed %d)", canonical, named, seed)
          .extracting(Revision::user)
          .isEqualTo(e.getValue());
    }
  }

  /** A listing of the state, each object under a random group, sometimes under both. */
  private static List<LiveObject> listing(Model model, Map<String, String> state) {
    List<LiveObject> objects = new ArrayList<>();
    state.forEach(
        (k, v) -> {
          ResourceKey key = ResourceKey.parse(k);
          int how = model.random.nextInt(3);
          ObjectNode body = (ObjectNode) readTree(v);
          for (ResourceType t : key.type().aliases()) {
            if (how == 2 || t.equals(key.type().aliases().get(how))) {
              ObjectNode listed = body.deepCopy();
              String group = t.group();
              listed.put(
                  "apiVersion",
                  group.isEmpty()
                      ? "v1"
                      : group + (group.equals("extensions") ? "/v1beta1" : "/v1"));
              objects.add(
                  LiveObject.of(
                      new ResourceKey(t, key.namespace(), key.name()),
                      Instant.EPOCH,
                      listed.toString().getBytes(StandardCharsets.UTF_8)));
            }
          }
        });
    return objects;
  }

  private static String comparable(byte[] json, boolean listed) {
    ObjectNode body = (ObjectNode) readTree(new String(json, StandardCharsets.UTF_8));
    if (listed) {
      body.remove("apiVersion");
    }
    return body.toString();
  }

  private static List<ResourceType> allTypes() {
    List<ResourceType> types = new ArrayList<>();
    for (String[] r : RESOURCES) {
      types.add(new ResourceType(r[3], r[0]));
    }
    return types;
  }

  private static com.fasterxml.jackson.databind.JsonNode readTree(String json) {
    try {
      return Events.JSON.readTree(json);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
