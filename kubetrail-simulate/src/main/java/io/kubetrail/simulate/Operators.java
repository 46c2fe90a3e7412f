package io.kubetrail.simulate;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * People at kubectl acting on the workloads: deleting, evicting and scaling, and reading pod logs.
 * Part of {@link Workloads}.
 */
final class Operators {
  private final Cluster c;
  private final Workloads w;

  Operators(Cluster c, Workloads w) {
    this.c = c;
    this.w = w;
  }

  /** Someone deletes a pod by hand; the replicaset controller replaces it. */
  boolean deleteRandomPod() {
    Optional<Pod> pick = w.randomRunningPod();
    if (pick.isEmpty()) {
      return false;
    }
    Pod p = pick.get();
    Actor actor = c.rng.chance(0.5) ? c.cast.admin : c.cast.alice;
    w.controllers.deletePod(actor, p, true);
    c.after(Times.millis(c.rng.between(3, 15)), p.namespace, () -> w.controllers.reconcile(p.app));
    return true;
  }

  /** {@code kubectl drain}: an eviction, answered with a Status; the pod then goes gracefully. */
  boolean evictRandomPod() {
    Optional<Pod> pick = w.randomRunningPod();
    if (pick.isEmpty()) {
      return false;
    }
    Pod p = pick.get();
    String eviction =
        Json.render(
            g -> {
              g.writeStartObject();
              g.writeStringField("kind", "Eviction");
              g.writeStringField("apiVersion", "policy/v1");
              g.writeObjectFieldStart("metadata");
              g.writeStringField("name", p.name);
              g.writeStringField("namespace", p.namespace);
              g.writeNullField("creationTimestamp");
              g.writeEndObject();
              g.writeEndObject();
            });
    p.deletion = c.now + Times.seconds(30);
    p.deletionGracePeriodSeconds = 30;
    p.resourceVersion = c.nextResourceVersion();
    p.refresh();
    ApiCall call =
        ApiCall.resource(
            c.cast.admin, "create", Cluster.subpath(p, "eviction"), ObjRef.to(p, "eviction"));
    call.requestObject = eviction;
    call.respond(201, ApiStatus.success(201));
    c.send(call);
    w.controllers.afterPodChange(p.app);
    c.after(Times.millis(c.rng.between(3, 15)), p.namespace, () -> w.controllers.reconcile(p.app));
    c.after(
        Times.millis(c.rng.between(1_500, 28_000)), p.namespace, () -> w.kubelets.kubeletRemove(p));
    return true;
  }

  boolean scaleRandomApp() {
    List<App> candidates = new ArrayList<>();
    for (App app : w.apps) {
      if (c.isActive(app.namespace) && app.replicaSet != null && !app.replicaSet.uid.isEmpty()) {
        candidates.add(app);
      }
    }
    if (candidates.isEmpty()) {
      return false;
    }
    App app = c.rng.pick(candidates);
    int replicas = Math.max(1, Math.min(6, app.replicas + c.rng.pickOf(-2, -1, 1, 2)));
    if (replicas == app.replicas) {
      return false;
    }
    app.replicas = replicas;
    KObject d = app.deployment;
    d.generation++;
    d.body.put("spec", Manifests.deploymentSpec(app));
    String patch = Json.write(Json.obj("spec", Json.obj("replicas", replicas)));
    Actor actor = c.rng.chance(0.6) ? c.cast.alice : c.cast.admin;
    c.patch(
        actor,
        d,
        "",
        patch,
        "kubectl-patch",
        "Update",
        Json.obj("spec", Json.obj("replicas", replicas)),
        "fieldManager",
        "kubectl-patch");
    c.after(
        Times.millis(c.rng.between(3, 20)),
        app.namespace,
        () -> w.controllers.scaleReplicaSet(app));
    return true;
  }

  boolean podLogs() {
    Optional<Pod> pick = w.randomRunningPod();
    if (pick.isEmpty()) {
      return false;
    }
    Pod p = pick.get();
    boolean follow = c.rng.chance(0.3);
    Actor actor = c.rng.chance(0.5) ? c.cast.alice : c.cast.admin;
    String uri =
        follow
            ? Cluster.uri(Cluster.subpath(p, "log"), "container", p.app.name, "follow", "true")
            : Cluster.uri(Cluster.subpath(p, "log"), "container", p.app.name, "tailLines", "100");
    ApiCall call = ApiCall.resource(actor, "get", uri, ObjRef.to(p, "log"));
    call.longRunningFor =
        follow ? Times.seconds(c.rng.between(10, 300)) : Times.millis(c.rng.between(5, 80));
    call.completesLater = follow;
    c.send(call);
    return true;
  }
}
