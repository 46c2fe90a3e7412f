package io.kubetrail.simulate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A workload: a Deployment, its current ReplicaSet and pods, and the Service and Endpoints in front
 * of it.
 */
final class App {
  final String namespace;
  final String name;
  final String image;
  final String imageId;
  final String portName;
  final int port;
  final String cpu;
  final String memory;

  /** The ReplicaSet's pod-template-hash. */
  final String hash;

  final String volumeSuffix;
  int replicas;
  KObject deployment;
  KObject replicaSet;
  KObject service;
  KObject endpoints;
  final List<Pod> pods = new ArrayList<>();

  App(
      Rng rng,
      String namespace,
      String name,
      String image,
      String portName,
      int port,
      int replicas) {
    this.namespace = namespace;
    this.name = name;
    this.image = image;
    int colon = image.lastIndexOf(':');
    String repository =
        image.contains("/")
            ? image.substring(0, colon)
            : "docker.io/library/" + image.substring(0, colon);
    this.imageId = repository + "@sha256:" + rng.hex(64);
    this.portName = portName;
    this.port = port;
    this.cpu = rng.pickOf("50m", "100m", "250m");
    this.memory = rng.pickOf("64Mi", "128Mi", "256Mi");
    this.hash = rng.nameSuffix(rng.between(9, 10));
    this.volumeSuffix = rng.nameSuffix(5);
    this.replicas = replicas;
  }

  String replicaSetName() {
    return name + "-" + hash;
  }

  ObjectNode selector() {
    return Json.obj("app", name);
  }

  /** The container, defaulted as kube-apiserver stores it in a pod template. */
  ObjectNode container() {
    return Json.obj(
        "name",
        name,
        "image",
        image,
        "ports",
        Json.arr(Json.obj("name", portName, "containerPort", port, "protocol", "TCP")),
        "resources",
        Json.obj(
            "limits",
            Json.obj("memory", memory),
            "requests",
            Json.obj("cpu", cpu, "memory", memory)),
        "terminationMessagePath",
        "/dev/termination-log",
        "terminationMessagePolicy",
        "File",
        "imagePullPolicy",
        "IfNotPresent");
  }

  /** The pod template as stored in a Deployment or ReplicaSet. */
  ObjectNode template(boolean withHash) {
    ObjectNode labels = Json.obj("app", name);
    if (withHash) {
      labels.put("pod-template-hash", hash);
    }
    ObjectNode meta = Json.obj("creationTimestamp", null, "labels", labels);
    ObjectNode spec =
        Json.obj(
            "containers",
            Json.arr(container()),
            "restartPolicy",
            "Always",
            "terminationGracePeriodSeconds",
            30,
            "dnsPolicy",
            "ClusterFirst",
            "securityContext",
            Json.obj(),
            "schedulerName",
            "default-scheduler");
    return Json.obj("metadata", meta, "spec", spec);
  }

  List<Pod> livePods() {
    List<Pod> out = new ArrayList<>();
    for (Pod p : pods) {
      if (!p.deleting()) {
        out.add(p);
      }
    }
    return out;
  }
}
