package io.kubetrail.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubetrail.event.ObjectReference;
import io.kubetrail.history.ClusterState;
import io.kubetrail.history.DiffView;
import io.kubetrail.history.LiveObject;
import io.kubetrail.history.ResourceKey;
import io.kubetrail.history.ResourceType;
import io.kubetrail.history.Yaml;
import io.kubetrail.report.ChangesReport.Change;
import io.kubetrail.report.ChangesReport.ObjectChange;
import io.kubetrail.report.ChangesReport.Write;
import io.kubetrail.store.ObjectKey;
import io.kubetrail.store.StoredEvent;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The {@code changes} report: the state at the start by {@code StateHistory.stateAt} (from the
 * latest checkpoint or snapshot), and one replay of the changes between, which gives the state at
 * the end and who wrote what. Whether an object changed is decided by the two states, so that the
 * report is true even where writes are missing (a namespace's deletion removes its objects without
 * a write of theirs).
 */
final class ChangesReporter {
  private ChangesReporter() {}

  static ChangesReport report(ReportSource source, ReportSpec spec) throws IOException {
    Map<ResourceKey, Writes> writes = new HashMap<>();
    Interval interval =
        Interval.replay(source, spec.start(), spec.end(), (e, before) -> record(spec, e, writes));

    TreeSet<ResourceKey> keys = new TreeSet<>(writes.keySet());
    interval.atStart.objects().forEach(o -> keys.add(o.key()));
    interval.atEnd.objects().forEach(o -> keys.add(o.key()));

    List<ResourceKey> candidates = new ArrayList<>();
    for (ResourceKey key : keys) {
      if (!selected(spec, key)) {
        continue;
      }
      Writes w = writes.getOrDefault(key, Writes.NONE);
      if (spec.user().isPresent() && !w.byUser(spec.user().get())) {
        continue;
      }
      candidates.add(key);
      if (w.count > ObjectChange.MAX_WRITES) {
        interval.warn(
            key
                + ": "
                + w.count
                + " writes in the interval; the newest "
                + ObjectChange.MAX_WRITES
                + " are listed");
      }
    }
    // Classifying parses, renders and diffs each object's YAML, most of the report's own work:
    // each object on its own, so spread over the cores, and listed in key order as before.
    List<ObjectChange> changes =
        candidates.parallelStream()
            .map(
                key ->
                    classify(
                        key,
                        interval.atStart,
                        interval.atEnd,
                        writes.getOrDefault(key, Writes.NONE)))
            .flatMap(Optional::stream)
            .toList();
    return new ChangesReport(spec.start(), spec.end(), changes, interval.evidence());
  }

  /** Records a change of the interval against its object, when the spec selects the object. */
  private static void record(ReportSpec spec, StoredEvent e, Map<ResourceKey, Writes> writes) {
    Optional<ObjectKey> ok = ObjectKey.of(e);
    if (ok.isEmpty()) {
      // A deletecollection names no object: its effect shows in the state at the end.
      return;
    }
    ObjectKey k = ok.get();
    ResourceKey key =
        new ResourceKey(new ResourceType(k.apiGroup(), k.resource()), k.namespace(), k.name())
            .canonical();
    if (!selected(spec, key)) {
      return;
    }
    writes
        .computeIfAbsent(key, x -> new Writes())
        .add(
            new Write(
                e.event().stageTimestamp(),
                e.event().verb(),
                e.event().objectRef().map(ObjectReference::subresource).orElse(""),
                Interval.user(e),
                e.event().auditID()));
  }

  /** The namespace and resource filters. The user filter needs the writes: see the caller. */
  static boolean selected(ReportSpec spec, ResourceKey key) {
    List<String> namespaces = spec.scope().namespaceNames();
    if (!namespaces.isEmpty()) {
      // A Namespace object belongs to itself.
      String ns = key.type().isNamespaces() ? key.name() : key.namespace();
      if (!namespaces.contains(ns)) {
        return false;
      }
    }
    if (spec.resource().isPresent()) {
      ResourceType want = spec.resource().get();
      ResourceType have = key.type();
      return want.group().isEmpty()
          ? have.resource().equals(want.resource())
          : have.equals(want.canonical());
    }
    return true;
  }

  private static Optional<ObjectChange> classify(
      ResourceKey key, ClusterState atStart, ClusterState atEnd, Writes w) {
    Optional<LiveObject> before = atStart.get(key);
    Optional<LiveObject> after = atEnd.get(key);
    if (before.isPresent() && after.isPresent() && sameContent(before.get(), after.get())) {
      return Optional.empty();
    }
    Change change;
    // Each body is parsed once: the diff hides the same bookkeeping the comparison ignores.
    Optional<ObjectNode> a = before.map(LiveObject::body);
    Optional<ObjectNode> b = after.map(LiveObject::body);
    if (before.isPresent() && after.isPresent()) {
      a = a.map(Yaml::normalise);
      b = b.map(Yaml::normalise);
      if (a.equals(b)) {
        return Optional.empty();
      }
      change = Change.MODIFIED;
    } else if (after.isPresent()) {
      change = Change.CREATED;
    } else if (before.isPresent()) {
      change = Change.DELETED;
    } else if (w.created) {
      change = Change.TRANSIENT;
    } else {
      return Optional.empty();
    }
    // A modified object's bodies are normalised already: the quiet view would normalise them again.
    DiffView view = change == Change.MODIFIED ? DiffView.FULL : DiffView.QUIET;
    String diff = Yaml.diff(a, b, label(key, before), label(key, after), view);
    return Optional.of(
        new ObjectChange(
            key.type().qualifiedName(),
            key.namespace(),
            key.name(),
            change,
            List.copyOf(w.listed),
            diff));
  }

  /**
   * Byte for byte the same body. Replay carries an object no change touched over as it was: most of
   * a state, compared without being expanded.
   */
  private static boolean sameContent(LiveObject a, LiveObject b) {
    return a == b || Arrays.equals(a.unsafeJson(), b.unsafeJson());
  }

  private static String label(ResourceKey key, Optional<LiveObject> o) {
    return o.map(x -> key + "@" + x.resourceVersion()).orElse("/dev/null");
  }

  /** The writes to one object: the newest {@link ObjectChange#MAX_WRITES}, and what all say. */
  private static final class Writes {
    static final Writes NONE = new Writes();
    final Deque<Write> listed = new ArrayDeque<>();
    final java.util.Set<String> users = new java.util.HashSet<>();
    long count;
    boolean created;

    void add(Write w) {
      count++;
      users.add(w.user());
      created |= w.verb().equals("create") && w.subresource().isEmpty();
      listed.addLast(w);
      if (listed.size() > ObjectChange.MAX_WRITES) {
        listed.removeFirst();
      }
    }

    boolean byUser(String user) {
      return users.contains(user);
    }
  }
}
