package io.kubetrail.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.kubetrail.history.ClusterState;
import io.kubetrail.history.DiffView;
import io.kubetrail.history.HistoryJson;
import io.kubetrail.history.LiveObject;
import io.kubetrail.history.ObjectArgument;
import io.kubetrail.history.ObjectHistory;
import io.kubetrail.history.ResourceKey;
import io.kubetrail.history.ResourceType;
import io.kubetrail.history.Revision;
import io.kubetrail.history.StateHistory;
import io.kubetrail.history.StateJson;
import io.kubetrail.history.Yaml;
import io.kubetrail.server.auth.Caller;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.search.BadParameterException;
import io.kubetrail.store.search.QueryText;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/** One object's history, and the state of a cluster at a time. */
final class ObjectRoutes {
  private final ServerContext server;

  ObjectRoutes(ServerContext server) {
    this.server = server;
  }

  /** {@code GET /history}: every write to one object, with diffs. */
  void history(Context ctx, Caller caller, AuditStore store) throws IOException {
    String cluster = Filters.cluster(ctx, store);
    ResourceKey key = ObjectArgument.parse(Http.required(ctx, "object"), "object");
    Filters.requireReadable(caller, Filters.namespaceOf(key), "object");
    key = ObjectArgument.resolveGroup(store, List.of(cluster), key, "object").canonical();
    DiffView view = QueryText.one(Http.param(ctx, "diff").orElse("quiet"), DiffView.class, "diff");
    int last = Http.integer(ctx, "last", Integer.MAX_VALUE, 1, Integer.MAX_VALUE);
    List<Revision> revisions = ObjectHistory.of(store, cluster, key, view);
    int total = revisions.size();
    if (last < total) {
      revisions = revisions.subList(total - last, total);
    }
    server.access().record(ctx, caller, "history " + key, revisions.size());
    Http.json(ctx, HistoryJson.tree(key, cluster, total, revisions));
  }

  /** {@code GET /state}: the objects of a cluster at a time, by plural. */
  void state(Context ctx, Caller caller, AuditStore store) throws IOException {
    String cluster = Filters.cluster(ctx, store);
    Instant at = Http.time(ctx, "at", server.now()).orElse(server.now());
    Optional<ResourceType> type = Http.param(ctx, "resource").map(ObjectRoutes::type);
    Optional<String> namespace = Http.param(ctx, "namespace");
    namespace.ifPresent(n -> Filters.requireReadable(caller, n, "namespace"));
    ClusterState state = stateAt(store, cluster, at);
    List<LiveObject> selected = StateJson.select(state, type, namespace, visible(caller));
    ObjectNode body = StateJson.tree(at, selected, false);
    body.put("cluster", cluster);
    body.set("warnings", Http.JSON.valueToTree(state.warnings()));
    server.access().record(ctx, caller, "state at " + at, selected.size());
    Http.json(ctx, body);
  }

  /** {@code GET /state/object}: one object's body at a time. */
  void stateObject(Context ctx, Caller caller, AuditStore store) throws IOException {
    String cluster = Filters.cluster(ctx, store);
    Instant at = Http.time(ctx, "at", server.now()).orElse(server.now());
    ResourceKey key = ObjectArgument.parse(Http.required(ctx, "object"), "object");
    Filters.requireReadable(caller, Filters.namespaceOf(key), "object");
    key = ObjectArgument.resolveGroup(store, List.of(cluster), key, "object").canonical();
    Optional<LiveObject> found = stateAt(store, cluster, at).get(key);
    server.access().record(ctx, caller, "object " + key + " at " + at, found.isPresent() ? 1 : 0);
    if (found.isEmpty()) {
      throw ApiException.notFound("object", key + " did not exist at " + at);
    }
    ObjectNode body = Http.object();
    body.put("object", key.toString());
    body.put("cluster", cluster);
    body.put("at", at.toString());
    body.put("resourceVersion", found.get().resourceVersion());
    body.put("modified", found.get().modified().toString());
    body.set("body", found.get().body());
    Http.json(ctx, body);
  }

  /**
   * {@code GET /state/diff}: one object at two times, {@code from} and {@code to} (default now),
   * and the diff from the object at the one to the object at the other. The object page compares
   * two revisions by their times: the state at a revision's time is the object after it.
   */
  void stateDiff(Context ctx, Caller caller, AuditStore store) throws IOException {
    String cluster = Filters.cluster(ctx, store);
    Instant now = server.now();
    Instant from =
        Http.time(ctx, "from", now)
            .orElseThrow(() -> new BadParameterException("from", "from is required"));
    Instant to = Http.time(ctx, "to", now).orElse(now);
    ResourceKey key = ObjectArgument.parse(Http.required(ctx, "object"), "object");
    Filters.requireReadable(caller, Filters.namespaceOf(key), "object");
    key = ObjectArgument.resolveGroup(store, List.of(cluster), key, "object").canonical();
    DiffView view = QueryText.one(Http.param(ctx, "diff").orElse("quiet"), DiffView.class, "diff");
    // One replay: to the earlier time, then on to the later.
    List<ClusterState> states =
        StateHistory.open(store, cluster, server.history()).statesAt(from, to);
    Optional<LiveObject> a = states.get(0).get(key);
    Optional<LiveObject> b = states.get(1).get(key);
    server
        .access()
        .record(
            ctx,
            caller,
            "object " + key + " at " + from + " and " + to,
            (a.isPresent() ? 1 : 0) + (b.isPresent() ? 1 : 0));
    ObjectNode body = Http.object();
    body.put("object", key.toString());
    body.put("cluster", cluster);
    side(body.putObject("from"), from, a);
    side(body.putObject("to"), to, b);
    body.put(
        "diff",
        Yaml.diff(
            a.map(LiveObject::body),
            b.map(LiveObject::body),
            label(key, from, a),
            label(key, to, b),
            view));
    Http.json(ctx, body);
  }

  private static void side(ObjectNode n, Instant at, Optional<LiveObject> o) {
    n.put("at", at.toString());
    n.put("exists", o.isPresent());
    n.put("resourceVersion", o.map(LiveObject::resourceVersion).orElse(""));
  }

  private static String label(ResourceKey key, Instant at, Optional<LiveObject> o) {
    return o.isPresent() ? key + "@" + at : "/dev/null";
  }

  private ClusterState stateAt(AuditStore store, String cluster, Instant at) throws IOException {
    return StateHistory.open(store, cluster, server.history()).stateAt(at);
  }

  private static Predicate<LiveObject> visible(Caller caller) {
    return o -> caller.mayRead(Filters.namespaceOf(o.key()));
  }

  private static ResourceType type(String text) {
    try {
      return ResourceType.parse(text);
    } catch (IllegalArgumentException e) {
      throw new BadParameterException("resource", "resource: " + e.getMessage());
    }
  }
}
