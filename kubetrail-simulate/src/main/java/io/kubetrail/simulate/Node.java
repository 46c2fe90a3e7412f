package io.kubetrail.simulate;

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
}
