package io.kubetrail.simulate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Namespaces and service accounts: preview namespaces created and deleted by people and the GitOps
 * controller, the controllers that fill a new namespace, and the namespace controller emptying a
 * deleted one ({@code deletecollection} per resource) before removing it.
 */
final class Namespaces {
  private static final List<String> SYSTEM =
      List.of("default", "kube-node-lease", "kube-public", "kube-system");
  private static final List<String> APPS = List.of("ci", "monitoring", "payments", "shop");
  private static final int MAX_PREVIEWS = 4;

  /** What the namespace controller empties with deletecollection, in discovery order. */
  private static final List<Kind> COLLECTIONS =
      List.of(
          Kind.CONFIG_MAP,
          Kind.ENDPOINTS,
          Kind.EVENT,
          Kind.POD,
          Kind.SECRET,
          Kind.SERVICE_ACCOUNT,
          Kind.DEPLOYMENT,
          Kind.REPLICA_SET,
          Kind.LEASE,
          Kind.NETWORK_POLICY);

  private static final List<String> ACCOUNT_NAMES =
      List.of("builder", "reporter", "batch-runner", "metrics-reader", "backup");

  private final Cluster c;
  private Workloads workloads;
  private NetworkPolicies policies;
  private final List<String> previews = new ArrayList<>();
  private int nextPreview;

  Namespaces(Cluster c) {
    this.c = c;
    long created = c.now - Times.seconds(86_400L * 60);
    for (String name : SYSTEM) {
      existing(name, created);
    }
    for (String name : APPS) {
      existing(name, created + Times.seconds(c.rng.between(600, 86_400)));
    }
    nextPreview = 1000 + c.rng.nextInt(8000);
  }

  void start(Workloads w, NetworkPolicies p) {
    this.workloads = w;
    this.policies = p;
    c.activity(0.003, this::createPreview);
    c.activity(0.0025, this::deletePreview);
    c.activity(0.02, this::serviceAccountChange);
  }

  private void existing(String name, long created) {
    KObject ns = namespace(name);
    ns.uid = c.newUid();
    ns.resourceVersion = c.nextResourceVersion();
    ns.created = created;
    ns.body.put("status", Json.obj("phase", "Active"));
    c.put(ns);
    KObject sa = new KObject(Kind.SERVICE_ACCOUNT, name, "default");
    sa.uid = c.newUid();
    sa.resourceVersion = c.nextResourceVersion();
    sa.created = created;
    c.put(sa);
  }

  private static KObject namespace(String name) {
    KObject ns = new KObject(Kind.NAMESPACE, "", name);
    ns.labels.put("kubernetes.io/metadata.name", name);
    ns.body.put("spec", Json.obj("finalizers", Json.arr("kubernetes")));
    return ns;
  }

  // ---- a preview environment comes up ----

  private boolean createPreview() {
    if (previews.size() >= MAX_PREVIEWS) {
      return false;
    }
    String name = "preview-pr-" + nextPreview++;
    KObject ns = namespace(name);
    ns.labels.put("env", "preview");
    ns.labels.put("team", "storefront");
    boolean byHand = c.rng.chance(0.3);
    Actor actor = byHand ? c.cast.admin : c.cast.ciDeployer;
    ns.body.put("status", Json.obj("phase", "Active"));
    ObjectNode owned = Json.obj("metadata", Json.obj("labels", Json.strings(ns.labels)));
    if (byHand) {
      c.create(
          actor,
          ns,
          "kubectl-create",
          owned,
          "fieldManager",
          "kubectl-create",
          "fieldValidation",
          "Strict");
    } else {
      c.create(actor, ns, "argocd-controller", owned);
    }
    previews.add(name);
    c.after(Times.millis(c.rng.between(2, 12)), name, () -> defaultAccount(name));
    c.after(Times.millis(c.rng.between(2, 12)), name, () -> rootCaConfigMap(name));
    workloads.deployApp(
        name,
        "web",
        "ghcr.io/example/storefront:pr-" + name.substring(name.lastIndexOf('-') + 1),
        c.rng.between(1, 3));
    policies.deployDefaults(name);
    return true;
  }

  private boolean defaultAccount(String namespace) {
    KObject sa = new KObject(Kind.SERVICE_ACCOUNT, namespace, "default");
    c.create(
        c.cast.controller("service-account-controller"), sa, "kube-controller-manager", Json.obj());
    return true;
  }

  private boolean rootCaConfigMap(String namespace) {
    KObject cm = new KObject(Kind.CONFIG_MAP, namespace, "kube-root-ca.crt");
    cm.annotations.put(
        "kubernetes.io/description",
        "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.");
    cm.body.put("data", Json.obj("ca.crt", caBundle()));
    c.create(
        c.cast.controller("root-ca-cert-publisher"),
        cm,
        "kube-controller-manager",
        Json.obj(
            "data",
            Json.obj("ca.crt", ""),
            "metadata",
            Json.obj("annotations", Json.strings(cm.annotations))));
    return true;
  }

  private String caBundle() {
    StringBuilder pem = new StringBuilder("-----BEGIN CERTIFICATE-----\n");
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    // The cluster CA never changes: derive it from a fixed stream, not the simulation's.
    Rng ca = new Rng(0x6b756265L);
    pem.append("MIIDBTCCAe2gAwIBAgII");
    for (int line = 0; line < 16; line++) {
      int width = line == 0 ? 44 : 64;
      for (int i = 0; i < width; i++) {
        pem.append(alphabet.charAt(ca.nextInt(64)));
      }
      pem.append('\n');
    }
    return pem.append("-----END CERTIFICATE-----\n").toString();
  }

  // ---- and goes away ----

  private boolean deletePreview() {
    List<String> old = new ArrayList<>();
    for (String name : previews) {
      KObject ns = c.find(Kind.NAMESPACE, "", name).orElseThrow();
      if (ns.created < c.now - Times.seconds(180)) {
        old.add(name);
      }
    }
    if (old.isEmpty()) {
      return false;
    }
    String name = c.rng.pick(old);
    previews.remove(name);
    KObject ns = c.find(Kind.NAMESPACE, "", name).orElseThrow();
    Actor actor = c.rng.chance(0.3) ? c.cast.admin : c.cast.ciDeployer;
    ns.deletion = c.now;
    ns.resourceVersion = c.nextResourceVersion();
    ns.body.put("status", Json.obj("phase", "Terminating"));
    ApiCall call = ApiCall.resource(actor, "delete", ns.path(), ObjRef.to(ns, ""));
    call.requestObject = Cluster.deleteOptions(Kind.NAMESPACE, "propagationPolicy", "Background");
    call.respond(200, ns);
    c.send(call);
    c.markTerminating(name);
    c.after(Times.millis(c.rng.between(40, 200)), "", () -> emptyNamespace(ns, 0));
    return true;
  }

  /**
   * One call of the namespace controller emptying a terminating namespace: deletecollection for
   * each resource in turn, then the services one by one; once the kubelets have removed the last
   * pods, the namespace itself. Each call waits for the one before.
   */
  private boolean emptyNamespace(KObject ns, int next) {
    String name = ns.name;
    ApiCall call;
    if (next < COLLECTIONS.size()) {
      call = deleteCollection(name, COLLECTIONS.get(next));
    } else if (!c.in(Kind.SERVICE, name).isEmpty()) {
      call = deleteService(c.in(Kind.SERVICE, name).get(0));
    } else if (!c.in(Kind.POD, name).isEmpty()) {
      // Pods take their grace period; the controller checks again later.
      c.after(Times.millis(c.rng.between(1_000, 5_000)), "", () -> emptyNamespace(ns, next));
      return false;
    } else {
      finalDelete(ns);
      return true;
    }
    c.after(
        call.latency + Times.millis(c.rng.between(2, 20)), "", () -> emptyNamespace(ns, next + 1));
    return true;
  }

  private Actor namespaceController() {
    return c.cast.controller("namespace-controller");
  }

  private ApiCall deleteCollection(String namespace, Kind kind) {
    List<KObject> doomed = c.in(kind, namespace);
    if (kind == Kind.POD) {
      workloads.terminateAll(namespace);
      for (KObject pod : doomed) {
        c.after(
            Times.millis(c.rng.between(1_000, 25_000)),
            "",
            () -> workloads.kubelets.kubeletRemove((Pod) pod));
      }
    } else {
      doomed.forEach(c::remove);
    }
    long listVersion = c.nextResourceVersion();
    String list =
        Json.render(
            g -> {
              g.writeStartObject();
              g.writeStringField("kind", "PartialObjectMetadataList");
              g.writeStringField("apiVersion", "meta.k8s.io/v1");
              g.writeObjectFieldStart("metadata");
              g.writeStringField("resourceVersion", Long.toString(listVersion));
              g.writeEndObject();
              g.writeArrayFieldStart("items");
              for (KObject o : doomed) {
                o.writePartial(g);
              }
              g.writeEndArray();
              g.writeEndObject();
            });
    ApiCall call =
        ApiCall.resource(
            namespaceController(),
            "deletecollection",
            kind.collectionPath(namespace),
            ObjRef.of(kind, namespace, ""));
    call.requestObject = Cluster.deleteOptions(kind, "propagationPolicy", "Background");
    call.respondList(200, list);
    call.latency(c.rng.between(10_000, 120_000));
    c.send(call);
    return call;
  }

  /** Services cannot be deleted as a collection: the controller deletes them one by one. */
  private ApiCall deleteService(KObject service) {
    ApiCall call =
        ApiCall.resource(namespaceController(), "delete", service.path(), ObjRef.to(service, ""));
    call.requestObject = Cluster.deleteOptions(Kind.SERVICE, "propagationPolicy", "Background");
    call.respond(200, ApiStatus.deleted(Kind.SERVICE, service.name, service.uid));
    c.send(call);
    c.remove(service);
    return call;
  }

  /** With the namespace empty and its finalizer done, the namespace controller removes it. */
  private boolean finalDelete(KObject ns) {
    ns.body.put("spec", Json.obj());
    ns.resourceVersion = c.nextResourceVersion();
    ApiCall call = ApiCall.resource(namespaceController(), "delete", ns.path(), ObjRef.to(ns, ""));
    call.requestObject =
        Cluster.deleteOptions(Kind.NAMESPACE, "preconditions", "{\"uid\":\"" + ns.uid + "\"}");
    call.respond(200, ns);
    c.send(call);
    for (Kind kind : Kind.values()) {
      if (kind.namespaced) {
        c.in(kind, ns.name).forEach(c::remove);
      }
    }
    c.remove(ns);
    workloads.forget(ns.name);
    return true;
  }

  // ---- service accounts ----

  private boolean serviceAccountChange() {
    List<String> namespaces = new ArrayList<>();
    for (String ns : c.activeNamespaces()) {
      if (!ns.startsWith("kube-")) {
        namespaces.add(ns);
      }
    }
    String namespace = c.rng.pick(namespaces);
    Actor actor = c.rng.chance(0.5) ? c.cast.admin : c.cast.ciDeployer;
    List<KObject> existing = new ArrayList<>();
    for (KObject sa : c.in(Kind.SERVICE_ACCOUNT, namespace)) {
      if (!sa.name.equals("default")) {
        existing.add(sa);
      }
    }
    if (existing.isEmpty() || c.rng.chance(0.6)) {
      String name = c.rng.pick(ACCOUNT_NAMES);
      KObject sa = new KObject(Kind.SERVICE_ACCOUNT, namespace, name);
      if (c.find(Kind.SERVICE_ACCOUNT, namespace, name).isPresent()) {
        ApiCall call =
            ApiCall.resource(
                actor,
                "create",
                Cluster.uri(
                    Kind.SERVICE_ACCOUNT.collectionPath(namespace),
                    "fieldManager",
                    "kubectl-create",
                    "fieldValidation",
                    "Strict"),
                ObjRef.of(Kind.SERVICE_ACCOUNT, namespace, ""));
        call.requestObject = sa.renderCreateRequest();
        call.backfill(namespace, name, "", 0);
        call.respond(409, ApiStatus.alreadyExists(Kind.SERVICE_ACCOUNT, name));
        c.send(call);
        return true;
      }
      c.create(
          actor,
          sa,
          "kubectl-create",
          Json.obj(),
          "fieldManager",
          "kubectl-create",
          "fieldValidation",
          "Strict");
      return true;
    }
    KObject sa = c.rng.pick(existing);
    ApiCall call = ApiCall.resource(actor, "delete", sa.path(), ObjRef.to(sa, ""));
    call.requestObject =
        Cluster.deleteOptions(Kind.SERVICE_ACCOUNT, "propagationPolicy", "Background");
    // Service accounts are among the kinds whose delete answers with the object, as of the
    // deletion's revision.
    sa.resourceVersion = c.nextResourceVersion();
    call.respond(200, sa);
    c.send(call);
    c.remove(sa);
    return true;
  }
}
