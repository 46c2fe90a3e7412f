package io.kubetrail.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Nodes, Deployments, ReplicaSets, pods, Services, Endpoints and core Events, and the controllers
 * and kubelets that keep them moving: the replicaset controller creating pods by {@code
 * generateName}, the scheduler binding them, kubelets reporting their status with strategic-merge
 * patches and finally deleting them, the endpoints controller following their readiness.
 */
final class Workloads {
  private static final String KCM = "kube-controller-manager";
  private static final long HOUR = Times.seconds(3600);

  private final Cluster c;
  final List<Node> nodes = new ArrayList<>();
  final List<App> apps = new ArrayList<>();
  private final ArrayDeque<KObject> recentEvents = new ArrayDeque<>();

  /** Warnings of the last ten minutes, which the event correlator may count up. */
  private final ArrayDeque<KObject> recentWarnings = new ArrayDeque<>();

  private int nextServiceIp = 20;

  Workloads(Cluster c, int workers) {
    this.c = c;
    long bootTime = c.now - Times.seconds(86_400L * c.rng.between(3, 40));
    nodes.add(newNode("cp-1", Cast.CONTROL_PLANE_IP, 0, true, bootTime));
    for (int i = 1; i <= workers; i++) {
      nodes.add(newNode("worker-" + i, "10.0.1." + (10 + i), i, false, bootTime));
    }
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
    c.activity(0.05, this::repeatEvent);
    c.activity(0.03, this::deleteRandomPod);
    c.activity(0.01, this::evictRandomPod);
    c.activity(0.012, this::scaleRandomApp);
    c.activity(0.02, this::podLogs);
    for (Node n : nodes) {
      // Kubelets report node status every five minutes when nothing changes.
      c.at(c.now + c.rng.betweenLong(0, Times.seconds(300)), "", () -> nodeStatus(n));
    }
  }

  List<Node> workers() {
    return nodes.subList(1, nodes.size());
  }

  // ---- setting the scene: what exists before the log starts ----

  private Node newNode(String name, String ip, int index, boolean controlPlane, long bootTime) {
    KObject node = new KObject(Kind.NODE, "", name);
    existing(node, bootTime);
    node.labels.put("beta.kubernetes.io/arch", "amd64");
    node.labels.put("beta.kubernetes.io/os", "linux");
    node.labels.put("kubernetes.io/arch", "amd64");
    node.labels.put("kubernetes.io/hostname", name);
    node.labels.put("kubernetes.io/os", "linux");
    if (controlPlane) {
      node.labels.put("node-role.kubernetes.io/control-plane", "");
      node.labels.put("node.kubernetes.io/exclude-from-external-load-balancers", "");
    }
    node.annotations.put(
        "kubeadm.alpha.kubernetes.io/cri-socket", "unix:///var/run/containerd/containerd.sock");
    node.annotations.put("node.alpha.kubernetes.io/ttl", "0");
    node.annotations.put("volumes.kubernetes.io/controller-managed-attach-detach", "true");
    ObjectNode spec =
        Json.obj(
            "podCIDR",
            "10.244." + index + ".0/24",
            "podCIDRs",
            Json.arr("10.244." + index + ".0/24"));
    if (controlPlane) {
      spec.set(
          "taints",
          Json.arr(
              Json.obj("key", "node-role.kubernetes.io/control-plane", "effect", "NoSchedule")));
    }
    node.body.put("spec", spec);
    ObjectNode status = nodeStatusBody(name, ip, bootTime);
    node.body.put("status", status);
    node.manage("kubelet", "Update", "status", bootTime, Json.obj("status", status));
    c.put(node);

    KObject lease = new KObject(Kind.LEASE, "kube-node-lease", name);
    existing(lease, bootTime);
    lease.owners.add(new KObject.OwnerRef("v1", "Node", name, node.uid));
    lease.body.put(
        "spec",
        Json.obj(
            "holderIdentity",
            name,
            "leaseDurationSeconds",
            40,
            "renewTime",
            Times.micro(c.now - Times.seconds(c.rng.between(1, 9)))));
    lease.manage(
        "kubelet",
        "Update",
        "",
        bootTime,
        Json.obj("metadata", lease.clientMetadataFields(), "spec", lease.body.get("spec")));
    c.put(lease);
    return new Node(name, ip, index, controlPlane, c.cast, node, lease);
  }

  private ObjectNode nodeStatusBody(String name, String ip, long bootTime) {
    long heartbeat = c.now - Times.seconds(c.rng.between(1, 290));
    ObjectNode capacity =
        Json.obj(
            "cpu",
            "4",
            "ephemeral-storage",
            "101430960Ki",
            "hugepages-1Gi",
            "0",
            "hugepages-2Mi",
            "0",
            "memory",
            "16318412Ki",
            "pods",
            "110");
    ObjectNode allocatable =
        Json.obj(
            "cpu",
            "4",
            "ephemeral-storage",
            "93478772582",
            "hugepages-1Gi",
            "0",
            "hugepages-2Mi",
            "0",
            "memory",
            "16216012Ki",
            "pods",
            "110");
    ArrayNode conditions =
        Json.arr(
            nodeCondition(
                "MemoryPressure",
                "False",
                heartbeat,
                bootTime,
                "KubeletHasSufficientMemory",
                "kubelet has sufficient memory available"),
            nodeCondition(
                "DiskPressure",
                "False",
                heartbeat,
                bootTime,
                "KubeletHasNoDiskPressure",
                "kubelet has no disk pressure"),
            nodeCondition(
                "PIDPressure",
                "False",
                heartbeat,
                bootTime,
                "KubeletHasSufficientPID",
                "kubelet has sufficient PID available"),
            nodeCondition(
                "Ready",
                "True",
                heartbeat,
                bootTime,
                "KubeletReady",
                "kubelet is posting ready status"));
    return Json.obj(
        "capacity",
        capacity,
        "allocatable",
        allocatable,
        "conditions",
        conditions,
        "addresses",
        Json.arr(
            Json.obj("type", "InternalIP", "address", ip),
            Json.obj("type", "Hostname", "address", name)),
        "daemonEndpoints",
        Json.obj("kubeletEndpoint", Json.obj("Port", 10250)),
        "nodeInfo",
        Json.obj(
            "machineID", c.rng.hex(32),
            "systemUUID", c.rng.uuid(),
            "bootID", c.rng.uuid(),
            "kernelVersion", "6.8.0-1019-aws",
            "osImage", "Ubuntu 24.04.1 LTS",
            "containerRuntimeVersion", "containerd://1.7.24",
            "kubeletVersion", Cast.KUBE_VERSION,
            "kubeProxyVersion", "",
            "operatingSystem", "linux",
            "architecture", "amd64"));
  }

  private static ObjectNode nodeCondition(
      String type, String status, long heartbeat, long transition, String reason, String message) {
    return Json.obj(
        "type", type,
        "status", status,
        "lastHeartbeatTime", Times.second(heartbeat),
        "lastTransitionTime", Times.second(transition),
        "reason", reason,
        "message", message);
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
    app.deployment = deployment(app);
    existing(app.deployment, created);
    app.deployment.generation = 1;
    app.deployment.manage("argocd-controller", "Apply", "", created, appliedDeployment(app));
    app.replicaSet = replicaSet(app);
    existing(app.replicaSet, created);
    app.replicaSet.generation = 1;
    app.replicaSet.manage(KCM, "Update", "", created, rsOwnedFields(app));
    app.service = service(app);
    existing(app.service, created);
    app.service.manage(
        "argocd-controller",
        "Apply",
        "",
        created,
        Json.obj(
            "metadata", app.service.clientMetadataFields(), "spec", app.service.body.get("spec")));
    app.endpoints = endpointsObject(app);
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
    app.endpoints.body.put("subsets", desiredSubsets(app));
    app.endpoints.annotations.put(
        "endpoints.kubernetes.io/last-change-trigger-time",
        Times.second(created + Times.seconds(700)));
    app.endpoints.manage(KCM, "Update", "", created, endpointsOwnedFields(app.endpoints));
    app.replicaSet.body.put("status", rsStatus(app));
    app.replicaSet.manage(KCM, "Update", "status", created, Json.obj("status", rsStatus(app)));
    app.deployment.body.put("status", deploymentStatus(app));
    app.deployment.manage(
        KCM, "Update", "status", created, Json.obj("status", deploymentStatus(app)));
    c.put(app.deployment);
    c.put(app.replicaSet);
    c.put(app.service);
    c.put(app.endpoints);
    apps.add(app);
  }

  // ---- object bodies ----

  private KObject deployment(App app) {
    KObject d = new KObject(Kind.DEPLOYMENT, app.namespace, app.name);
    d.labels.put("app", app.name);
    d.annotations.put("deployment.kubernetes.io/revision", "1");
    d.body.put("spec", deploymentSpec(app));
    return d;
  }

  private static ObjectNode deploymentSpec(App app) {
    return Json.obj(
        "replicas",
        app.replicas,
        "selector",
        Json.obj("matchLabels", app.selector()),
        "template",
        app.template(false),
        "strategy",
        Json.obj(
            "type",
            "RollingUpdate",
            "rollingUpdate",
            Json.obj("maxUnavailable", "25%", "maxSurge", "25%")),
        "revisionHistoryLimit",
        10,
        "progressDeadlineSeconds",
        600);
  }

  /** What the GitOps controller applies: labels and the desired spec. */
  private static JsonNode appliedDeployment(App app) {
    return Json.obj(
        "metadata", Json.obj("labels", Json.obj("app", app.name)),
        "spec",
            Json.obj(
                "replicas",
                app.replicas,
                "selector",
                Json.obj("matchLabels", app.selector()),
                "template",
                app.template(false)));
  }

  private ObjectNode deploymentStatus(App app) {
    int live = app.livePods().size();
    int ready = readyCount(app);
    ObjectNode s =
        Json.obj(
            "observedGeneration",
            app.deployment.generation,
            "replicas",
            live,
            "updatedReplicas",
            live);
    if (ready > 0) {
      s.put("readyReplicas", ready);
      s.put("availableReplicas", ready);
    }
    if (live > ready) {
      s.put("unavailableReplicas", live - ready);
    }
    boolean available = ready >= app.replicas - app.replicas / 4;
    long since = app.deployment.created;
    s.set(
        "conditions",
        Json.arr(
            Json.obj(
                "type",
                "Available",
                "status",
                available ? "True" : "False",
                "lastUpdateTime",
                Times.second(since),
                "lastTransitionTime",
                Times.second(since),
                "reason",
                available ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                "message",
                available
                    ? "Deployment has minimum availability."
                    : "Deployment does not have minimum availability."),
            Json.obj(
                "type",
                "Progressing",
                "status",
                "True",
                "lastUpdateTime",
                Times.second(since),
                "lastTransitionTime",
                Times.second(since),
                "reason",
                "NewReplicaSetAvailable",
                "message",
                "ReplicaSet \"" + app.replicaSetName() + "\" has successfully progressed.")));
    return s;
  }

  private KObject replicaSet(App app) {
    KObject rs = new KObject(Kind.REPLICA_SET, app.namespace, app.replicaSetName());
    rs.labels.put("app", app.name);
    rs.labels.put("pod-template-hash", app.hash);
    rsAnnotations(app, rs);
    rs.owners.add(
        new KObject.OwnerRef(
            "apps/v1",
            "Deployment",
            app.name,
            app.deployment.uid.isEmpty() ? "" : app.deployment.uid));
    rs.body.put("spec", rsSpec(app));
    return rs;
  }

  private static void rsAnnotations(App app, KObject rs) {
    rs.annotations.put("deployment.kubernetes.io/desired-replicas", Integer.toString(app.replicas));
    rs.annotations.put(
        "deployment.kubernetes.io/max-replicas",
        Integer.toString(app.replicas + (app.replicas + 3) / 4));
    rs.annotations.put("deployment.kubernetes.io/revision", "1");
  }

  private static ObjectNode rsSpec(App app) {
    ObjectNode selector = app.selector();
    selector.put("pod-template-hash", app.hash);
    return Json.obj(
        "replicas",
        app.replicas,
        "selector",
        Json.obj("matchLabels", selector),
        "template",
        app.template(true));
  }

  private static JsonNode rsOwnedFields(App app) {
    KObject rs = app.replicaSet;
    return Json.obj("metadata", rs.clientMetadataFields(), "spec", rs.body.get("spec"));
  }

  private ObjectNode rsStatus(App app) {
    int live = app.livePods().size();
    int ready = readyCount(app);
    ObjectNode s = Json.obj("replicas", live);
    if (live > 0) {
      s.put("fullyLabeledReplicas", live);
    }
    if (ready > 0) {
      s.put("readyReplicas", ready);
      s.put("availableReplicas", ready);
    }
    s.put("observedGeneration", app.replicaSet.generation);
    return s;
  }

  private static int readyCount(App app) {
    int ready = 0;
    for (Pod p : app.livePods()) {
      if (p.phase == Pod.Phase.RUNNING && p.ready) {
        ready++;
      }
    }
    return ready;
  }

  private KObject service(App app) {
    KObject s = new KObject(Kind.SERVICE, app.namespace, app.name);
    s.labels.put("app", app.name);
    String ip = "10.96." + (nextServiceIp / 250) + "." + (nextServiceIp % 250 + 2);
    nextServiceIp++;
    s.body.put(
        "spec",
        Json.obj(
            "ports",
            Json.arr(
                Json.obj(
                    "name", app.portName, "protocol", "TCP", "port", 80, "targetPort", app.port)),
            "selector",
            app.selector(),
            "clusterIP",
            ip,
            "clusterIPs",
            Json.arr(ip),
            "type",
            "ClusterIP",
            "sessionAffinity",
            "None",
            "ipFamilies",
            Json.arr("IPv4"),
            "ipFamilyPolicy",
            "SingleStack",
            "internalTrafficPolicy",
            "Cluster"));
    s.body.put("status", Json.obj("loadBalancer", Json.obj()));
    return s;
  }

  private static KObject endpointsObject(App app) {
    KObject e = new KObject(Kind.ENDPOINTS, app.namespace, app.name);
    e.labels.put("app", app.name);
    return e;
  }

  private static JsonNode endpointsOwnedFields(KObject e) {
    ObjectNode owned = Json.obj("metadata", e.clientMetadataFields());
    JsonNode subsets = e.body.get("subsets");
    if (subsets != null) {
      owned.set("subsets", subsets);
    }
    return owned;
  }

  /** The Endpoints subsets the controller wants; empty when no pod has an address. */
  private static ArrayNode desiredSubsets(App app) {
    ArrayNode ready = Json.arr();
    ArrayNode notReady = Json.arr();
    for (Pod p : app.livePods()) {
      if (p.phase != Pod.Phase.RUNNING) {
        continue;
      }
      ObjectNode address =
          Json.obj(
              "ip", p.ip,
              "nodeName", p.node.name,
              "targetRef",
                  Json.obj("kind", "Pod", "namespace", p.namespace, "name", p.name, "uid", p.uid));
      (p.ready ? ready : notReady).add(address);
    }
    ArrayNode subsets = Json.arr();
    if (ready.size() + notReady.size() > 0) {
      ObjectNode subset = Json.obj();
      if (ready.size() > 0) {
        subset.set("addresses", ready);
      }
      if (notReady.size() > 0) {
        subset.set("notReadyAddresses", notReady);
      }
      subset.set(
          "ports", Json.arr(Json.obj("name", app.portName, "port", app.port, "protocol", "TCP")));
      subsets.add(subset);
    }
    return subsets;
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

  private boolean applyDeployment(App app) {
    KObject d = deployment(app);
    d.annotations.clear();
    app.deployment = d;
    String body = Json.write(Json.sorted(manifest(d, appliedDeployment(app))));
    d.uid = c.newUid();
    d.resourceVersion = c.nextResourceVersion();
    d.created = c.now;
    d.generation = 1;
    d.manage("argocd-controller", "Apply", "", c.now, appliedDeployment(app));
    d.body.put("status", Json.obj());
    ApiCall call =
        ApiCall.resource(
            c.cast.ciDeployer,
            "patch",
            Cluster.uri(d.path(), "fieldManager", "argocd-controller", "force", "true"),
            ObjRef.to(d, ""));
    call.requestObject = body;
    // An apply to a missing object creates it.
    call.respond(201, d);
    c.send(call);
    c.put(d);
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
    app.replicaSet = replicaSet(app);
    app.replicaSet.owners.set(
        0, new KObject.OwnerRef("apps/v1", "Deployment", app.name, app.deployment.uid));
    app.replicaSet.generation = 1;
    app.replicaSet.body.put("status", Json.obj("replicas", 0));
    c.create(c.cast.controller("deployment-controller"), app.replicaSet, KCM, rsOwnedFields(app));
    c.after(
        Times.millis(c.rng.between(1, 5)),
        app.namespace,
        () ->
            event(
                c.cast.controller("deployment-controller"),
                "deployment-controller",
                null,
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
    app.service = service(app);
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
    s.uid = c.newUid();
    s.resourceVersion = c.nextResourceVersion();
    s.created = c.now;
    s.manage("argocd-controller", "Apply", "", c.now, applied);
    ApiCall call =
        ApiCall.resource(
            c.cast.ciDeployer,
            "patch",
            Cluster.uri(s.path(), "fieldManager", "argocd-controller", "force", "true"),
            ObjRef.to(s, ""));
    call.requestObject = body;
    call.respond(201, s);
    c.send(call);
    c.put(s);
    c.after(Times.millis(c.rng.between(5, 50)), app.namespace, () -> createEndpoints(app));
    return true;
  }

  private boolean createEndpoints(App app) {
    app.endpoints = endpointsObject(app);
    ArrayNode subsets = desiredSubsets(app);
    if (subsets.size() > 0) {
      app.endpoints.body.put("subsets", subsets);
    }
    c.create(
        c.cast.controller("endpoint-controller"),
        app.endpoints,
        KCM,
        endpointsOwnedFields(app.endpoints));
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
            event(
                rsController,
                "replicaset-controller",
                null,
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
            event(
                c.cast.scheduler,
                "default-scheduler",
                null,
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
            event(
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
            event(
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
            event(
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

  private boolean nodeStatus(Node n) {
    c.at(
        c.now + Times.seconds(300) + Times.millis(c.rng.between(-2_000, 2_000)),
        "",
        () -> nodeStatus(n));
    KObject node = n.object;
    ObjectNode status = (ObjectNode) node.body.get("status");
    ArrayNode conditions = (ArrayNode) status.get("conditions");
    ArrayNode order = Json.arr();
    ArrayNode changed = Json.arr();
    for (JsonNode cond : conditions) {
      ((ObjectNode) cond).put("lastHeartbeatTime", Times.second(c.now));
      order.add(Json.obj("type", cond.path("type").asText()));
      changed.add(
          Json.obj("lastHeartbeatTime", Times.second(c.now), "type", cond.path("type").asText()));
    }
    String patch =
        Json.write(
            Json.obj(
                "status", Json.obj("$setElementOrder/conditions", order, "conditions", changed)));
    c.patch(n.kubelet, node, "status", patch, "kubelet", "Update", Json.obj("status", status));
    return true;
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
            event(
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
    d.body.put("spec", deploymentSpec(app));
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
    rsAnnotations(app, rs);
    rs.body.put("spec", rsSpec(app));
    Actor controller = c.cast.controller("deployment-controller");
    c.update(controller, rs, "", KCM, rsOwnedFields(app));
    String verb = app.livePods().size() < app.replicas ? "up" : "down";
    c.after(
        Times.millis(c.rng.between(1, 5)),
        app.namespace,
        () ->
            event(
                controller,
                "deployment-controller",
                null,
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
    ArrayNode desired = desiredSubsets(app);
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
    c.update(c.cast.controller("endpoint-controller"), e, "", KCM, endpointsOwnedFields(e));
    return true;
  }

  private boolean syncReplicaSetStatus(App app) {
    KObject rs = app.replicaSet;
    if (!c.isActive(app.namespace) || rs.uid.isEmpty()) {
      return false;
    }
    ObjectNode status = rsStatus(app);
    if (status.equals(rs.body.get("status"))) {
      return false;
    }
    rs.body.put("status", status);
    c.update(
        c.cast.controller("replicaset-controller"), rs, "status", KCM, Json.obj("status", status));
    return true;
  }

  private boolean syncDeploymentStatus(App app) {
    KObject d = app.deployment;
    if (!c.isActive(app.namespace) || d.uid.isEmpty()) {
      return false;
    }
    ObjectNode status = deploymentStatus(app);
    if (status.equals(d.body.get("status"))) {
      return false;
    }
    d.body.put("status", status);
    c.update(
        c.cast.controller("deployment-controller"), d, "status", KCM, Json.obj("status", status));
    return true;
  }

  // ---- core events ----

  /** Creates a core/v1 Event about {@code about}; {@code host} is null for controllers. */
  boolean event(
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
        host == null
            ? Json.obj("component", component)
            : Json.obj("component", component, "host", host));
    e.body.put("firstTimestamp", Json.value(Times.second(c.now)));
    e.body.put("lastTimestamp", Json.value(Times.second(c.now)));
    e.body.put("count", Json.value(1));
    e.body.put("type", Json.value(type));
    e.body.put("eventTime", Json.value(null));
    e.body.put("reportingComponent", Json.value(component));
    e.body.put("reportingInstance", Json.value(host == null ? "" : host));
    ObjectNode owned = Json.obj();
    e.body.forEach(
        (k, v) -> {
          if (!v.isNull()) {
            owned.set(k, v);
          }
        });
    String manager =
        host != null ? "kubelet" : component.equals("default-scheduler") ? "kube-scheduler" : KCM;
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

  private boolean warningEvent() {
    Optional<Pod> pick = randomRunningPod();
    if (pick.isEmpty()) {
      return false;
    }
    Pod p = pick.get();
    String field = "spec.containers{" + p.app.name + "}";
    if (c.rng.chance(0.7)) {
      return event(
          p.node.kubelet,
          "kubelet",
          p.node.name,
          p,
          field,
          "Warning",
          "Unhealthy",
          "Readiness probe failed: HTTP probe failed with statuscode: " + c.rng.pickOf(500, 503));
    }
    return event(
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

  /** The event correlator counts a repeated event up instead of creating a new one. */
  private boolean repeatEvent() {
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
