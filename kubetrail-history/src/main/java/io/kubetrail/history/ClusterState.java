package io.kubetrail.history;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The live objects of one cluster at one time: an immutable value. {@link #warnings()} tells what
 * the replay that produced it could not know (e.g. changes whose audit events carried no body).
 *
 * <p>Objects are keyed {@link ResourceKey#canonical() canonically}; a key or type given in either
 * group of a resource served under two finds them.
 */
public final class ClusterState {
  private final Instant at;
  private final Map<ResourceKey, LiveObject> objects;
  private final List<String> warnings;

  ClusterState(Instant at, Map<ResourceKey, LiveObject> objects, List<String> warnings) {
    this.at = Objects.requireNonNull(at, "at");
    this.objects = Collections.unmodifiableMap(new HashMap<>(objects));
    this.warnings = List.copyOf(warnings);
  }

  /** A state made of the given objects, e.g. a snapshot. Later objects replace equal keys. */
  public static ClusterState of(Instant at, Collection<LiveObject> objects) {
    Map<ResourceKey, LiveObject> m = new HashMap<>();
    for (LiveObject o : objects) {
      m.put(o.key(), o);
    }
    return new ClusterState(at, m, List.of());
  }

  public static ClusterState empty(Instant at) {
    return new ClusterState(at, Map.of(), List.of());
  }

  public Instant at() {
    return at;
  }

  public int size() {
    return objects.size();
  }

  public Optional<LiveObject> get(ResourceKey key) {
    return Optional.ofNullable(objects.get(key.canonical()));
  }

  /** Every object, in key order (type, namespace, name). */
  public List<LiveObject> objects() {
    List<LiveObject> list = new ArrayList<>(objects.values());
    list.sort((a, b) -> a.key().compareTo(b.key()));
    return list;
  }

  /** Objects of one type (all types when empty) and one namespace (all when empty), sorted. */
  public List<LiveObject> select(Optional<ResourceType> type, Optional<String> namespace) {
    Optional<ResourceType> wanted = type.map(ResourceType::canonical);
    List<LiveObject> list = new ArrayList<>();
    for (LiveObject o : objects.values()) {
      if (wanted.isPresent() && !wanted.get().equals(o.key().type())) {
        continue;
      }
      if (namespace.isPresent() && !namespace.get().equals(o.key().namespace())) {
        continue;
      }
      list.add(o);
    }
    list.sort((a, b) -> a.key().compareTo(b.key()));
    return list;
  }

  /** Objects grouped by type, sorted by type and then key. */
  public SortedMap<ResourceType, List<LiveObject>> byType() {
    SortedMap<ResourceType, List<LiveObject>> m = new TreeMap<>();
    for (LiveObject o : objects()) {
      m.computeIfAbsent(o.key().type(), t -> new ArrayList<>()).add(o);
    }
    return m;
  }

  Map<ResourceKey, LiveObject> asMap() {
    return objects;
  }

  /** What the replay could not know, each said once. */
  public List<String> warnings() {
    return warnings;
  }

  ClusterState withWarnings(List<String> more) {
    if (more.isEmpty()) {
      return this;
    }
    List<String> all = new ArrayList<>(warnings);
    for (String w : more) {
      if (!all.contains(w)) {
        all.add(w);
      }
    }
    return new ClusterState(at, objects, all);
  }

  @Override
  public String toString() {
    return "ClusterState[at=" + at + ", objects=" + objects.size() + "]";
  }
}
