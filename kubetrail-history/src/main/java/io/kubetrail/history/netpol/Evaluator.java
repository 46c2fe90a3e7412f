package io.kubetrail.history.netpol;

import io.kubetrail.history.LabelSelector;
import io.kubetrail.history.netpol.CalicoPolicy.Action;
import io.kubetrail.history.netpol.CalicoPolicyReader.Tier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * The design's "Exposure" rules at one instant, as a pure function of an {@link Inventory}.
 *
 * <p>Only the rules of a policy whose policyTypes include their direction count: Kubernetes ignores
 * ingress rules of an Egress-only policy. A peer with a namespaceSelector reaches another namespace
 * unless the selector names labels and, evaluated against the namespaces of the state, selects no
 * namespace but the pod's own. An empty namespaceSelector means every namespace, present and
 * future, so it always reaches others; and when the state holds no Namespace object for the pod's
 * own namespace, the namespaces are not known and every namespaceSelector counts as reaching
 * others. A peer with only a podSelector stays in the policy's namespace; an ipBlock peer is judged
 * for the internet flag only, as the design says.
 *
 * <p>A pod that Calico policies apply to is evaluated by Calico's tiers and orders instead, with
 * the Kubernetes policies among them as Calico places them: see {@link TierWalk}.
 */
final class Evaluator {
  /** The labels of each namespace, by name: read live, see {@link #namespacesChanged()}. */
  private final Map<String, Map<String, String>> namespaces;

  /** The namespaces each selector selects: many pods share the same rules. */
  private final Map<LabelSelector, Set<String>> namespacesSelected = new HashMap<>();

  private final Map<CalicoSelector, Set<String>> calicoSelected = new HashMap<>();

  /** Where Calico places Kubernetes NetworkPolicies in its {@code default} tier. */
  private static final OptionalDouble KUBERNETES_ORDER = OptionalDouble.of(1000);

  /**
   * An evaluator against these namespaces. The map is read, not copied, so a caller that changes it
   * between evaluations must call {@link #namespacesChanged()}.
   */
  Evaluator(Map<String, Map<String, String>> namespaces) {
    this.namespaces = namespaces;
  }

  /** One exposure per pod, sorted by namespace and name. */
  static List<PodExposure> evaluate(Inventory inventory) {
    Evaluator e = new Evaluator(inventory.namespaces());
    List<Inventory.Pod> pods = new ArrayList<>(inventory.pods());
    pods.sort(Comparator.comparing(Inventory.Pod::namespace).thenComparing(Inventory.Pod::name));
    List<PodExposure> out = new ArrayList<>(pods.size());
    for (Inventory.Pod pod : pods) {
      out.add(e.exposure(pod, inventory.policies(), inventory.calicoPolicies(), inventory.tiers()));
    }
    return out;
  }

  /** Forgets what was worked out from the namespaces' labels, after they changed. */
  void namespacesChanged() {
    namespacesSelected.clear();
    calicoSelected.clear();
  }

  /**
   * Brings what was worked out from the namespaces' labels up to date after one namespace's labels
   * changed, or it came or went: cheaper than {@link #namespacesChanged()} when namespaces change
   * one at a time, as in a walk, since every selector met so far is kept.
   */
  void namespaceChanged(String name) {
    Map<String, String> labels = namespaces.get(name);
    namespacesSelected.forEach(
        (s, names) -> keep(names, name, labels != null && s.matches(labels)));
    calicoSelected.forEach(
        (s, names) ->
            keep(names, name, labels != null && s.matches(CalicoLabels.ofNamespace(name, labels))));
  }

  private static void keep(Set<String> names, String name, boolean selected) {
    if (selected) {
      names.add(name);
    } else {
      names.remove(name);
    }
  }

  /**
   * The exposure of one pod under the given policies; Kubernetes policies of other namespaces than
   * the pod's, and Calico policies that do not select it, are passed over, so a caller may pass a
   * superset.
   */
  PodExposure exposure(
      Inventory.Pod pod,
      Collection<Policy> policies,
      Collection<CalicoPolicy> calico,
      Map<String, Tier> tiers) {
    List<Policy> applied = new ArrayList<>();
    for (Policy p : policies) {
      // A policy selects pods of its own namespace only.
      if (p.namespace().equals(pod.namespace()) && p.podSelector().matches(pod.labels())) {
        applied.add(p);
      }
    }
    List<CalicoPolicy> calicoApplied = new ArrayList<>();
    if (!calico.isEmpty()) {
      Map<String, String> labels = pod.calicoLabels();
      Map<String, String> nsLabels =
          CalicoLabels.ofNamespace(
              pod.namespace(), namespaces.getOrDefault(pod.namespace(), Map.of()));
      for (CalicoPolicy p : calico) {
        if (applies(p, pod.namespace(), labels, nsLabels)) {
          calicoApplied.add(p);
        }
      }
    }
    if (calicoApplied.isEmpty()) {
      return kubernetes(pod, applied);
    }
    Map<String, String> labels = pod.calicoLabels();
    TierWalk in = walk(pod, applied, calicoApplied, tiers, labels, true);
    TierWalk out = walk(pod, applied, calicoApplied, tiers, labels, false);
    List<String> ids = new ArrayList<>(applied.stream().map(Policy::id).toList());
    calicoApplied.forEach(p -> ids.add(p.id()));
    return new PodExposure(
        pod.id(),
        ids,
        in.isProtected(),
        out.isProtected(),
        in.fromInternet(),
        out.fromInternet(),
        in.fromOtherNamespace(),
        out.fromOtherNamespace());
  }

  /** Whether a Calico policy applies to a pod (in either direction). */
  static boolean applies(
      CalicoPolicy p,
      String namespace,
      Map<String, String> podLabels,
      Map<String, String> namespaceLabels) {
    if (!p.global() && !p.namespace().equals(namespace)) {
      return false;
    }
    return p.selector().matches(podLabels)
        && p.namespaceSelector().map(s -> s.matches(namespaceLabels)).orElse(true);
  }

  private PodExposure kubernetes(Inventory.Pod pod, List<Policy> applied) {
    List<Policy.Rule> ingress = new ArrayList<>();
    List<Policy.Rule> egress = new ArrayList<>();
    boolean ingressProtected = false;
    boolean egressProtected = false;
    for (Policy p : applied) {
      if (p.ingress()) {
        ingressProtected = true;
        ingress.addAll(p.ingressRules());
      }
      if (p.egress()) {
        egressProtected = true;
        egress.addAll(p.egressRules());
      }
    }
    return new PodExposure(
        pod.id(),
        applied.stream().map(Policy::id).toList(),
        ingressProtected,
        egressProtected,
        !ingressProtected || ingress.stream().anyMatch(Evaluator::reachesInternet),
        !egressProtected || egress.stream().anyMatch(Evaluator::reachesInternet),
        !ingressProtected || ingress.stream().anyMatch(r -> reachesOtherNamespace(r, pod)),
        !egressProtected || egress.stream().anyMatch(r -> reachesOtherNamespace(r, pod)));
  }

  /** The policies of one direction by tier, Kubernetes' as Calico places them. */
  private TierWalk walk(
      Inventory.Pod pod,
      List<Policy> applied,
      List<CalicoPolicy> calico,
      Map<String, Tier> tiers,
      Map<String, String> labels,
      boolean ingress) {
    Map<String, List<TierWalk.Entry>> byTier = new HashMap<>();
    for (Policy p : applied) {
      if (ingress ? p.ingress() : p.egress()) {
        List<TierWalk.Step> steps = new ArrayList<>();
        for (Policy.Rule r : ingress ? p.ingressRules() : p.egressRules()) {
          steps.add(kubernetesStep(r, pod));
        }
        byTier
            .computeIfAbsent(CalicoPolicy.DEFAULT_TIER, k -> new ArrayList<>())
            .add(new TierWalk.Entry(KUBERNETES_ORDER, "knp.default." + p.name(), steps));
      }
    }
    for (CalicoPolicy p : calico) {
      if (ingress ? p.ingress() : p.egress()) {
        List<TierWalk.Step> steps = new ArrayList<>();
        for (CalicoPolicy.Rule r : ingress ? p.ingressRules() : p.egressRules()) {
          if (r.local().map(s -> s.matches(labels)).orElse(true)
              && !r.localNot().map(s -> s.matches(labels)).orElse(false)) {
            steps.add(calicoStep(r, pod));
          }
        }
        byTier
            .computeIfAbsent(p.tier(), k -> new ArrayList<>())
            .add(new TierWalk.Entry(p.order(), p.name(), steps));
      }
    }
    return new TierWalk(byTier, tiers);
  }

  private TierWalk.Step kubernetesStep(Policy.Rule rule, Inventory.Pod pod) {
    TierWalk.Match other =
        reachesOtherNamespace(rule, pod) ? TierWalk.Match.SOME : TierWalk.Match.NONE;
    return new TierWalk.Step() {
      @Override
      public Action action() {
        return Action.ALLOW;
      }

      @Override
      public List<AddressRange> internet(List<AddressRange> addresses) {
        if (rule.admitsEveryPeer()) {
          return addresses;
        }
        List<AddressRange> out = new ArrayList<>();
        for (Policy.Peer p : rule.peers()) {
          if (p.ipBlock().isPresent()) {
            IpBlock b = p.ipBlock().get();
            out.addAll(
                TierWalk.minus(TierWalk.intersect(addresses, List.of(b.cidr())), b.except()));
          }
        }
        return out;
      }

      @Override
      public TierWalk.Match otherNamespace() {
        return other;
      }

      @Override
      public boolean narrowed() {
        return !rule.ports().isEmpty();
      }
    };
  }

  private TierWalk.Step calicoStep(CalicoPolicy.Rule rule, Inventory.Pod pod) {
    CalicoPolicy.Peer peer = rule.peer();
    TierWalk.Match other = calicoOtherNamespace(peer, pod.namespace());
    return new TierWalk.Step() {
      @Override
      public Action action() {
        return rule.action();
      }

      @Override
      public List<AddressRange> internet(List<AddressRange> addresses) {
        if (peer.endpointsOnly()) {
          return List.of();
        }
        List<AddressRange> in =
            peer.nets().isEmpty() ? addresses : TierWalk.intersect(addresses, peer.nets());
        return TierWalk.minus(in, peer.notNets());
      }

      @Override
      public TierWalk.Match otherNamespace() {
        return other;
      }

      @Override
      public boolean narrowed() {
        return rule.narrowed();
      }
    };
  }

  /** How much of the pods of other namespaces a Calico rule's peer matches. */
  private TierWalk.Match calicoOtherNamespace(CalicoPolicy.Peer peer, String own) {
    if (!peer.nets().isEmpty()) {
      return TierWalk.Match.NONE; // addresses are judged for the internet flags only
    }
    if (peer.open()) {
      return peer.notSelector().isPresent() ? TierWalk.Match.SOME : TierWalk.Match.ALL;
    }
    if (!peer.endpointsOnly()) {
      return TierWalk.Match.SOME; // notNets only
    }
    if (peer.namespaceSelector().isPresent()) {
      return selectsOtherNamespace(peer.namespaceSelector().get(), own)
          ? TierWalk.Match.SOME
          : TierWalk.Match.NONE;
    }
    return peer.otherNamespaces() ? TierWalk.Match.SOME : TierWalk.Match.NONE;
  }

  private boolean selectsOtherNamespace(CalicoSelector selector, String own) {
    if (selector.selectsEverything() || !namespaces.containsKey(own)) {
      return true;
    }
    Set<String> selected =
        calicoSelected.computeIfAbsent(
            selector,
            s -> {
              Set<String> names = new HashSet<>();
              namespaces.forEach(
                  (name, labels) -> {
                    if (s.matches(CalicoLabels.ofNamespace(name, labels))) {
                      names.add(name);
                    }
                  });
              return names;
            });
    return selected.size() > (selected.contains(own) ? 1 : 0);
  }

  private static boolean reachesInternet(Policy.Rule rule) {
    return rule.admitsEveryPeer()
        || rule.peers().stream()
            .anyMatch(p -> p.ipBlock().isPresent() && !p.ipBlock().get().whollyPrivate());
  }

  private boolean reachesOtherNamespace(Policy.Rule rule, Inventory.Pod pod) {
    return rule.admitsEveryPeer()
        || rule.peers().stream()
            .map(Policy.Peer::namespaceSelector)
            .flatMap(Optional::stream)
            .anyMatch(s -> selectsOtherNamespace(s, pod.namespace()));
  }

  private boolean selectsOtherNamespace(LabelSelector selector, String own) {
    if (selector.selectsEverything() || !namespaces.containsKey(own)) {
      return true;
    }
    Set<String> selected = namespacesSelected.computeIfAbsent(selector, this::namespaces);
    return selected.size() > (selected.contains(own) ? 1 : 0);
  }

  private Set<String> namespaces(LabelSelector selector) {
    Set<String> names = new HashSet<>();
    namespaces.forEach(
        (name, labels) -> {
          if (selector.matches(labels)) {
            names.add(name);
          }
        });
    return names;
  }
}
