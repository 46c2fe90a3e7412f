package io.kubetrail.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Deployments, ReplicaSets, pods, Services and Endpoints, and the controllers and kubelets that
 * keep them moving: the replicaset controller creating pods by {@code generateName}, the scheduler
 * binding them, kubelets reporting their status with strategic-merge patches and finally deleting
 * them, the endpoints controller following their readiness.
 */
final class Workloads {
  private static final String KCM = "kube-controller-manager";

  private final Cluster c;
  final List<Node> nodes = new ArrayList<>();
  final List<App> apps = new ArrayList<>();
  private final Events events;

  private int nextServiceIp = 20;

  Workloads(Cluster c, int workers) {
    this.c = c;
    long bootTime = c.now - Times.seconds(86_400L * c.rng.between(3, 40));
    nodes.add(Node.boot(c, "cp-1", Cast.CONTROL_PLANE_IP, 0, true, bootTime));
    for (int i = 1; i <= workers; i++) {
      nodes.add(Node.boot(c, "worker-" + i, "10.0.1." + (10 + i), i, false, bootTime));
    }
    events = new Events(c, nodes);
    existingApp("shop", "web", "nginx:1.27.3", "http", 8080, 3, bootTime);
    existingApp("shop", "cart", "ghcr.io/example/cart:2.4.1", "http", 8080, 2, bootTime);
    existingApp(
        "payments", "api", "ghcr.io/example/payments-api:1.9.0", "https", 8443, 2, bootTime);
    existingApp(
        "monitoring",
        "prometheus",
        "quay.io/prometheus/prometheus:v2.55.1",
        "web",
        9090,
        1,
        bootTime);
    existingApp("ci", "deployer", "quay.io/argoproj/argocd:v2.13.1", "metrics", 8082, 1, bootTime);

    c.activity(0.04, this::statusChange);
    c.activity(0.12, this::warningEvent);
    c.activity(0.05, events::repeat);
    c.activity(0.03, this::deleteRandomPod);
    c.activity(0.01, this::evictRandomPod);
    c.activity(0.012, this::scaleRandomApp);
    c.activity(0.02, this::podLogs);
    for (Node n : nodes) {
      // Kubelets report node status every five minutes when nothing changes.
      c.at(c.now + c.rng.betweenLong(0, Times.seconds(300)), "", () -> n.reportStatus(c));
    }
  }

  private String nextServiceIp() {
    int n = nextServiceIp++;
    return "10.96." + (n / 250) + "." + (n % 250 + 2);
  }

  List<Node> workers() {
    return nodes.subList(1, nodes.size());
  }

  // ---- setting the scene: what exists before the log starts ----

  /** Marks an object as created before the log starts. */
  private void existing(KObject o, long created) {
    o.uid = c.newUid();
    o.resourceVersion = c.nextResourceVersion();
    o.created = created;
  }

  private void existingApp(
      String namespace,
      String name,
      String image,
      String portName,
      int port,
      int replicas,
      long since) {
    App app = new App(c.rng, namespace, name, image, portName, port, replicas);
    long created = since + Times.seconds(c.rng.between(600, 86_400));
    app.deployment = Manifests.deployment(app);
    existing(app.deployment, created);
    app.deployment.generation = 1;
    app.deployment.manage(
        "argocd-controller", "Apply", "", created, Manifests.appliedDeployment(app));
    app.replicaSet = Manifests.replicaSet(app);
    existing(app.replicaSet, created);
    app.replicaSet.generation = 1;
    app.replicaSet.manage(KCM, "Update", "", created, Manifests.rsOwnedFields(app));
    app.service = Manifests.service(app, nextServiceIp());
    existing(app.service, created);
    app.service.manage(
        "argocd-controller",
        "Apply",
        "",
        created,
        Json.obj(
            "metadata", app.service.clientMetadataFields(), "spec", app.service.body.get("spec")));
    app.endpoints = Manifests.endpointsObject(app);
    existing(app.endpoints, created);
    for (int i = 0; i < replicas; i++) {
      Pod p = new Pod(app, app.replicaSetName() + "-" + c.rng.nameSuffix(5));
      podMetadata(p);
      existing(p, created + Times.seconds(c.rng.between(5, 600)));
      p.manage(KCM, "Update", "", p.created, podOwnedFields(p));
      p.node = c.rng.pick(workers());
      p.phase = Pod.Phase.RUNNING;
      p.ip = p.node.nextPodIp();
      p.ready = true;
      p.scheduledAt = p.created;
      p.startedAt = p.created + Times.seconds(1);
      p.containerStartedAt = p.startedAt + Times.seconds(2);
      p.readyChangedAt = p.containerStartedAt + Times.seconds(5);
      p.containerId = "containerd://" + c.rng.hex(64);
      p.refresh();
      p.manage("kubelet", "Update", "status", p.readyChangedAt, Json.obj("status", p.status()));
      app.pods.add(p);
      c.put(p);
    }
    app.endpoints.body.put("subsets", Manifests.desiredSubsets(app));
    app.endpoints.annotations.put(
        "endpoints.kubernetes.io/last-change-trigger-time",
        Times.second(created + Times.seconds(700)));
    app.endpoints.manage(KCM, "Update", "", created, Manifests.endpointsOwnedFields(app.endpoints));
    app.replicaSet.body.put("status", Manifests.rsStatus(app));
    app.replicaSet.manage(
        KCM, "Update", "status", created, Json.obj("status", Manifests.rsStatus(app)));
    app.deployment.body.put("status", Manifests.deploymentStatus(app));
    app.deployment.manage(
        KCM, "Update", "status", created, Json.obj("status", Manifests.deploymentStatus(app)));
    c.put(app.deployment);
    c.put(app.replicaSet);
    c.put(app.service);
    c.put(app.endpoints);
    apps.add(app);
  }

  private void podMetadata(Pod p) {
    App app = p.app;
    p.generateName = app.replicaSetName() + "-";
    p.labels.put("app", app.name);
    p.labels.put("pod-template-hash", app.hash);
    p.owners.add(
        new KObject.OwnerRef("apps/v1", "ReplicaSet", app.replicaSetName(), app.replicaSet.uid));
    p.body.put("spec", p.spec(false));
  }

  private static JsonNode podOwnedFields(Pod p) {
    return Json.obj("metadata", p.clientMetadataFields(), "spec", p.spec(false));
  }

  // ---- a new application, deployed by the GitOps controller ----

  /** Deploys a fresh app into a new namespace: Deployment, Service, then the controllers react. */
  void deployApp(String namespace, String name, String image, int replicas) {
    App app = new App(c.rng, namespace, name, image, "http", 8080, replicas);
    apps.add(app);
    c.after(Times.millis(c.rng.between(2_000, 15_000)), namespace, () -> applyDeployment(app));
  }

  /** The GitOps controller's server-side apply of a missing object, which creates it. */
  private void createByApply(KObject o, JsonNode applied, String body) {
    o.uid = c.newUid();
    o.resourceVersion = c.nextResourceVersion();
    o.created = c.now;
    o.manage("argocd-controller", "Apply", "", c.now, applied);
    ApiCall call =
        ApiCall.resource(
            c.cast.ciDeployer,
            "patch",
            Cluster.uri(o.path(), "fieldManager", "argocd-controller", "force", "true"),
            ObjRef.to(o, ""));
    call.requestObject = body;
    call.respond(201, o);
    c.send(call);
    c.put(o);
  }

  private boolean applyDeployment(App app) {
    KObject d = Manifests.deployment(app);
    d.annotations.clear();
    app.deployment = d;
    JsonNode applied = Manifests.appliedDeployment(app);
    String body = Json.write(Json.sorted(manifest(d, applied)));
    d.generation = 1;
    d.body.put("status", Json.obj());
    createByApply(d, applied, body);
    c.after(Times.millis(c.rng.between(5, 40)), app.namespace, () -> createReplicaSet(app));
    c.after(Times.millis(c.rng.between(500, 3_000)), app.namespace, () -> applyService(app));
    return true;
  }

  /** A manifest as a client applies it: kind, apiVersion, name and namespace, plus the fields. */
  private static ObjectNode manifest(KObject o, JsonNode fields) {
    ObjectNode m = Json.obj("apiVersion", o.kind.apiVersion(), "kind", o.kind.kind);
    ObjectNode meta = Json.obj("name", o.name, "namespace", o.namespace);
    meta.setAll((ObjectNode) fields.path("metadata"));
    m.set("metadata", meta);
    fields
        .fields()
        .forEachRemaining(
            e -> {
              if (!e.getKey().equals("metadata")) {
                m.set(e.getKey(), e.getValue());
              }
            });
    return m;
  }

  private boolean createReplicaSet(App app) {
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

  private boolean applyService(App app) {
    app.service = Manifests.service(app, nextServiceIp());
    JsonNode applied =
        Json.obj(
            "metadata",
            app.service.clientMetadataFields(),
            "spec",
            Json.obj(
                "ports",
                Json.arr(
                    Json.obj(
                        "name", "http", "port", 80, "protocol", "TCP", "targetPort", app.port)),
                "selector",
                app.selector()));
    String body = Json.write(Json.sorted(manifest(app.service, applied)));
    KObject s = app.service;
    createByApply(s, applied, body);
    c.after(Times.millis(c.rng.between(5, 50)), app.namespace, () -> createEndpoints(app));
    return true;
  }

  private boolean createEndpoints(App app) {
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

  // ---- the replicaset controller ----

  /** One step towards the desired replica count: a create or a delete, then again later. */
  private boolean reconcile(App app) {
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
    podMetadata(p);
    Actor rsController = c.cast.controller("replicaset-controller");
    p.body.put("spec", p.spec(false));
    String request = p.renderCreateRequest();
    p.uid = c.newUid();
    p.resourceVersion = c.nextResourceVersion();
    p.created = c.now;
    p.manage(KCM, "Update", "", c.now, podOwnedFields(p));
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
    c.after(Times.millis(c.rng.between(5, 60)), app.namespace, () -> bind(p));
  }

  // ---- the scheduler and the kubelet ----

  private boolean alive(Pod p) {
    return !p.deleting() && c.find(Kind.POD, p.namespace, p.name).isPresent();
  }

  private boolean bind(Pod p) {
    if (!alive(p)) {
      return false;
    }
    Node node = c.rng.pick(workers());
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
    afterPodChange(p.app);
    return true;
  }

  /** What the controllers do when a pod's readiness or existence changes. */
  private void afterPodChange(App app) {
    c.after(Times.millis(c.rng.between(15, 200)), app.namespace, () -> syncEndpoints(app));
    c.after(Times.millis(c.rng.between(5, 60)), app.namespace, () -> syncReplicaSetStatus(app));
    c.after(Times.millis(c.rng.between(60, 400)), app.namespace, () -> syncDeploymentStatus(app));
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
  private boolean statusChange() {
    Optional<Pod> pick = randomRunningPod();
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
    afterPodChange(p.app);
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
    afterPodChange(p.app);
    return true;
  }

  private Optional<Pod> randomRunningPod() {
    List<Pod> running = new ArrayList<>();
    for (App app : apps) {
      if (!c.isActive(app.namespace)) {
        continue;
      }
      for (Pod p : app.pods) {
        if (!p.deleting() && p.phase == Pod.Phase.RUNNING) {
          running.add(p);
        }
      }
    }
    return running.isEmpty() ? Optional.empty() : Optional.of(c.rng.pick(running));
  }

  // ---- deleting pods ----

  /** A graceful delete: the pod stays, with a deletionTimestamp, until its kubelet removes it. */
  private void deletePod(Actor actor, Pod p, boolean byKubectl) {
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
    c.after(Times.millis(c.rng.between(1_500, 28_000)), p.namespace, () -> kubeletRemove(p));
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
      c.after(Times.millis(c.rng.between(5, 60)), p.namespace, () -> syncReplicaSetStatus(p.app));
    }
    return true;
  }

  /** Someone deletes a pod by hand; the replicaset controller replaces it. */
  private boolean deleteRandomPod() {
    Optional<Pod> pick = randomRunningPod();
    if (pick.isEmpty()) {
      return false;
    }
    Pod p = pick.get();
    Actor actor = c.rng.chance(0.5) ? c.cast.admin : c.cast.alice;
    deletePod(actor, p, true);
    c.after(Times.millis(c.rng.between(3, 15)), p.namespace, () -> reconcile(p.app));
    return true;
  }

  /** {@code kubectl drain}: an eviction, answered with a Status; the pod then goes gracefully. */
  private boolean evictRandomPod() {
    Optional<Pod> pick = randomRunningPod();
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
    afterPodChange(p.app);
    c.after(Times.millis(c.rng.between(3, 15)), p.namespace, () -> reconcile(p.app));
    c.after(Times.millis(c.rng.between(1_500, 28_000)), p.namespace, () -> kubeletRemove(p));
    return true;
  }

  // ---- scaling ----

  private boolean scaleRandomApp() {
    List<App> candidates = new ArrayList<>();
    for (App app : apps) {
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
    c.after(Times.millis(c.rng.between(3, 20)), app.namespace, () -> scaleReplicaSet(app));
    return true;
  }

  private boolean scaleReplicaSet(App app) {
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

  // ---- controllers writing status ----

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

  private boolean syncReplicaSetStatus(App app) {
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

  private boolean warningEvent() {
    Optional<Pod> pick = randomRunningPod();
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

  // ---- kubectl logs: a long-running read ----

  private boolean podLogs() {
    Optional<Pod> pick = randomRunningPod();
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

  /** Pods of a namespace being deleted: the namespace controller's deletecollection marks them. */
  void terminateAll(String namespace) {
    for (App app : apps) {
      if (app.namespace.equals(namespace)) {
        for (Pod p : app.pods) {
          if (p.deletion == 0) {
            p.deletion = c.now + Times.seconds(30);
            p.deletionGracePeriodSeconds = 30;
            p.resourceVersion = c.nextResourceVersion();
            p.refresh();
          }
        }
      }
    }
  }

  List<Pod> podsIn(String namespace) {
    List<Pod> out = new ArrayList<>();
    for (App app : apps) {
      if (app.namespace.equals(namespace)) {
        out.addAll(app.pods);
      }
    }
    return out;
  }

  void forget(String namespace) {
    apps.removeIf(a -> a.namespace.equals(namespace));
  }
}
