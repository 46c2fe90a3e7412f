package io.kubetrail.history.netpol;

import io.kubetrail.history.LabelSelector;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 */
final class Evaluator {
  /** The labels of each namespace, by name: read live, see {@link #namespacesChanged()}. */
  private final Map<String, Map<String, String>> namespaces;

  /** The namespaces each selector selects: many pods share the same rules. */
  private final Map<LabelSelector, Set<String>> namespacesSelected = new HashMap<>();

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
      out.add(e.exposure(pod, inventory.policies()));
    }
    return out;
  }

  /** Forgets what was worked out from the namespaces' labels, after they changed. */
  void namespacesChanged() {
    namespacesSelected.clear();
  }

  /**
   * The exposure of one pod under the given policies; those of other namespaces than the pod's are
   * passed over, so a caller may pass only its namespace's.
   */
  PodExposure exposure(Inventory.Pod pod, Collection<Policy> policies) {
    List<Policy> applied = new ArrayList<>();
    for (Policy p : policies) {
      // A policy selects pods of its own namespace only.
      if (p.namespace().equals(pod.namespace()) && p.podSelector().matches(pod.labels())) {
        applied.add(p);
      }
    }
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
