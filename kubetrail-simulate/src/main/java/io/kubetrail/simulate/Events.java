package io.kubetrail.simulate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Core {@code v1} Events: created by kubelets, the scheduler and controllers, and counted up by the
 * event correlator when they repeat.
 */
final class Events {
  private static final String KCM = "kube-controller-manager";
  private static final long HOUR = Times.seconds(3600);

  private final Cluster c;
  private final List<Node> nodes;
  private final ArrayDeque<KObject> recentEvents = new ArrayDeque<>();

  /** Warnings of the last ten minutes, which the event correlator may count up. */
  private final ArrayDeque<KObject> recentWarnings = new ArrayDeque<>();

  Events(Cluster c, List<Node> nodes) {
    this.c = c;
    this.nodes = nodes;
  }

  /** Creates a core/v1 Event about {@code about}; {@code host} is empty for controllers. */
  boolean create(
      Actor actor,
      String component,
      String host,
      KObject about,
      String fieldPath,
      String type,
      String reason,
      String message) {
    if (!c.isActive(about.namespace)) {
      return false;
    }
    pruneEvents();
    KObject e =
        new KObject(
            Kind.EVENT, about.namespace, about.name + "." + Long.toHexString(c.now * 1_000L));
    ObjectNode involved =
        Json.obj(
            "kind",
            about.kind.kind,
            "namespace",
            about.namespace,
            "name",
            about.name,
            "uid",
            about.uid,
            "apiVersion",
            about.kind.apiVersion(),
            "resourceVersion",
            Long.toString(about.resourceVersion));
    if (!fieldPath.isEmpty()) {
      involved.put("fieldPath", fieldPath);
    }
    e.body.put("involvedObject", involved);
    e.body.put("reason", Json.value(reason));
    e.body.put("message", Json.value(message));
    e.body.put(
        "source",
        host.isEmpty()
            ? Json.obj("component", component)
            : Json.obj("component", component, "host", host));
    e.body.put("firstTimestamp", Json.value(Times.second(c.now)));
    e.body.put("lastTimestamp", Json.value(Times.second(c.now)));
    e.body.put("count", Json.value(1));
    e.body.put("type", Json.value(type));
    e.body.put("eventTime", Json.value(null));
    e.body.put("reportingComponent", Json.value(component));
    e.body.put("reportingInstance", Json.value(host));
    ObjectNode owned = Json.obj();
    e.body.forEach(
        (k, v) -> {
          if (!v.isNull()) {
            owned.set(k, v);
          }
        });
    String manager =
        !host.isEmpty()
            ? "kubelet"
            : component.equals("default-scheduler") ? "kube-scheduler" : KCM;
    c.create(actor, e, manager, owned);
    recentEvents.addLast(e);
    if (type.equals("Warning")) {
      recentWarnings.addLast(e);
    }
    return true;
  }

  /** Events expire after an hour (an etcd lease, never audited); forget them so as not to reuse. */
  private void pruneEvents() {
    while (!recentEvents.isEmpty() && recentEvents.peekFirst().created < c.now - HOUR) {
      KObject old = recentEvents.pollFirst();
      c.remove(old);
    }
  }

  /** The event correlator counts a repeated event up instead of creating a new one. */
  boolean repeat() {
    while (!recentWarnings.isEmpty()
        && recentWarnings.peekFirst().created < c.now - Times.seconds(600)) {
      recentWarnings.pollFirst();
    }
    List<KObject> candidates = new ArrayList<>();
    for (KObject e : recentWarnings) {
      if (c.isActive(e.namespace)) {
        candidates.add(e);
      }
    }
    if (candidates.isEmpty()) {
      return false;
    }
    KObject e = c.rng.pick(candidates);
    String host = e.body.get("source").path("host").asText();
    Node node = nodes.stream().filter(n -> n.name.equals(host)).findFirst().orElse(nodes.get(1));
    int count = e.body.get("count").asInt() + 1;
    e.body.put("count", Json.value(count));
    e.body.put("lastTimestamp", Json.value(Times.second(c.now)));
    String patch = Json.write(Json.obj("count", count, "lastTimestamp", Times.second(c.now)));
    c.patch(
        node.kubelet,
        e,
        "",
        patch,
        "kubelet",
        "Update",
        Json.obj("count", count, "lastTimestamp", Times.second(c.now)));
    return true;
  }
}
