package io.kubetrail.simulate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A pod with the lifecycle state kubelet reports in its status. */
final class Pod extends KObject {
  enum Phase {
    /** Created, not yet bound to a node. */
    PENDING,
    /** Bound; kubelet has not reported yet. */
    SCHEDULED,
    /** Kubelet is creating the containers. */
    CREATING,
    RUNNING
  }

  final App app;
  Node node;
  Phase phase = Phase.PENDING;
  String ip = "";
  boolean ready;
  int restarts;
  long scheduledAt;
  long startedAt;
  long containerStartedAt;
  long readyChangedAt;
  String containerId = "";
  String lastTermination = "";
  long lastTerminationAt;

  Pod(App app, String name) {
    super(Kind.POD, app.namespace, name);
    this.app = app;
  }

  boolean deleting() {
    return deletion != 0;
  }

  /** The spec; {@code admitted} adds what admission plugins add (token volume, tolerations). */
  ObjectNode spec(boolean admitted) {
    if (!admitted) {
      return (ObjectNode) app.template(true).get("spec");
    }
    ObjectNode spec = Json.obj();
    String volume = "kube-api-access-" + app.volumeSuffix;
    spec.set(
        "volumes",
        Json.arr(
            Json.obj(
                "name",
                volume,
                "projected",
                Json.obj(
                    "sources",
                    Json.arr(
                        Json.obj(
                            "serviceAccountToken",
                            Json.obj("expirationSeconds", 3607, "path", "token")),
                        Json.obj(
                            "configMap",
                            Json.obj(
                                "name",
                                "kube-root-ca.crt",
                                "items",
                                Json.arr(Json.obj("key", "ca.crt", "path", "ca.crt")))),
                        Json.obj(
                            "downwardAPI",
                            Json.obj(
                                "items",
                                Json.arr(
                                    Json.obj(
                                        "path",
                                        "namespace",
                                        "fieldRef",
                                        Json.obj(
                                            "apiVersion",
                                            "v1",
                                            "fieldPath",
                                            "metadata.namespace")))))),
                    "defaultMode",
                    420))));
    // Admission mounts the token volume right after the resources, in Go field order.
    ObjectNode container = Json.obj();
    app.container()
        .fields()
        .forEachRemaining(
            e -> {
              container.set(e.getKey(), e.getValue());
              if (e.getKey().equals("resources")) {
                container.set(
                    "volumeMounts",
                    Json.arr(
                        Json.obj(
                            "name",
                            volume,
                            "readOnly",
                            true,
                            "mountPath",
                            "/var/run/secrets/kubernetes.io/serviceaccount")));
              }
            });
    spec.set("containers", Json.arr(container));
    spec.put("restartPolicy", "Always");
    spec.put("terminationGracePeriodSeconds", 30);
    spec.put("dnsPolicy", "ClusterFirst");
    spec.put("serviceAccountName", "default");
    spec.put("serviceAccount", "default");
    if (node != null) {
      spec.put("nodeName", node.name);
    }
    spec.set("securityContext", Json.obj());
    spec.put("schedulerName", "default-scheduler");
    spec.set(
        "tolerations",
        Json.arr(
            toleration("node.kubernetes.io/not-ready"),
            toleration("node.kubernetes.io/unreachable")));
    spec.put("priority", 0);
    spec.put("enableServiceLinks", true);
    spec.put("preemptionPolicy", "PreemptLowerPriority");
    return spec;
  }

  private static ObjectNode toleration(String key) {
    return Json.obj(
        "key", key, "operator", "Exists", "effect", "NoExecute", "tolerationSeconds", 300);
  }

  /** The status kube-apiserver stores for the current phase. */
  ObjectNode status() {
    ObjectNode status = Json.obj();
    switch (phase) {
      case PENDING -> status.put("phase", "Pending");
      case SCHEDULED -> {
        status.put("phase", "Pending");
        status.set("conditions", Json.arr(condition("PodScheduled", true, scheduledAt, "")));
      }
      case CREATING, RUNNING -> {
        boolean running = phase == Phase.RUNNING;
        status.put("phase", running ? "Running" : "Pending");
        String unready = "containers with unready status: [" + app.name + "]";
        status.set(
            "conditions",
            Json.arr(
                condition(
                    "PodReadyToStartContainers",
                    running,
                    running ? containerStartedAt : startedAt,
                    ""),
                condition("Initialized", true, startedAt, ""),
                condition("Ready", ready, readyChangedAt, ready ? "" : unready),
                condition("ContainersReady", ready, readyChangedAt, ready ? "" : unready),
                condition("PodScheduled", true, scheduledAt, "")));
        status.put("hostIP", node.ip);
        status.set("hostIPs", Json.arr(Json.obj("ip", node.ip)));
        if (running) {
          status.put("podIP", ip);
          status.set("podIPs", Json.arr(Json.obj("ip", ip)));
        }
        status.put("startTime", Times.second(startedAt));
        status.set("containerStatuses", Json.arr(containerStatus(running)));
      }
    }
    status.put("qosClass", "Burstable");
    return status;
  }

  private ObjectNode condition(String type, boolean value, long since, String notReadyMessage) {
    ObjectNode c = Json.obj("type", type, "status", value ? "True" : "False");
    c.putNull("lastProbeTime");
    c.put("lastTransitionTime", Times.second(since));
    if (!notReadyMessage.isEmpty()) {
      c.put("reason", "ContainersNotReady");
      c.put("message", notReadyMessage);
    }
    return c;
  }

  private ObjectNode containerStatus(boolean running) {
    ObjectNode s = Json.obj("name", app.name);
    if (running) {
      s.set("state", Json.obj("running", Json.obj("startedAt", Times.second(containerStartedAt))));
    } else {
      s.set("state", Json.obj("waiting", Json.obj("reason", "ContainerCreating")));
    }
    if (lastTermination.isEmpty()) {
      s.set("lastState", Json.obj());
    } else {
      s.set(
          "lastState",
          Json.obj(
              "terminated",
              Json.obj(
                  "exitCode",
                  lastTermination.equals("OOMKilled") ? 137 : 1,
                  "reason",
                  lastTermination,
                  "startedAt",
                  Times.second(startedAt),
                  "finishedAt",
                  Times.second(lastTerminationAt),
                  "containerID",
                  containerId)));
    }
    s.put("ready", ready);
    s.put("restartCount", restarts);
    s.put("image", app.image);
    s.put("imageID", running ? app.imageId : "");
    if (running) {
      s.put("containerID", containerId);
    }
    s.put("started", running);
    return s;
  }

  /** Rebuilds {@link #body} from the current state. */
  void refresh() {
    body.put("spec", spec(true));
    body.put("status", status());
  }

  ArrayNode conditionOrder() {
    ArrayNode order = Json.arr();
    for (var c : status().path("conditions")) {
      order.add(Json.obj("type", c.path("type").asText()));
    }
    return order;
  }
}
