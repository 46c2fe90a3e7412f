package io.kubetrail.history;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The JSON shape of a cluster's state, the same in {@code state --output json} and the HTTP API:
 * {@code {"at": T, "objects": {"<resource>": ["<namespace>/<name>" or "<name>", ...]}}}, sorted,
 * keyed by plural; with bodies, {@code "bodies": {"<resource>": {"<namespace>/<name>": <object>}}}.
 */
public final class StateJson {
  private StateJson() {}

  /**
   * The objects of a state of one resource type (a plural alone matches it in every API group) and
   * namespace, either optional, that {@code visible} lets through.
   */
  public static List<LiveObject> select(
      ClusterState state,
      Optional<ResourceType> type,
      Optional<String> namespace,
      Predicate<LiveObject> visible) {
    List<LiveObject> out = new ArrayList<>();
    for (LiveObject o : state.select(Optional.empty(), namespace)) {
      if (type.isPresent()) {
        ResourceType want = type.get();
        ResourceType have = o.key().type();
        boolean match =
            want.group().isEmpty()
                ? have.resource().equals(want.resource())
                : have.equals(want.canonical());
        if (!match) {
          continue;
        }
      }
      if (visible.test(o)) {
        out.add(o);
      }
    }
    return out;
  }

  /**
   * The state document. The contract keys objects by plural alone, as kubectl users name them. The
   * same plural in two groups merges into one sorted, de-duplicated list; with bodies, the most
   * recently modified body wins. (Groups served from one storage, such as networkpolicies in
   * extensions and networking.k8s.io, are one object in the state already.)
   */
  public static ObjectNode tree(Instant at, List<LiveObject> selected, boolean bodies) {
    SortedMap<String, SortedMap<String, LiveObject>> byPlural = new TreeMap<>();
    for (LiveObject o : selected) {
      byPlural
          .computeIfAbsent(o.key().type().resource(), k -> new TreeMap<>())
          .merge(o.key().namespacedName(), o, (a, b) -> a.modified().isAfter(b.modified()) ? a : b);
    }
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("at", at.toString());
    ObjectNode objects = root.putObject("objects");
    for (Map.Entry<String, SortedMap<String, LiveObject>> e : byPlural.entrySet()) {
      ArrayNode names = objects.putArray(e.getKey());
      e.getValue().keySet().forEach(names::add);
    }
    if (bodies) {
      ObjectNode all = root.putObject("bodies");
      for (Map.Entry<String, SortedMap<String, LiveObject>> e : byPlural.entrySet()) {
        ObjectNode ofType = all.putObject(e.getKey());
        e.getValue().forEach((name, o) -> ofType.set(name, o.body()));
      }
    }
    return root;
  }
}
