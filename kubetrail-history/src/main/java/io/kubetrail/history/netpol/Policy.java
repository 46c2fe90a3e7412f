package io.kubetrail.history.netpol;

import io.kubetrail.history.LabelSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One NetworkPolicy as evaluation needs it, read from its body by {@link PolicyReader}.
 *
 * @param ingress whether Ingress is among its policyTypes (given or defaulted)
 * @param egress whether Egress is among its policyTypes (given or defaulted)
 * @param ingressRules {@code spec.ingress}; they count only when {@code ingress} is true
 * @param egressRules {@code spec.egress}; they count only when {@code egress} is true
 */
record Policy(
    String namespace,
    String name,
    LabelSelector podSelector,
    boolean ingress,
    boolean egress,
    List<Rule> ingressRules,
    List<Rule> egressRules) {

  Policy {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(podSelector, "podSelector");
    ingressRules = List.copyOf(ingressRules);
    egressRules = List.copyOf(egressRules);
  }

  /** {@code namespace/name}, as reports list applied policies. */
  String id() {
    return namespace + "/" + name;
  }

  /**
   * The namespaceSelectors of its peers that name labels: a change to a namespace's labels can
   * change what it admits only through these.
   */
  List<LabelSelector> labelledNamespaceSelectors() {
    List<Rule> rules = new ArrayList<>(ingressRules);
    rules.addAll(egressRules);
    return rules.stream()
        .flatMap(r -> r.peers().stream())
        .flatMap(peer -> peer.namespaceSelector().stream())
        .filter(s -> !s.selectsEverything())
        .toList();
  }

  /**
   * One ingress or egress rule.
   *
   * @param peers {@code from} or {@code to}; empty admits every peer, as in Kubernetes
   * @param ports {@code ports}; empty admits every port
   */
  record Rule(List<Peer> peers, List<Port> ports) {
    Rule {
      peers = List.copyOf(peers);
      ports = List.copyOf(ports);
    }

    boolean admitsEveryPeer() {
      return peers.isEmpty();
    }
  }

  /**
   * One peer of a rule: an ipBlock, or pods chosen by a podSelector (in the policy's namespace)
   * and/or a namespaceSelector (in the namespaces it selects).
   */
  record Peer(
      Optional<LabelSelector> podSelector,
      Optional<LabelSelector> namespaceSelector,
      Optional<IpBlock> ipBlock) {
    Peer {
      Objects.requireNonNull(podSelector, "podSelector");
      Objects.requireNonNull(namespaceSelector, "namespaceSelector");
      Objects.requireNonNull(ipBlock, "ipBlock");
      if (ipBlock.isPresent() == (podSelector.isPresent() || namespaceSelector.isPresent())) {
        throw new IllegalArgumentException(
            "a peer is either an ipBlock or selectors, not both or neither");
      }
    }
  }

  /**
   * One port of a rule; ports do not change exposure, but are read so bad ones are found.
   *
   * @param protocol TCP, UDP or SCTP
   * @param port a number or a named container port; empty for every port
   * @param endPort the end of a range starting at {@code port}
   */
  record Port(String protocol, Optional<String> port, OptionalInt endPort) {
    Port {
      Objects.requireNonNull(protocol, "protocol");
      Objects.requireNonNull(port, "port");
      Objects.requireNonNull(endPort, "endPort");
    }
  }
}
