package io.kubetrail.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * The scheduler binding pods to nodes, and the kubelets starting them, reporting their status with
 * strategic-merge patches, flipping their readiness and finally deleting them. Part of {@link
 * Workloads}.
 */
final class Kubelets {
  private final Cluster c;
  private final Workloads w;
  private final Events events;

  Kubelets(Cluster c, Workloads w) {
    this.c = c;
    this.w = w;
    this.events = w.events;
  }

  private boolean alive(Pod p) {
    return !p.deleting() && c.find(Kind.POD, p.namespace, p.name).isPresent();
  }

  boolean bind(Pod p) {
    if (!alive(p)) {
      return false;
    }
    Node node = c.rng.pick(w.workers());
    p.node = node;
    p.phase = Pod.Phase.SCHEDULED;
    p.scheduledAt = c.now;
    // The pod changes, but the audit log only sees the Binding and a Status.
    p.resourceVersion = c.nextResourceVersion();
    p.refresh();
    String binding =
        Json.render(
            g -> {
              g.writeStartObject();
              g.writeStringField("kind", "Binding");
              g.writeStringField("apiVersion", "v1");
              g.writeObjectFieldStart("metadata");
              g.writeStringField("name", p.name);
              g.writeStringField("namespace", p.namespace);
              g.writeStringField("uid", p.uid);
              g.writeNullField("creationTimestamp");
              g.writeEndObject();
              g.writeObjectFieldStart("target");
              g.writeStringField("kind", "Node");
              g.writeStringField("name", node.name);
              g.writeEndObject();
              g.writeEndObject();
            });
    ApiCall call =
        ApiCall.resource(
            c.cast.scheduler, "create", Cluster.subpath(p, "binding"), ObjRef.to(p, "binding"));
    call.requestObject = binding;
    call.backfill(p.namespace, p.name, p.uid, 0);
    call.respond(201, ApiStatus.success(201));
    c.send(call);
    c.after(
        Times.millis(c.rng.between(1, 5)),
        p.namespace,
        () ->
            events.create(
                c.cast.scheduler,
                "default-scheduler",
                "",
                p,
                "",
                "Normal",
                "Scheduled",
                "Successfully assigned " + p.namespace + "/" + p.name + " to " + node.name));
    c.after(Times.millis(c.rng.between(40, 400)), p.namespace, () -> kubeletCreating(p));
    return true;
  }

  private boolean kubeletCreating(Pod p) {
    if (!alive(p)) {
      return false;
    }
    ObjectNode before = p.status();
    p.phase = Pod.Phase.CREATING;
    p.startedAt = c.now;
    p.readyChangedAt = c.now;
    p.ready = false;
    patchStatus(p, before);
    String field = "spec.containers{" + p.app.name + "}";
    Actor kubelet = p.node.kubelet;
    String host = p.node.name;
    c.after(
        Times.millis(c.rng.between(200, 900)),
        p.namespace,
        () ->
            events.create(
                kubelet,
                "kubelet",
                host,
                p,
                field,
                "Normal",
                "Pulled",
                "Container image \"" + p.app.image + "\" already present on machine"));
    c.after(
        Times.millis(c.rng.between(900, 1_400)),
        p.namespace,
        () ->
            events.create(
                kubelet,
                "kubelet",
                host,
                p,
                field,
                "Normal",
                "Created",
                "Created container " + p.app.name));
    c.after(
        Times.millis(c.rng.between(1_400, 2_000)),
        p.namespace,
        () ->
            events.create(
                kubelet,
                "kubelet",
                host,
                p,
                field,
                "Normal",
                "Started",
                "Started container " + p.app.name));
    c.after(Times.millis(c.rng.between(2_000, 5_000)), p.namespace, () -> kubeletRunning(p));
    return true;
  }

  private boolean kubeletRunning(Pod p) {
    if (!alive(p)) {
      return false;
    }
    ObjectNode before = p.status();
    p.phase = Pod.Phase.RUNNING;
    p.ip = p.node.nextPodIp();
    p.containerId = "containerd://" + c.rng.hex(64);
    p.containerStartedAt = c.now;
    p.ready = true;
    p.readyChangedAt = c.now;
    patchStatus(p, before);
    w.controllers.afterPodChange(p.app);
    return true;
  }

  /** Kubelet's status manager: a strategic-merge patch of what changed, with element order. */
  private void patchStatus(Pod p, ObjectNode before) {
    ObjectNode after = p.status();
    ObjectNode status = Json.obj();
    status.set("$setElementOrder/conditions", p.conditionOrder());
    ArrayNode changedConditions = Json.arr();
    JsonNode oldConditions = before.path("conditions");
    for (JsonNode cond : after.path("conditions")) {
      boolean same = false;
      for (JsonNode old : oldConditions) {
        same |= old.equals(cond);
      }
      if (!same) {
        changedConditions.add(Json.sorted(cond));
      }
    }
    if (changedConditions.size() > 0) {
      status.set("conditions", changedConditions);
    }
    after
        .fields()
        .forEachRemaining(
            e -> {
              if (!e.getKey().equals("conditions")
                  && !e.getValue().equals(before.get(e.getKey()))) {
                status.set(e.getKey(), Json.sorted(e.getValue()));
              }
            });
    ObjectNode sortedStatus = (ObjectNode) Json.sorted(status);
    // $setElementOrder sorts first, as in kubelet's patches.
    String patch = Json.write(Json.obj("metadata", Json.obj("uid", p.uid), "status", sortedStatus));
    p.refresh();
    c.patch(p.node.kubelet, p, "status", patch, "kubelet", "Update", Json.obj("status", after));
  }

  /** A running pod's readiness flips or its container restarts. */
  boolean statusChange() {
    Optional<Pod> pick = w.randomRunningPod();
    if (pick.isEmpty()) {
      return false;
    }
    Pod p = pick.get();
    ObjectNode before = p.status();
    if (!p.ready || c.rng.chance(0.7)) {
      p.ready = !p.ready;
      p.readyChangedAt = c.now;
    } else {
      p.restarts++;
      p.lastTermination = c.rng.chance(0.3) ? "OOMKilled" : "Error";
      p.lastTerminationAt = c.now - Times.millis(c.rng.between(500, 3_000));
      p.containerId = "containerd://" + c.rng.hex(64);
      p.containerStartedAt = c.now;
      p.ready = false;
      p.readyChangedAt = c.now;
    }
    patchStatus(p, before);
    w.controllers.afterPodChange(p.app);
    if (!p.ready) {
      c.after(Times.seconds(c.rng.between(5, 90)), p.namespace, () -> recover(p));
    }
    return true;
  }

  private boolean recover(Pod p) {
    if (!alive(p) || p.ready || p.phase != Pod.Phase.RUNNING) {
      return false;
    }
    ObjectNode before = p.status();
    p.ready = true;
    p.readyChangedAt = c.now;
    patchStatus(p, before);
    w.controllers.afterPodChange(p.app);
    return true;
  }

  /** The kubelet's final delete once the containers are gone; answered with the pod or a Status. */
  boolean kubeletRemove(Pod p) {
    if (c.find(Kind.POD, p.namespace, p.name).isEmpty()) {
      return false;
    }
    ApiCall call =
        ApiCall.resource(
            p.node == null ? c.cast.controller("pod-garbage-collector") : p.node.kubelet,
            "delete",
            p.path(),
            ObjRef.to(p, ""));
    call.requestObject =
        Cluster.deleteOptions(
            Kind.POD, "gracePeriodSeconds", "0", "preconditions", "{\"uid\":\"" + p.uid + "\"}");
    p.deletionGracePeriodSeconds = 0;
    if (p.deletion == 0) {
      p.deletion = c.now;
    }
    p.resourceVersion = c.nextResourceVersion();
    p.refresh();
    if (c.rng.chance(0.7)) {
      call.respond(200, p);
    } else {
      call.respond(200, ApiStatus.deleted(Kind.POD, p.name, p.uid));
    }
    c.send(call);
    c.remove(p);
    p.app.pods.remove(p);
    if (c.isActive(p.namespace)) {
      c.after(
          Times.millis(c.rng.between(5, 60)),
          p.namespace,
          () -> w.controllers.syncReplicaSetStatus(p.app));
    }
    return true;
  }

  boolean warningEvent() {
    Optional<Pod> pick = w.randomRunningPod();
    if (pick.isEmpty()) {
      return false;
    }
    Pod p = pick.get();
    String field = "spec.containers{" + p.app.name + "}";
    if (c.rng.chance(0.7)) {
      return events.create(
          p.node.kubelet,
          "kubelet",
          p.node.name,
          p,
          field,
          "Warning",
          "Unhealthy",
          "Readiness probe failed: HTTP probe failed with statuscode: " + c.rng.pickOf(500, 503));
    }
    return events.create(
        p.node.kubelet,
        "kubelet",
        p.node.name,
        p,
        field,
        "Warning",
        "BackOff",
        "Back-off restarting failed container "
            + p.app.name
            + " in pod "
            + p.name
            + "_"
            + p.namespace
            + "("
            + p.uid
            + ")");
  }
}
