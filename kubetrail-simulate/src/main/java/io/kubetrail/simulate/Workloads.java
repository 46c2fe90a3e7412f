package io.kubetrail.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Deployments, ReplicaSets, pods, Services and Endpoints, and the controllers and kubelets that
 * keep them moving: the replicaset controller creating pods by {@code generateName}, the scheduler
 * binding them, kubelets reporting their status with strategic-merge patches and finally deleting
 * them, the endpoints controller following their readiness. This class sets the scene and holds the
 * objects; each job is a class of its own: {@link GitOps}, {@link Controllers}, {@link Kubelets}
 * and {@link Operators}.
 */
final class Workloads {
  static final String KCM = "kube-controller-manager";

  private final Cluster c;
  final List<Node> nodes = new ArrayList<>();
  final List<App> apps = new ArrayList<>();
  final Events events;
  final GitOps gitOps;
  final Controllers controllers;
  final Kubelets kubelets;
  final Operators operators;

  private int nextServiceIp = 20;

  Workloads(Cluster c, int workers) {
    this.c = c;
    long bootTime = c.now - Times.seconds(86_400L * c.rng.between(3, 40));
    nodes.add(Node.boot(c, "cp-1", Cast.CONTROL_PLANE_IP, 0, true, bootTime));
    for (int i = 1; i <= workers; i++) {
      nodes.add(Node.boot(c, "worker-" + i, "10.0.1." + (10 + i), i, false, bootTime));
    }
    events = new Events(c, nodes);
    gitOps = new GitOps(c, this);
    controllers = new Controllers(c, this);
    kubelets = new Kubelets(c, this);
    operators = new Operators(c, this);
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

    c.activity(0.04, kubelets::statusChange);
    c.activity(0.12, kubelets::warningEvent);
    c.activity(0.05, events::repeat);
    c.activity(0.03, operators::deleteRandomPod);
    c.activity(0.01, operators::evictRandomPod);
    c.activity(0.012, operators::scaleRandomApp);
    c.activity(0.02, operators::podLogs);
    for (Node n : nodes) {
      // Kubelets report node status every five minutes when nothing changes.
      c.at(c.now + c.rng.betweenLong(0, Times.seconds(300)), "", () -> n.reportStatus(c));
    }
  }

  String nextServiceIp() {
    int n = nextServiceIp++;
    return "10.96." + (n / 250) + "." + (n % 250 + 2);
  }

  List<Node> workers() {
    return nodes.subList(1, nodes.size());
  }

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

  static void podMetadata(Pod p) {
    App app = p.app;
    p.generateName = app.replicaSetName() + "-";
    p.labels.put("app", app.name);
    p.labels.put("pod-template-hash", app.hash);
    p.owners.add(
        new KObject.OwnerRef("apps/v1", "ReplicaSet", app.replicaSetName(), app.replicaSet.uid));
    p.body.put("spec", p.spec(false));
  }

  static JsonNode podOwnedFields(Pod p) {
    return Json.obj("metadata", p.clientMetadataFields(), "spec", p.spec(false));
  }

  /** Deploys a fresh app into a new namespace: Deployment, Service, then the controllers react. */
  void deployApp(String namespace, String name, String image, int replicas) {
    App app = new App(c.rng, namespace, name, image, "http", 8080, replicas);
    apps.add(app);
    c.after(
        Times.millis(c.rng.between(2_000, 15_000)), namespace, () -> gitOps.applyDeployment(app));
  }

  Optional<Pod> randomRunningPod() {
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
