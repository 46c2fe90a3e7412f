package io.kubetrail.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A node of the simulated cluster, with its kubelet's identity and its node lease. */
final class Node {
  final String name;
  final String ip;
  final int index;
  final boolean controlPlane;
  final Actor kubelet;
  final Actor kubeProxy;
  final KObject object;
  final KObject lease;
  private int nextPodHost = 2;

  Node(
      String name,
      String ip,
      int index,
      boolean controlPlane,
      Cast cast,
      KObject object,
      KObject lease) {
    this.name = name;
    this.ip = ip;
    this.index = index;
    this.controlPlane = controlPlane;
    this.kubelet = cast.kubelet(name, ip);
    this.kubeProxy = cast.kubeProxy(ip);
    this.object = object;
    this.lease = lease;
  }

  /** The next pod IP from this node's pod CIDR, reused after a while as real IPAM does. */
  String nextPodIp() {
    String ip = "10.244." + index + "." + nextPodHost;
    nextPodHost = nextPodHost >= 254 ? 2 : nextPodHost + 1;
    return ip;
  }

  /** Creates a node that has been up since {@code bootTime}, with its lease. */
  static Node boot(
      Cluster c, String name, String ip, int index, boolean controlPlane, long bootTime) {
    KObject node = new KObject(Kind.NODE, "", name);
    existing(c, node, bootTime);
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
    ObjectNode status = statusBody(c, name, ip, bootTime);
    node.body.put("status", status);
    node.manage("kubelet", "Update", "status", bootTime, Json.obj("status", status));
    c.put(node);

    KObject lease = new KObject(Kind.LEASE, "kube-node-lease", name);
    existing(c, lease, bootTime);
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

  private static ObjectNode statusBody(Cluster c, String name, String ip, long bootTime) {
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

  private static void existing(Cluster c, KObject o, long created) {
    o.uid = c.newUid();
    o.resourceVersion = c.nextResourceVersion();
    o.created = created;
  }

  /** Kubelet's periodic node status report: a heartbeat patch of the conditions. */
  boolean reportStatus(Cluster c) {
    c.at(
        c.now + Times.seconds(300) + Times.millis(c.rng.between(-2_000, 2_000)),
        "",
        () -> reportStatus(c));
    KObject node = object;
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
    c.patch(kubelet, node, "status", patch, "kubelet", "Update", Json.obj("status", status));
    return true;
  }
}
