package io.kubetrail.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The GitOps controller (Argo CD) deploying a new application: server-side applies that create its
 * Deployment and Service. Part of {@link Workloads}.
 */
final class GitOps {
  private final Cluster c;
  private final Workloads w;

  GitOps(Cluster c, Workloads w) {
    this.c = c;
    this.w = w;
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

  boolean applyDeployment(App app) {
    KObject d = Manifests.deployment(app);
    d.annotations.clear();
    app.deployment = d;
    JsonNode applied = Manifests.appliedDeployment(app);
    String body = Json.write(Json.sorted(manifest(d, applied)));
    d.generation = 1;
    d.body.put("status", Json.obj());
    createByApply(d, applied, body);
    c.after(
        Times.millis(c.rng.between(5, 40)),
        app.namespace,
        () -> w.controllers.createReplicaSet(app));
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

  private boolean applyService(App app) {
    app.service = Manifests.service(app, w.nextServiceIp());
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
    c.after(
        Times.millis(c.rng.between(5, 50)),
        app.namespace,
        () -> w.controllers.createEndpoints(app));
    return true;
  }
}
