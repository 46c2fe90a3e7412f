package io.kubetrail.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubetrail.event.Stage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * The simulated cluster and its API server: the objects that really exist, the clock, the queue of
 * things due to happen, and the audit log that every request writes. A discrete-event simulation:
 * each step is the next request, either a scheduled one (a lease renewal, a controller reacting to
 * a change) or a random one drawn from the activities' rates.
 */
final class Cluster {
  /** Something that may send one request; false when it found nothing to do. */
  interface Action {
    boolean run();
  }

  private record Task(long due, long seq, String namespace, Action action) {}

  private record Pending(long due, long seq, ApiCall call, String auditId, long received) {}

  private record Activity(double rate, Action action) {}

  final Rng rng;
  final Cast cast;
  final Truth truth = new Truth();

  /** When the current request was received, in microseconds since the epoch. */
  long now;

  private long lastMark;
  private long resourceVersion;
  private long seq;
  private int sentThisStep;
  private final List<String> lines = new ArrayList<>();
  private final PriorityQueue<Task> tasks =
      new PriorityQueue<>(
          (a, b) ->
              a.due() != b.due() ? Long.compare(a.due(), b.due()) : Long.compare(a.seq(), b.seq()));
  private final PriorityQueue<Pending> pending =
      new PriorityQueue<>(
          (a, b) ->
              a.due() != b.due() ? Long.compare(a.due(), b.due()) : Long.compare(a.seq(), b.seq()));
  private final List<Activity> activities = new ArrayList<>();
  private double totalRate;
  private final EnumMap<Kind, LinkedHashMap<ObjectKey, KObject>> objects =
      new EnumMap<>(Kind.class);

  /** The same objects by kind and namespace, for picking among a namespace's objects quickly. */
  private final EnumMap<Kind, Map<String, LinkedHashMap<ObjectKey, KObject>>> byNamespace =
      new EnumMap<>(Kind.class);

  /** Namespaces that exist, by name, and whether each is being terminated. */
  private final TreeMap<String, Boolean> namespaces = new TreeMap<>();

  Cluster(long seed, long startMicros) {
    this.rng = new Rng(seed);
    this.cast = new Cast(rng);
    this.now = startMicros;
    this.lastMark = startMicros;
    // A cluster that has been running a while: resource versions are well past zero.
    this.resourceVersion = 100_000L + rng.nextInt(900_000);
    for (Kind k : Kind.values()) {
      objects.put(k, new LinkedHashMap<>());
      byNamespace.put(k, new HashMap<>());
    }
  }

  // ---- the clock and what happens next ----

  /** Registers a random activity happening {@code perSecond} times a second on average. */
  void activity(double perSecond, Action action) {
    activities.add(new Activity(perSecond, action));
    totalRate += perSecond;
  }

  void after(long delayMicros, String namespace, Action action) {
    at(now + Math.max(1, delayMicros), namespace, action);
  }

  void at(long time, String namespace, Action action) {
    tasks.add(new Task(time, seq++, namespace, action));
  }

  /** Drops what was due to happen in a namespace that is going away. */
  void cancel(String namespace) {
    tasks.removeIf(t -> t.namespace().equals(namespace));
  }

  /** Runs until one request is sent and returns the lines written meanwhile. */
  List<String> step() {
    lines.clear();
    double meanGap = Times.MICROS_PER_SECOND / totalRate;
    while (true) {
      long candidate = now + rng.exponential(meanGap);
      Task head = tasks.peek();
      Action action;
      if (head != null && head.due() <= candidate) {
        tasks.poll();
        now = Math.max(head.due(), now + 1);
        action = head.action();
      } else {
        now = candidate;
        action = pickActivity();
      }
      flushPending();
      sentThisStep = 0;
      boolean sent = action.run();
      if (sent != (sentThisStep == 1)) {
        throw new IllegalStateException(
            "an action must send exactly one request when it reports one; sent " + sentThisStep);
      }
      if (sent) {
        return new ArrayList<>(lines);
      }
    }
  }

  private Action pickActivity() {
    double r = rng.nextDouble() * totalRate;
    for (Activity a : activities) {
      r -= a.rate();
      if (r < 0) {
        return a.action();
      }
    }
    return activities.get(activities.size() - 1).action();
  }

  /** The cluster time of the last step: its last event's stage time. */
  long clusterTime() {
    return lastMark;
  }

  private long mark(long time) {
    lastMark = Math.max(time, lastMark + 1);
    return lastMark;
  }

  private void flushPending() {
    while (!pending.isEmpty() && pending.peek().due() <= now) {
      Pending p = pending.poll();
      lines.add(
          EventWriter.write(p.call(), p.auditId(), Stage.ResponseComplete, p.received(), p.due()));
    }
  }

  // ---- the API server ----

  long nextResourceVersion() {
    return ++resourceVersion;
  }

  long currentResourceVersion() {
    return resourceVersion;
  }

  String newUid() {
    return rng.uuid();
  }

  /** Writes the request's events and applies it to the truth. */
  void send(ApiCall c) {
    sentThisStep++;
    String auditId = rng.uuid();
    long received = now;
    if (c.latency <= 0) {
      c.latency = defaultLatency(c.verb);
    }
    long latency = c.latency;
    lines.add(EventWriter.write(c, auditId, Stage.RequestReceived, received, received));
    if (c.longRunningFor > 0) {
      long started = mark(received + latency);
      lines.add(EventWriter.write(c, auditId, Stage.ResponseStarted, received, started));
      long end = started + c.longRunningFor;
      if (c.completesLater) {
        pending.add(new Pending(end, seq++, c, auditId, received));
      } else {
        lines.add(EventWriter.write(c, auditId, Stage.ResponseComplete, received, mark(end)));
      }
    } else {
      long done = mark(received + latency);
      lines.add(EventWriter.write(c, auditId, Stage.ResponseComplete, received, done));
      truth.apply(c);
    }
  }

  private long defaultLatency(String verb) {
    return switch (verb) {
      case "get" -> rng.between(250, 4_000);
      case "list" -> rng.between(1_000, 25_000);
      case "watch" -> rng.between(400, 2_500);
      case "create", "update", "patch" -> rng.between(2_000, 14_000);
      case "delete" -> rng.between(3_000, 18_000);
      case "deletecollection" -> rng.between(10_000, 120_000);
      default -> rng.between(150, 1_200);
    };
  }

  /** {@code path?k1=v1&k2=v2} with the parameters sorted, as Go's {@code url.Values} encodes. */
  static String uri(String path, String... keyValues) {
    if (keyValues.length == 0) {
      return path;
    }
    TreeMap<String, String> params = new TreeMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      params.put(keyValues[i], keyValues[i + 1]);
    }
    StringBuilder sb = new StringBuilder(path.length() + 48).append(path);
    char sep = '?';
    for (Map.Entry<String, String> e : params.entrySet()) {
      sb.append(sep).append(e.getKey()).append('=').append(e.getValue());
      sep = '&';
    }
    return sb.toString();
  }

  // ---- what exists ----

  void put(KObject o) {
    ObjectKey key = o.key();
    objects.get(o.kind).put(key, o);
    byNamespace.get(o.kind).computeIfAbsent(o.namespace, ns -> new LinkedHashMap<>()).put(key, o);
    if (o.kind == Kind.NAMESPACE) {
      namespaces.putIfAbsent(o.name, false);
    }
  }

  void remove(KObject o) {
    ObjectKey key = o.key();
    objects.get(o.kind).remove(key);
    Map<ObjectKey, KObject> inNamespace = byNamespace.get(o.kind).get(o.namespace);
    if (inNamespace != null) {
      inNamespace.remove(key);
    }
    if (o.kind == Kind.NAMESPACE) {
      namespaces.remove(o.name);
    }
  }

  Optional<KObject> find(Kind kind, String namespace, String name) {
    return Optional.ofNullable(
        objects.get(kind).get(new ObjectKey(kind.group, kind.resource, namespace, name)));
  }

  Collection<KObject> all(Kind kind) {
    return objects.get(kind).values();
  }

  /** The objects of a kind in a namespace, in the order they were stored. */
  List<KObject> in(Kind kind, String namespace) {
    Map<ObjectKey, KObject> inNamespace = byNamespace.get(kind).get(namespace);
    return inNamespace == null ? new ArrayList<>() : new ArrayList<>(inNamespace.values());
  }

  /** Namespaces that exist and are not being deleted. */
  List<String> activeNamespaces() {
    List<String> out = new ArrayList<>();
    namespaces.forEach(
        (name, terminating) -> {
          if (!terminating) {
            out.add(name);
          }
        });
    return out;
  }

  boolean isActive(String namespace) {
    return Boolean.FALSE.equals(namespaces.get(namespace));
  }

  void markTerminating(String namespace) {
    namespaces.put(namespace, true);
    cancel(namespace);
  }

  // ---- common request shapes ----

  /** {@code DeleteOptions} as kube-apiserver logs them, in the resource's group version. */
  static String deleteOptions(Kind kind, String... extraKeyValues) {
    return Json.render(
        g -> {
          g.writeStartObject();
          g.writeStringField("kind", "DeleteOptions");
          g.writeStringField("apiVersion", kind.apiVersion());
          for (int i = 0; i < extraKeyValues.length; i += 2) {
            String v = extraKeyValues[i + 1];
            if (v.chars().allMatch(Character::isDigit)) {
              g.writeNumberField(extraKeyValues[i], Long.parseLong(v));
            } else if (v.startsWith("{")) {
              g.writeFieldName(extraKeyValues[i]);
              g.writeRawValue(v);
            } else {
              g.writeStringField(extraKeyValues[i], v);
            }
          }
          g.writeEndObject();
        });
  }

  /**
   * Creates {@code o} (its body already filled in) on behalf of {@code actor}: the server sets uid,
   * resourceVersion and creationTimestamp and records the manager.
   */
  ApiCall create(Actor actor, KObject o, String manager, JsonNode owned, String... query) {
    String request = o.renderCreateRequest();
    o.uid = newUid();
    o.resourceVersion = nextResourceVersion();
    o.created = now;
    o.manage(manager, "Update", "", now, owned);
    ApiCall call =
        ApiCall.resource(
            actor,
            "create",
            uri(o.kind.collectionPath(o.namespace), query),
            ObjRef.of(o.kind, o.namespace, ""));
    call.requestObject = request;
    call.backfill(o.namespace, o.generateName.isEmpty() ? o.name : "", "", 0);
    call.respond(201, o);
    send(call);
    put(o);
    return call;
  }

  /**
   * Sends a full-object update of {@code o}, already changed by the caller: the request carries the
   * client's copy (the old resourceVersion), the response the stored result.
   */
  ApiCall update(
      Actor actor, KObject o, String subresource, String manager, JsonNode owned, String... query) {
    String body = o.renderBody();
    String request = o.render(body);
    long sentVersion = o.resourceVersion;
    o.resourceVersion = nextResourceVersion();
    o.manage(manager, "Update", subresource, now, owned);
    ApiCall call =
        ApiCall.resource(
            actor, "update", uri(subpath(o, subresource), query), ObjRef.to(o, subresource));
    call.requestObject = request;
    call.backfill(o.namespace, o.name, o.uid, sentVersion);
    call.respond(200, o.render(body), o.name);
    send(call);
    return call;
  }

  /** Sends a patch of {@code o}, already changed by the caller as the patch says. */
  ApiCall patch(
      Actor actor,
      KObject o,
      String subresource,
      String patchBody,
      String manager,
      String operation,
      JsonNode owned,
      String... query) {
    o.resourceVersion = nextResourceVersion();
    o.manage(manager, operation, subresource, now, owned);
    ApiCall call =
        ApiCall.resource(
            actor, "patch", uri(subpath(o, subresource), query), ObjRef.to(o, subresource));
    call.requestObject = patchBody;
    call.respond(200, o);
    send(call);
    return call;
  }

  static String subpath(KObject o, String subresource) {
    return subresource.isEmpty() ? o.path() : o.path() + "/" + subresource;
  }
}
