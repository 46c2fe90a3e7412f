package io.kubetrail.history;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.ObjectReference;
import io.kubetrail.event.Stage;
import io.kubetrail.event.UserInfo;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.EventQuery;
import io.kubetrail.store.EventStream;
import io.kubetrail.store.ObjectKey;
import io.kubetrail.store.PageCursor;
import io.kubetrail.store.SearchPage;
import io.kubetrail.store.StoredEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Every revision of one object: each write request about it, in the order they happened, with
 * whether it really changed the object and a YAML diff from the previous revision. The object's
 * state after each change follows the same rules as {@link Replayer}.
 */
public final class ObjectHistory {
  private static final int TYPE_SEARCH_PAGE = 500;

  /** The store's history order. */
  private static final Comparator<AuditEvent> HAPPENED =
      Comparator.comparing(AuditEvent::stageTimestamp)
          .thenComparing(AuditEvent::requestReceivedTimestamp)
          .thenComparing(AuditEvent::auditID);

  private ObjectHistory() {}

  /**
   * The revisions of one object of one cluster of a store. For a resource the API server serves
   * under two groups, the key may name either: the writes through both are the one object's.
   */
  public static List<Revision> of(AuditStore store, String cluster, ResourceKey key)
      throws IOException {
    return of(store, cluster, key, DiffView.QUIET);
  }

  /** As {@link #of(AuditStore, String, ResourceKey)}, with diffs of the given view. */
  public static List<Revision> of(AuditStore store, String cluster, ResourceKey key, DiffView view)
      throws IOException {
    Objects.requireNonNull(store, "store");
    ResourceKey canonical = key.canonical();
    List<AuditEvent> events = new ArrayList<>();
    for (ResourceType type : canonical.type().aliases()) {
      ResourceKey k = new ResourceKey(type, canonical.namespace(), canonical.name());
      try (EventStream s = store.history(cluster, k.toObjectKey())) {
        for (Optional<StoredEvent> e = s.next(); e.isPresent(); e = s.next()) {
          events.add(e.get().event());
        }
      }
    }
    // Each group's history is in order; merged, they must be too (the store's order).
    events.sort(HAPPENED);
    return revisions(canonical, events, view);
  }

  /**
   * The resource types of a given plural in which a store has events about an object of this
   * namespace and name, sorted: how a plural without its API group ({@code networkpolicies}) is
   * told apart ({@code networkpolicies.networking.k8s.io}). The key's own group is ignored; types
   * are {@link ResourceType#canonical() canonical}, so the two groups of a resource served under
   * both make one.
   */
  public static SortedSet<ResourceType> typesOf(AuditStore store, String cluster, ResourceKey key)
      throws IOException {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(cluster, "cluster");
    EventQuery query =
        EventQuery.builder()
            .clusters(cluster)
            .resource(key.type().resource())
            .name(key.name())
            .build();
    SortedSet<ResourceType> types = new TreeSet<>();
    Optional<PageCursor> after = Optional.empty();
    do {
      SearchPage page = store.search(query, TYPE_SEARCH_PAGE, after);
      for (StoredEvent e : page.events()) {
        ObjectKey.of(e)
            .filter(
                k ->
                    k.resource().equals(key.type().resource())
                        && k.namespace().equals(key.namespace())
                        && k.name().equals(key.name()))
            .ifPresent(k -> types.add(new ResourceType(k.apiGroup(), k.resource()).canonical()));
      }
      after = page.next();
    } while (after.isPresent());
    return types;
  }

  /**
   * The revisions of one object, from events about it in the order they happened (as {@link
   * AuditStore#history} returns them). Reads and other events that are not writes are left out; the
   * stages of one request make one revision, told by its last stage.
   */
  public static List<Revision> revisions(ResourceKey object, List<AuditEvent> events) {
    return revisions(object, events, DiffView.QUIET);
  }

  /** As {@link #revisions(ResourceKey, List)}, with diffs of the given view. */
  public static List<Revision> revisions(
      ResourceKey object, List<AuditEvent> events, DiffView view) {
    ResourceKey key = Objects.requireNonNull(object, "object").canonical();
    Map<String, AuditEvent> lastStage = new LinkedHashMap<>();
    for (AuditEvent e : events) {
      if (EventKind.of(e) == EventKind.OTHER) {
        continue;
      }
      String id = e.auditID() + "|" + e.requestReceivedTimestamp();
      AuditEvent seen = lastStage.get(id);
      if (seen == null || rank(e.stage()) >= rank(seen.stage())) {
        // Re-insert so the request sits where its final event happened.
        lastStage.remove(id);
        lastStage.put(id, e);
      }
    }
    List<AuditEvent> requests = new ArrayList<>(lastStage.values());
    requests.sort(
        (a, b) -> {
          int c = a.stageTimestamp().compareTo(b.stageTimestamp());
          return c != 0 ? c : a.requestReceivedTimestamp().compareTo(b.requestReceivedTimestamp());
        });

    Replayer replayer = new Replayer();
    List<Revision> out = new ArrayList<>();
    for (AuditEvent e : requests) {
      EventKind kind = EventKind.of(e);
      Optional<ObjectNode> before =
          replayer.state(e.stageTimestamp()).get(key).map(LiveObject::body);
      String note = "";
      Optional<ObjectNode> after = before;
      if (kind == EventKind.CHANGE) {
        Replayer.Outcome o = replayer.apply(e);
        after = replayer.state(e.stageTimestamp()).get(key).map(LiveObject::body);
        note = note(o);
      } else if (kind == EventKind.DRY_RUN) {
        Optional<ObjectInfo> resp = K8sJson.responseObject(e.json().unsafeBytes());
        if (resp.isPresent() && !resp.get().isStatus() && !resp.get().isList()) {
          after = Optional.of(bodyOf(e, resp.get()));
        } else if (e.verb().startsWith("delete")) {
          after = Optional.empty();
        }
        note = "dry run: not persisted";
      } else if (kind == EventKind.FAILED) {
        note = "failed: not persisted";
      } else {
        note = "no ResponseComplete event: outcome unknown";
      }
      boolean changed =
          kind == EventKind.CHANGE
              && !before.map(Yaml::normalise).equals(after.map(Yaml::normalise));
      String diff =
          kind == EventKind.CHANGE || kind == EventKind.DRY_RUN
              ? Yaml.diff(before, after, label(key, before), label(key, after), view)
              : "";
      out.add(
          new Revision(
              e.stageTimestamp(),
              e.verb(),
              e.objectRef().map(ObjectReference::subresource).orElse(""),
              e.user().map(UserInfo::username).orElse(""),
              e.impersonatedUser().map(UserInfo::username).orElse(""),
              e.responseCode().orElse(0),
              resourceVersion(e),
              e.auditID(),
              kind,
              note,
              changed,
              diff));
    }
    return out;
  }

  private static String note(Replayer.Outcome o) {
    return switch (o) {
      case APPLIED, NOT_A_CHANGE -> "";
      case STALE -> "older than the object's current resourceVersion: ignored";
      case NO_BODY -> "no responseObject in the audit event: the new state is unknown";
      case TERMINATING -> "the object was already deleted: ignored";
      case NOT_AN_OBJECT -> "the response is not the object: no state change recorded";
    };
  }

  private static ObjectNode bodyOf(AuditEvent e, ObjectInfo info) {
    byte[] json = e.json().unsafeBytes();
    try {
      return (ObjectNode) K8sJson.MAPPER.readTree(json, info.offset(), info.length());
    } catch (IOException ex) {
      throw new java.io.UncheckedIOException(ex);
    }
  }

  private static String resourceVersion(AuditEvent e) {
    Optional<ObjectInfo> resp = K8sJson.responseObject(e.json().unsafeBytes());
    if (resp.isPresent() && !resp.get().isStatus() && !resp.get().resourceVersion().isEmpty()) {
      return resp.get().resourceVersion();
    }
    return e.objectRef().map(ObjectReference::resourceVersion).orElse("");
  }

  private static String label(ResourceKey key, Optional<ObjectNode> body) {
    return body.map(b -> key + "@" + b.path("metadata").path("resourceVersion").asText())
        .orElse("/dev/null");
  }

  private static int rank(Stage s) {
    return switch (s) {
      case RequestReceived -> 0;
      case ResponseStarted -> 1;
      case ResponseComplete, Panic -> 2;
    };
  }
}
