package io.kubetrail.simulate;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * The state a correct replayer reconstructs from the log, kept by applying kubetrail's replay rules
 * to each request as it completes (DESIGN "State at T"):
 *
 * <ul>
 *   <li>a change is a completed create, update, patch, delete or deletecollection with a 2xx code
 *       and no {@code dryRun} in its URI; nothing else changes state;
 *   <li>create, update and patch (of the object or a subresource) make the {@code responseObject}
 *       the object's new state, named by {@code objectRef.name} or, for {@code generateName}
 *       creates, by the response's {@code metadata.name}; a {@code Status} response (as to a {@code
 *       pods/binding} create) changes nothing;
 *   <li>delete removes the object at once, whatever the response; deleting a Namespace also removes
 *       every object in it;
 *   <li>deletecollection removes every object of that resource in that namespace.
 * </ul>
 */
final class Truth {
  private final TreeMap<ObjectKey, String> live = new TreeMap<>();

  /** The live keys of each namespace, so that a namespace's removal need not scan everything. */
  private final Map<String, Set<ObjectKey>> byNamespace = new HashMap<>();

  void apply(ApiCall c) {
    if (!ApiCall.isWrite(c.verb) || !c.succeeded() || c.dryRun() || c.completedRef.isEmpty()) {
      return;
    }
    ObjRef ref = c.completedRef.get();
    boolean isNamespace = ref.apiGroup().isEmpty() && ref.resource().equals("namespaces");
    // kube-apiserver puts a Namespace's own name in objectRef.namespace; it is cluster-scoped.
    String namespace = isNamespace ? "" : ref.namespace();
    switch (c.verb) {
      case "delete" -> {
        remove(new ObjectKey(ref.apiGroup(), ref.resource(), namespace, ref.name()));
        if (isNamespace) {
          for (ObjectKey k : List.copyOf(byNamespace.getOrDefault(ref.name(), Set.of()))) {
            remove(k);
          }
        }
      }
      case "deletecollection" -> {
        List<ObjectKey> doomed = new ArrayList<>();
        for (ObjectKey k : byNamespace.getOrDefault(namespace, Set.of())) {
          if (k.apiGroup().equals(ref.apiGroup()) && k.resource().equals(ref.resource())) {
            doomed.add(k);
          }
        }
        doomed.forEach(this::remove);
      }
      default -> {
        if (!c.responseIsObject) {
          return;
        }
        String name = ref.name().isEmpty() ? c.responseName : ref.name();
        ObjectKey key = new ObjectKey(ref.apiGroup(), ref.resource(), namespace, name);
        if (live.put(key, c.responseObject) == null) {
          byNamespace.computeIfAbsent(namespace, ns -> new HashSet<>()).add(key);
        }
      }
    }
  }

  private void remove(ObjectKey key) {
    if (live.remove(key) != null) {
      Set<ObjectKey> keys = byNamespace.get(key.namespace());
      keys.remove(key);
      if (keys.isEmpty()) {
        byNamespace.remove(key.namespace());
      }
    }
  }

  int size() {
    return live.size();
  }

  NavigableMap<ObjectKey, String> snapshot() {
    return Collections.unmodifiableNavigableMap(new TreeMap<>(live));
  }
}
