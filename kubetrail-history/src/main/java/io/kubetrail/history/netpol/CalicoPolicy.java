package io.kubetrail.history.netpol;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One Calico {@code projectcalico.org/v3} NetworkPolicy or GlobalNetworkPolicy as evaluation needs
 * it, read by {@link CalicoPolicyReader}.
 *
 * @param namespace the NetworkPolicy's namespace; empty for a GlobalNetworkPolicy
 * @param tier {@code spec.tier}, {@code default} when absent
 * @param order {@code spec.order}; empty sorts after every ordered policy of the tier
 * @param selector the endpoints it applies to ({@code spec.selector}, all when absent)
 * @param namespaceSelector GlobalNetworkPolicy only: the namespaces whose endpoints it applies to;
 *     empty for every namespace
 * @param ingress whether Ingress is among its types (given or defaulted as Calico does)
 * @param egress whether Egress is among its types
 */
record CalicoPolicy(
    String namespace,
    String name,
    String tier,
    OptionalDouble order,
    CalicoSelector selector,
    Optional<CalicoSelector> namespaceSelector,
    boolean ingress,
    boolean egress,
    List<Rule> ingressRules,
    List<Rule> egressRules) {

  static final String DEFAULT_TIER = "default";

  CalicoPolicy {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(tier, "tier");
    Objects.requireNonNull(order, "order");
    Objects.requireNonNull(selector, "selector");
    Objects.requireNonNull(namespaceSelector, "namespaceSelector");
    ingressRules = List.copyOf(ingressRules);
    egressRules = List.copyOf(egressRules);
  }

  boolean global() {
    return namespace.isEmpty();
  }

  /**
   * How reports list it: {@code networkpolicies.projectcalico.org/NAMESPACE/NAME} or {@code
   * globalnetworkpolicies.projectcalico.org/NAME}, apart from Kubernetes' {@code NAMESPACE/NAME}.
   */
  String id() {
    return global()
        ? "globalnetworkpolicies.projectcalico.org/" + name
        : "networkpolicies.projectcalico.org/" + namespace + "/" + name;
  }

  /** Whether what it selects or admits depends on namespaces' labels. */
  boolean readsNamespaceLabels() {
    if (namespaceSelector.isPresent()) {
      return true;
    }
    List<Rule> rules = new ArrayList<>(ingressRules);
    rules.addAll(egressRules);
    return rules.stream().anyMatch(r -> r.peer().namespaceSelector().isPresent());
  }

  /** Calico's rule actions; {@code Log} only logs and goes on to the next rule. */
  enum Action {
    ALLOW,
    DENY,
    PASS,
    LOG
  }

  /**
   * One rule.
   *
   * @param peer {@code source} for an ingress rule, {@code destination} for an egress rule: the
   *     other end of the traffic
   * @param local the selector of the policy's own end ({@code destination} of an ingress rule): the
   *     rule counts only for the pods it selects
   * @param localNot its {@code notSelector}: the rule does not count for the pods it selects
   * @param narrowed whether it also tests what exposure does not follow (protocol, ports, ICMP,
   *     HTTP, IP version, the own end's addresses or service accounts), so it may not match all
   *     traffic of its peers
   */
  record Rule(
      Action action,
      Peer peer,
      Optional<CalicoSelector> local,
      Optional<CalicoSelector> localNot,
      boolean narrowed) {
    Rule {
      Objects.requireNonNull(action, "action");
      Objects.requireNonNull(peer, "peer");
      Objects.requireNonNull(local, "local");
      Objects.requireNonNull(localNot, "localNot");
    }
  }

  /**
   * The other end of a rule's traffic; every part given must hold.
   *
   * @param nets addresses it must be in, any of them; empty for any address
   * @param notNets addresses it must not be in
   * @param selector endpoints whose labels it selects
   * @param notSelector endpoints it must not select
   * @param namespaceSelector the namespaces of those endpoints
   * @param endpointsOnly whether only endpoints match, never an outside address: with a selector,
   *     namespaceSelector, serviceAccounts or services
   * @param otherNamespaces what the peer's endpoints can be in besides the policy's own namespace:
   *     for a namespaced policy, none unless a namespaceSelector or a Service of another namespace
   *     says so; for a global one, any
   */
  record Peer(
      List<AddressRange> nets,
      List<AddressRange> notNets,
      Optional<CalicoSelector> selector,
      Optional<CalicoSelector> notSelector,
      Optional<CalicoSelector> namespaceSelector,
      boolean endpointsOnly,
      boolean otherNamespaces) {
    Peer {
      nets = List.copyOf(nets);
      notNets = List.copyOf(notNets);
      Objects.requireNonNull(selector, "selector");
      Objects.requireNonNull(notSelector, "notSelector");
      Objects.requireNonNull(namespaceSelector, "namespaceSelector");
    }

    /** Whether it admits any peer: nothing given but perhaps a notSelector. */
    boolean open() {
      return nets.isEmpty() && notNets.isEmpty() && !endpointsOnly;
    }
  }
}
