package io.kubetrail.simulate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The steady hum of a cluster: health probes, lease renewals, informers' watches that time out and
 * restart, and people and agents reading things.
 */
final class Background {
  /** An informer's watch: who watches what, restarted whenever the server ends it. */
  private record Informer(Actor actor, String path, ObjRef ref, String[] selectors) {}

  private final Cluster c;
  private final Workloads workloads;
  private final long boot;

  Background(Cluster c, Workloads workloads) {
    this.c = c;
    this.workloads = workloads;
    this.boot = c.now - Times.seconds(86_400L * c.rng.between(1, 20));
    // kubeadm's kube-apiserver static pod: readiness every second, liveness every ten.
    periodic(Times.seconds(1), () -> probe(c.cast.readinessProbe, "/readyz"));
    periodic(Times.seconds(10), () -> probe(c.cast.readinessProbe, "/livez"));
    periodic(Times.seconds(5), () -> probe(c.cast.loadBalancerProbe, "/healthz"));
    for (Node n : workloads.nodes) {
      c.at(c.now + c.rng.betweenLong(1, Times.seconds(10)), "", () -> renewNodeLease(n));
    }
    KObject kcmLease = leaderLease("kube-controller-manager");
    KObject schedulerLease = leaderLease("kube-scheduler");
    c.at(
        c.now + c.rng.betweenLong(1, Times.seconds(2)),
        "",
        () -> renewLeaderLease(kcmLease, c.cast.controllerManager, "kube-controller-manager"));
    c.at(
        c.now + c.rng.betweenLong(1, Times.seconds(2)),
        "",
        () -> renewLeaderLease(schedulerLease, c.cast.schedulerElection, "kube-scheduler"));
    for (Informer informer : informers()) {
      c.at(c.now + c.rng.betweenLong(1, Times.seconds(600)), "", () -> watch(informer));
    }
    c.activity(1.2, this::userRead);
    c.activity(2.5, this::agentRead);
    c.activity(0.06, this::discovery);
    c.activity(0.02, this::kubectlWatch);
  }

  private void periodic(long every, Cluster.Action action) {
    c.at(c.now + c.rng.betweenLong(1, every), "", () -> repeat(every, action));
  }

  private boolean repeat(long every, Cluster.Action action) {
    // Probes drift by a few milliseconds each period, as kubelet's timers do.
    c.at(c.now + every + Times.millis(c.rng.between(-3, 3)), "", () -> repeat(every, action));
    return action.run();
  }

  private boolean probe(Actor actor, String path) {
    c.send(ApiCall.nonResource(actor, path));
    return true;
  }

  // ---- leases ----

  private boolean renewNodeLease(Node n) {
    c.at(
        c.now + Times.seconds(10) + Times.millis(c.rng.between(-20, 20)),
        "",
        () -> renewNodeLease(n));
    KObject lease = n.lease;
    ObjectNode spec = (ObjectNode) lease.body.get("spec");
    spec.put("renewTime", Times.micro(c.now));
    c.update(n.kubelet, lease, "", "kubelet", ownedLease(lease), "timeout", "10s");
    return true;
  }

  private KObject leaderLease(String name) {
    KObject lease = new KObject(Kind.LEASE, "kube-system", name);
    lease.uid = c.newUid();
    lease.resourceVersion = c.nextResourceVersion();
    lease.created = boot;
    lease.body.put(
        "spec",
        Json.obj(
            "holderIdentity", "cp-1_" + c.rng.uuid(),
            "leaseDurationSeconds", 15,
            "acquireTime", Times.micro(boot + Times.seconds(c.rng.between(5, 60))),
            "renewTime", Times.micro(c.now - Times.millis(c.rng.between(100, 1900))),
            "leaseTransitions", c.rng.between(0, 4)));
    lease.manage(name, "Update", "", boot, ownedLease(lease));
    c.put(lease);
    return lease;
  }

  private boolean renewLeaderLease(KObject lease, Actor actor, String manager) {
    c.at(
        c.now + Times.seconds(2) + Times.millis(c.rng.between(0, 30)),
        "",
        () -> renewLeaderLease(lease, actor, manager));
    ((ObjectNode) lease.body.get("spec")).put("renewTime", Times.micro(c.now));
    c.update(actor, lease, "", manager, ownedLease(lease), "timeout", "5s");
    return true;
  }

  private static ObjectNode ownedLease(KObject lease) {
    ObjectNode owned = Json.obj("spec", lease.body.get("spec"));
    if (!lease.owners.isEmpty()) {
      owned.set("metadata", lease.clientMetadataFields());
    }
    return owned;
  }

  // ---- watches ----

  private List<Informer> informers() {
    List<Informer> out = new ArrayList<>();
    Actor kcm =
        c.cast.controllerManager.withUserAgent(
            Cast.component("kube-controller-manager", "shared-informers"));
    for (Kind k :
        List.of(
            Kind.POD,
            Kind.NAMESPACE,
            Kind.REPLICA_SET,
            Kind.DEPLOYMENT,
            Kind.ENDPOINTS,
            Kind.SERVICE,
            Kind.SERVICE_ACCOUNT,
            Kind.CONFIG_MAP)) {
      out.add(clusterWide(kcm, k));
    }
    out.add(clusterWide(c.cast.scheduler, Kind.NODE));
    out.add(clusterWide(c.cast.scheduler, Kind.NAMESPACE));
    out.add(
        new Informer(
            c.cast.scheduler,
            Kind.POD.collectionPath(""),
            ObjRef.of(Kind.POD, "", ""),
            new String[] {
              "fieldSelector", "status.phase%21%3DSucceeded%2Cstatus.phase%21%3DFailed"
            }));
    ObjRef slices = new ObjRef("endpointslices", "", "", "", "discovery.k8s.io", "v1", "", "");
    String slicesPath = "/apis/discovery.k8s.io/v1/endpointslices";
    for (Node n : workloads.nodes) {
      out.add(
          new Informer(
              n.kubelet,
              Kind.POD.collectionPath(""),
              ObjRef.of(Kind.POD, "", ""),
              new String[] {"fieldSelector", "spec.nodeName%3D" + n.name}));
      out.add(
          new Informer(
              n.kubelet,
              Kind.NODE.collectionPath(""),
              ObjRef.of(Kind.NODE, "", n.name),
              new String[] {"fieldSelector", "metadata.name%3D" + n.name}));
      out.add(clusterWide(n.kubelet, Kind.SERVICE));
      String proxySelector =
          "%21service.kubernetes.io%2Fheadless%2C%21service.kubernetes.io%2Fservice-proxy-name";
      out.add(
          new Informer(
              n.kubeProxy, slicesPath, slices, new String[] {"labelSelector", proxySelector}));
      out.add(
          new Informer(
              n.kubeProxy,
              Kind.SERVICE.collectionPath(""),
              ObjRef.of(Kind.SERVICE, "", ""),
              new String[] {"labelSelector", proxySelector}));
      Actor cilium = ciliumAgent(n);
      out.add(clusterWide(cilium, Kind.NETWORK_POLICY));
      out.add(clusterWide(cilium, Kind.NAMESPACE));
    }
    out.add(clusterWide(c.cast.coredns, Kind.NAMESPACE));
    out.add(clusterWide(c.cast.coredns, Kind.SERVICE));
    out.add(new Informer(c.cast.coredns, slicesPath, slices, new String[0]));
    out.add(clusterWide(c.cast.prometheus, Kind.POD));
    out.add(clusterWide(c.cast.prometheus, Kind.ENDPOINTS));
    out.add(clusterWide(c.cast.prometheus, Kind.SERVICE));
    return out;
  }

  private Actor ciliumAgent(Node n) {
    return new Actor(
        "system:serviceaccount:kube-system:cilium",
        "0f3c2a1e-5b7d-4e8f-9a6b-1c2d3e4f5a6b",
        List.of(
            "system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"),
        java.util.Map.of("authentication.kubernetes.io/node-name", List.of(n.name)),
        "cilium-agent/1.16.5",
        n.ip,
        "RBAC: allowed by ClusterRoleBinding \"cilium\" of ClusterRole \"cilium\" to ServiceAccount \"cilium/kube-system\"");
  }

  private static Informer clusterWide(Actor actor, Kind kind) {
    return new Informer(actor, kind.collectionPath(""), ObjRef.of(kind, "", ""), new String[0]);
  }

  private boolean watch(Informer informer) {
    int timeout = c.rng.between(300, 599);
    List<String> query = new ArrayList<>(List.of(informer.selectors()));
    query.addAll(
        List.of(
            "allowWatchBookmarks",
            "true",
            "resourceVersion",
            Long.toString(c.currentResourceVersion() - c.rng.between(0, 40)),
            "timeout",
            (timeout / 60) + "m" + (timeout % 60) + "s",
            "timeoutSeconds",
            Integer.toString(timeout),
            "watch",
            "true"));
    ApiCall call =
        ApiCall.resource(
            informer.actor(),
            "watch",
            Cluster.uri(informer.path(), query.toArray(new String[0])),
            informer.ref());
    call.longRunningFor = Times.seconds(timeout) + Times.millis(c.rng.between(0, 40));
    call.completesLater = true;
    c.send(call);
    c.at(
        c.now + call.longRunningFor + Times.millis(c.rng.between(1, 60)),
        "",
        () -> watch(informer));
    return true;
  }

  private boolean kubectlWatch() {
    Actor actor = c.rng.chance(0.5) ? c.cast.alice : c.cast.admin;
    String namespace = c.rng.pick(namespacesFor(actor));
    ApiCall call =
        ApiCall.resource(
            actor,
            "watch",
            Cluster.uri(
                Kind.POD.collectionPath(namespace),
                "resourceVersion",
                Long.toString(c.currentResourceVersion()),
                "watch",
                "true"),
            ObjRef.of(Kind.POD, namespace, ""));
    call.longRunningFor = Times.seconds(c.rng.between(5, 120));
    call.completesLater = true;
    c.send(call);
    return true;
  }

  // ---- reads ----

  private static final List<Kind> USER_KINDS =
      List.of(
          Kind.POD,
          Kind.POD,
          Kind.DEPLOYMENT,
          Kind.SERVICE,
          Kind.NETWORK_POLICY,
          Kind.NETWORK_POLICY,
          Kind.EVENT,
          Kind.CONFIG_MAP,
          Kind.REPLICA_SET);

  private boolean userRead() {
    double r = c.rng.nextDouble();
    Actor actor = r < 0.4 ? c.cast.alice : r < 0.75 ? c.cast.bob : c.cast.admin;
    String namespace = c.rng.pick(namespacesFor(actor));
    if (actor == c.cast.bob && c.rng.chance(0.08)) {
      // Auditors may look at everything but secrets.
      ApiCall call =
          ApiCall.resource(
              actor,
              "list",
              Cluster.uri(Kind.SECRET.collectionPath(namespace), "limit", "500"),
              ObjRef.of(Kind.SECRET, namespace, ""));
      call.forbidden(Kind.SECRET, "", namespace, "");
      c.send(call);
      return true;
    }
    Kind kind = c.rng.pick(USER_KINDS);
    // Events are listed, never fetched one by one.
    List<KObject> objects = kind == Kind.EVENT ? List.of() : c.in(kind, namespace);
    if (objects.isEmpty() || c.rng.chance(0.45)) {
      ApiCall call =
          ApiCall.resource(
              actor,
              "list",
              Cluster.uri(kind.collectionPath(namespace), "limit", "500"),
              ObjRef.of(kind, namespace, ""));
      c.send(call);
      return true;
    }
    if (c.rng.chance(0.06)) {
      // A typo, or something already gone.
      String name = c.rng.pick(objects).name + "-" + c.rng.pickOf("old", "v2", "test");
      ApiCall call =
          ApiCall.resource(
              actor, "get", kind.objectPath(namespace, name), ObjRef.of(kind, namespace, name));
      call.respond(404, ApiStatus.notFound(kind, name));
      c.send(call);
      return true;
    }
    KObject o = c.rng.pick(objects);
    c.send(ApiCall.resource(actor, "get", o.path(), ObjRef.to(o, "")));
    return true;
  }

  /** Where someone looks: developers only have RoleBindings in application namespaces. */
  private List<String> namespacesFor(Actor actor) {
    List<String> namespaces = c.activeNamespaces();
    if (actor == c.cast.alice) {
      namespaces.removeIf(ns -> ns.startsWith("kube-") || ns.equals("default"));
    }
    return namespaces;
  }

  private boolean agentRead() {
    double r = c.rng.nextDouble();
    if (r < 0.5) {
      // Kubelets read their own node before reporting status.
      Node n = c.rng.pick(workloads.nodes);
      c.send(
          ApiCall.resource(
              n.kubelet,
              "get",
              Cluster.uri(n.object.path(), "resourceVersion", "0", "timeout", "10s"),
              ObjRef.to(n.object, "")));
      return true;
    }
    if (r < 0.8) {
      App app = c.rng.pick(workloads.apps);
      if (app.pods.isEmpty()) {
        return false;
      }
      Pod p = c.rng.pick(app.pods);
      if (p.node == null) {
        return false;
      }
      c.send(ApiCall.resource(p.node.kubelet, "get", p.path(), ObjRef.to(p, "")));
      return true;
    }
    // Prometheus service discovery relisting.
    Kind kind = c.rng.pickOf(Kind.POD, Kind.ENDPOINTS, Kind.SERVICE);
    c.send(
        ApiCall.resource(
            c.cast.prometheus,
            "list",
            Cluster.uri(kind.collectionPath(""), "limit", "500", "resourceVersion", "0"),
            ObjRef.of(kind, "", "")));
    return true;
  }

  private boolean discovery() {
    Actor actor = c.rng.pickOf(c.cast.alice, c.cast.bob, c.cast.admin);
    String path = c.rng.pickOf("/api", "/apis", "/version", "/openapi/v3");
    c.send(ApiCall.nonResource(actor, Cluster.uri(path, "timeout", "32s")));
    return true;
  }
}
