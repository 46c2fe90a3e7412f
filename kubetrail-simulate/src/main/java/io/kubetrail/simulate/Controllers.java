package io.kubetrail.simulate;

import static io.kubetrail.simulate.Workloads.KCM;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.Supplier;

/**
 * kube-controller-manager's part in the workloads: the deployment controller creating and scaling
 * ReplicaSets, the replicaset controller creating pods by {@code generateName} and deleting them,
 * the endpoints controller following their readiness, and the controllers writing status. Part of
 * {@link Workloads}.
 */
final class Controllers {
  private final Cluster c;
  private final Workloads w;
  private final Events events;

  Controllers(Cluster c, Workloads w) {
    this.c = c;
    this.w = w;
    this.events = w.events;
  }

  boolean createReplicaSet(App app) {
    app.replicaSet = Manifests.replicaSet(app);
    app.replicaSet.owners.set(
        0, new KObject.OwnerRef("apps/v1", "Deployment", app.name, app.deployment.uid));
    app.replicaSet.generation = 1;
    app.replicaSet.body.put("status", Json.obj("replicas", 0));
    c.create(
        c.cast.controller("deployment-controller"),
        app.replicaSet,
        KCM,
        Manifests.rsOwnedFields(app));
    c.after(
        Times.millis(c.rng.between(1, 5)),
        app.namespace,
        () ->
            events.create(
                c.cast.controller("deployment-controller"),
                "deployment-controller",
                "",
                app.deployment,
                "",
                "Normal",
                "ScalingReplicaSet",
                "Scaled up replica set " + app.replicaSetName() + " to " + app.replicas));
    c.after(Times.millis(c.rng.between(3, 20)), app.namespace, () -> reconcile(app));
    c.after(Times.millis(c.rng.between(10, 60)), app.namespace, () -> syncDeploymentStatus(app));
    return true;
  }

  boolean createEndpoints(App app) {
    app.endpoints = Manifests.endpointsObject(app);
    ArrayNode subsets = Manifests.desiredSubsets(app);
    if (subsets.size() > 0) {
      app.endpoints.body.put("subsets", subsets);
    }
    c.create(
        c.cast.controller("endpoint-controller"),
        app.endpoints,
        KCM,
        Manifests.endpointsOwnedFields(app.endpoints));
    return true;
  }

  /** One step towards the desired replica count: a create or a delete, then again later. */
  boolean reconcile(App app) {
    if (!c.isActive(app.namespace) || app.replicaSet == null) {
      return false;
    }
    List<Pod> live = app.livePods();
    if (live.size() < app.replicas) {
      createPod(app);
    } else if (live.size() > app.replicas) {
      Pod newest = live.get(live.size() - 1);
      deletePod(c.cast.controller("replicaset-controller"), newest, false);
    } else {
      return false;
    }
    c.after(Times.millis(c.rng.between(2, 12)), app.namespace, () -> reconcile(app));
    c.after(Times.millis(c.rng.between(20, 200)), app.namespace, () -> syncReplicaSetStatus(app));
    return true;
  }

  private void createPod(App app) {
    Pod p = new Pod(app, app.replicaSetName() + "-" + c.rng.nameSuffix(5));
    Workloads.podMetadata(p);
    Actor rsController = c.cast.controller("replicaset-controller");
    p.body.put("spec", p.spec(false));
    String request = p.renderCreateRequest();
    p.uid = c.newUid();
    p.resourceVersion = c.nextResourceVersion();
    p.created = c.now;
    p.manage(KCM, "Update", "", c.now, Workloads.podOwnedFields(p));
    p.refresh();
    ApiCall call =
        ApiCall.resource(
            rsController,
            "create",
            Kind.POD.collectionPath(app.namespace),
            ObjRef.of(Kind.POD, app.namespace, ""));
    call.requestObject = request;
    call.respond(201, p);
    c.send(call);
    c.put(p);
    app.pods.add(p);
    c.after(
        Times.millis(c.rng.between(1, 4)),
        app.namespace,
        () ->
            events.create(
                rsController,
                "replicaset-controller",
                "",
                app.replicaSet,
                "",
                "Normal",
                "SuccessfulCreate",
                "Created pod: " + p.name));
    c.after(Times.millis(c.rng.between(5, 60)), app.namespace, () -> w.kubelets.bind(p));
  }

  /** What the controllers do when a pod's readiness or existence changes. */
  void afterPodChange(App app) {
    c.after(Times.millis(c.rng.between(15, 200)), app.namespace, () -> syncEndpoints(app));
    c.after(Times.millis(c.rng.between(5, 60)), app.namespace, () -> syncReplicaSetStatus(app));
    c.after(Times.millis(c.rng.between(60, 400)), app.namespace, () -> syncDeploymentStatus(app));
  }

  /** A graceful delete: the pod stays, with a deletionTimestamp, until its kubelet removes it. */
  void deletePod(Actor actor, Pod p, boolean byKubectl) {
    p.deletion = c.now + Times.seconds(30);
    p.deletionGracePeriodSeconds = 30;
    p.resourceVersion = c.nextResourceVersion();
    p.refresh();
    ApiCall call = ApiCall.resource(actor, "delete", p.path(), ObjRef.to(p, ""));
    call.requestObject =
        byKubectl
            ? Cluster.deleteOptions(Kind.POD, "propagationPolicy", "Background")
            : Cluster.deleteOptions(Kind.POD);
    call.respond(200, p);
    c.send(call);
    App app = p.app;
    c.after(
        Times.millis(c.rng.between(5, 30)),
        p.namespace,
        () ->
            events.create(
                p.node.kubelet,
                "kubelet",
                p.node.name,
                p,
                "spec.containers{" + app.name + "}",
                "Normal",
                "Killing",
                "Stopping container " + app.name));
    afterPodChange(app);
    c.after(
        Times.millis(c.rng.between(1_500, 28_000)), p.namespace, () -> w.kubelets.kubeletRemove(p));
  }

  boolean scaleReplicaSet(App app) {
    KObject rs = app.replicaSet;
    rs.generation++;
    Manifests.rsAnnotations(app, rs);
    rs.body.put("spec", Manifests.rsSpec(app));
    Actor controller = c.cast.controller("deployment-controller");
    c.update(controller, rs, "", KCM, Manifests.rsOwnedFields(app));
    String verb = app.livePods().size() < app.replicas ? "up" : "down";
    c.after(
        Times.millis(c.rng.between(1, 5)),
        app.namespace,
        () ->
            events.create(
                controller,
                "deployment-controller",
                "",
                app.deployment,
                "",
                "Normal",
                "ScalingReplicaSet",
                "Scaled " + verb + " replica set " + rs.name + " to " + app.replicas));
    c.after(Times.millis(c.rng.between(2, 10)), app.namespace, () -> reconcile(app));
    return true;
  }

  private boolean syncEndpoints(App app) {
    if (!c.isActive(app.namespace) || app.endpoints == null || app.endpoints.uid.isEmpty()) {
      return false;
    }
    KObject e = app.endpoints;
    ArrayNode desired = Manifests.desiredSubsets(app);
    JsonNode current = e.body.getOrDefault("subsets", Json.arr());
    if (desired.equals(current)) {
      return false;
    }
    if (desired.size() == 0) {
      e.body.remove("subsets");
    } else {
      e.body.put("subsets", desired);
    }
    e.annotations.put(
        "endpoints.kubernetes.io/last-change-trigger-time",
        Times.second(c.now - Times.millis(c.rng.between(10, 150))));
    c.update(
        c.cast.controller("endpoint-controller"), e, "", KCM, Manifests.endpointsOwnedFields(e));
    return true;
  }

  boolean syncReplicaSetStatus(App app) {
    return syncStatus(app, app.replicaSet, () -> Manifests.rsStatus(app), "replicaset-controller");
  }

  private boolean syncDeploymentStatus(App app) {
    return syncStatus(
        app, app.deployment, () -> Manifests.deploymentStatus(app), "deployment-controller");
  }

  /** A controller writes the status subresource when the status it computes has changed. */
  private boolean syncStatus(
      App app, KObject object, Supplier<ObjectNode> computed, String controller) {
    if (!c.isActive(app.namespace) || object.uid.isEmpty()) {
      return false;
    }
    ObjectNode status = computed.get();
    if (status.equals(object.body.get("status"))) {
      return false;
    }
    object.body.put("status", status);
    c.update(c.cast.controller(controller), object, "status", KCM, Json.obj("status", status));
    return true;
  }
}
