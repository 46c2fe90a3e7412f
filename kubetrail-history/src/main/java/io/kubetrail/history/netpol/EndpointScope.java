package io.kubetrail.history.netpol;

import io.kubetrail.history.LabelSelector;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which pods a report is about: the {@code endpoints} of Calico's GlobalReport spec. The three
 * parts are ANDed; a part left open admits every pod. Within the namespaces part, a namespace named
 * or selected is in (the names and the selector are ORed), as Calico's reports read them.
 *
 * <p>The namespace selector reads the labels of the pod's Namespace object at each instant; when
 * the state holds none (a namespace never seen in a snapshot or a change), it has no labels.
 *
 * @param selector a label selector on the pod's labels; empty admits every pod
 * @param namespaceNames namespaces whose pods are in
 * @param namespaceSelector a label selector on the labels of the pod's namespace
 * @param serviceAccountNames pods running as one of these service accounts (by name, in any
 *     namespace) are in; empty admits every service account
 */
public record EndpointScope(
    Optional<LabelSelector> selector,
    Set<String> namespaceNames,
    Optional<LabelSelector> namespaceSelector,
    Set<String> serviceAccountNames) {

  private static final EndpointScope EVERYTHING =
      new EndpointScope(Optional.empty(), Set.of(), Optional.empty(), Set.of());

  public EndpointScope {
    Objects.requireNonNull(selector, "selector");
    Objects.requireNonNull(namespaceSelector, "namespaceSelector");
    namespaceNames = Set.copyOf(namespaceNames);
    serviceAccountNames = Set.copyOf(serviceAccountNames);
  }

  /** Every pod: a GlobalReport without {@code endpoints}. */
  public static EndpointScope everything() {
    return EVERYTHING;
  }

  /**
   * Whether a pod is in.
   *
   * @param namespaceLabels the labels of the pod's namespace, empty when unknown
   */
  public boolean includes(
      String namespace,
      Map<String, String> podLabels,
      String serviceAccount,
      Map<String, String> namespaceLabels) {
    if (selector.isPresent() && !selector.get().matches(podLabels)) {
      return false;
    }
    boolean namespacesOpen = namespaceNames.isEmpty() && namespaceSelector.isEmpty();
    if (!namespacesOpen
        && !namespaceNames.contains(namespace)
        && !namespaceSelector.map(s -> s.matches(namespaceLabels)).orElse(false)) {
      return false;
    }
    return serviceAccountNames.isEmpty() || serviceAccountNames.contains(serviceAccount);
  }
}
