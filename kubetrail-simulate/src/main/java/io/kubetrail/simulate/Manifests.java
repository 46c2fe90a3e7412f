package io.kubetrail.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The bodies kube-apiserver stores for an application's objects (Deployment, ReplicaSet, Service,
 * Endpoints), in Go field order, with the status the controllers would write for the app's pods as
 * they are now.
 */
final class Manifests {
  private Manifests() {}

  static KObject deployment(App app) {
    KObject d = new KObject(Kind.DEPLOYMENT, app.namespace, app.name);
    d.labels.put("app", app.name);
    d.annotations.put("deployment.kubernetes.io/revision", "1");
    d.body.put("spec", deploymentSpec(app));
    return d;
  }

  static ObjectNode deploymentSpec(App app) {
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
  static JsonNode appliedDeployment(App app) {
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

  static ObjectNode deploymentStatus(App app) {
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

  static KObject replicaSet(App app) {
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

  static void rsAnnotations(App app, KObject rs) {
    rs.annotations.put("deployment.kubernetes.io/desired-replicas", Integer.toString(app.replicas));
    rs.annotations.put(
        "deployment.kubernetes.io/max-replicas",
        Integer.toString(app.replicas + (app.replicas + 3) / 4));
    rs.annotations.put("deployment.kubernetes.io/revision", "1");
  }

  static ObjectNode rsSpec(App app) {
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

  static JsonNode rsOwnedFields(App app) {
    KObject rs = app.replicaSet;
    return Json.obj("metadata", rs.clientMetadataFields(), "spec", rs.body.get("spec"));
  }

  static ObjectNode rsStatus(App app) {
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

  static int readyCount(App app) {
    int ready = 0;
    for (Pod p : app.livePods()) {
      if (p.phase == Pod.Phase.RUNNING && p.ready) {
        ready++;
      }
    }
    return ready;
  }

  static KObject service(App app, String ip) {
    KObject s = new KObject(Kind.SERVICE, app.namespace, app.name);
    s.labels.put("app", app.name);
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

  static KObject endpointsObject(App app) {
    KObject e = new KObject(Kind.ENDPOINTS, app.namespace, app.name);
    e.labels.put("app", app.name);
    return e;
  }

  static JsonNode endpointsOwnedFields(KObject e) {
    ObjectNode owned = Json.obj("metadata", e.clientMetadataFields());
    JsonNode subsets = e.body.get("subsets");
    if (subsets != null) {
      owned.set("subsets", subsets);
    }
    return owned;
  }

  /** The Endpoints subsets the controller wants; empty when no pod has an address. */
  static ArrayNode desiredSubsets(App app) {
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
}
