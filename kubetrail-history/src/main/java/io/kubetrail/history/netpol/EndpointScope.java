package io.kubetrail.history.netpol;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which pods a report is about: the {@code endpoints} of Calico's GlobalReport spec, in Calico's
 * selector syntax. Every part given must hold (AND), as Calico's API defines it: the selector on
 * the pod's labels; the namespace's name among {@code namespaces.names} and its labels selected by
 * {@code namespaces.selector} ("if both Names and Selector are specified then they are AND'ed");
 * the service account's name among {@code serviceAccounts.names} and the labels of the pod's
 * ServiceAccount object selected by {@code serviceAccounts.selector} (AND'ed as well). A part left
 * empty admits every pod.
 *
 * <p>Selectors see the labels Calico adds as well: {@code projectcalico.org/namespace} and {@code
 * projectcalico.org/serviceaccount} on pods, {@code projectcalico.org/name} on namespaces and
 * service accounts. The namespace selector reads the labels of the pod's Namespace object at each
 * instant, the service account selector those of the ServiceAccount the pod runs as (same
 * namespace, by name); when the state holds no such object (one never seen in a snapshot or a
 * change), it has no labels.
 *
 * @param selector on the pod's labels
 * @param namespaceNames namespaces whose pods are in; empty admits every namespace
 * @param namespaceSelector on the labels of the pod's namespace
 * @param serviceAccountNames pods running as one of these service accounts (by name, in any
 *     namespace) are in; empty admits every service account
 * @param serviceAccountSelector on the labels of the pod's ServiceAccount object
 */
public record EndpointScope(
    CalicoSelector selector,
    List<String> namespaceNames,
    CalicoSelector namespaceSelector,
    List<String> serviceAccountNames,
    CalicoSelector serviceAccountSelector) {

  private static final EndpointScope EVERYTHING =
      new EndpointScope(CalicoSelector.all(), List.of(), CalicoSelector.all(), List.of());

  public EndpointScope {
    Objects.requireNonNull(selector, "selector");
    Objects.requireNonNull(namespaceSelector, "namespaceSelector");
    Objects.requireNonNull(serviceAccountSelector, "serviceAccountSelector");
    namespaceNames = List.copyOf(namespaceNames);
    serviceAccountNames = List.copyOf(serviceAccountNames);
  }

  /** A scope without a service account selector. */
  public EndpointScope(
      CalicoSelector selector,
      List<String> namespaceNames,
      CalicoSelector namespaceSelector,
      List<String> serviceAccountNames) {
    this(selector, namespaceNames, namespaceSelector, serviceAccountNames, CalicoSelector.all());
  }

  /** Every pod: a GlobalReport without {@code endpoints}. */
  public static EndpointScope everything() {
    return EVERYTHING;
  }

  /**
   * A scope from its parts as written.
   *
   * @throws IllegalArgumentException when a selector is not one, naming which
   */
  public static EndpointScope of(
      String selector,
      List<String> namespaceNames,
      String namespaceSelector,
      List<String> serviceAccountNames) {
    return new EndpointScope(
        parse("endpoints selector", selector),
        namespaceNames,
        parse("namespace selector", namespaceSelector),
        serviceAccountNames);
  }

  /**
   * This scope with {@code serviceAccounts.selector} as written.
   *
   * @throws IllegalArgumentException when it is not a selector
   */
  public EndpointScope withServiceAccountSelector(String serviceAccountSelector) {
    return new EndpointScope(
        selector,
        namespaceNames,
        namespaceSelector,
        serviceAccountNames,
        parse("service account selector", serviceAccountSelector));
  }

  /** Whether the scope admits every pod. */
  public boolean selectsEverything() {
    return selector.selectsEverything()
        && namespaceNames.isEmpty()
        && namespaceSelector.selectsEverything()
        && serviceAccountNames.isEmpty()
        && serviceAccountSelector.selectsEverything();
  }

  /** Whether the namespace selector reads namespaces' labels. */
  boolean readsNamespaceLabels() {
    return !namespaceSelector.selectsEverything();
  }

  /** Whether the service account selector reads ServiceAccount objects' labels. */
  boolean readsServiceAccountLabels() {
    return !serviceAccountSelector.selectsEverything();
  }

  /**
   * Whether a pod is in, when the scope reads no ServiceAccount's labels or its ServiceAccount has
   * none.
   *
   * @param namespaceLabels the labels of the pod's namespace, empty when unknown
   */
  public boolean includes(
      String namespace,
      Map<String, String> podLabels,
      String serviceAccount,
      Map<String, String> namespaceLabels) {
    return includes(namespace, podLabels, serviceAccount, namespaceLabels, Map.of());
  }

  /**
   * Whether a pod is in.
   *
   * @param namespaceLabels the labels of the pod's namespace, empty when unknown
   * @param serviceAccountLabels the labels of the pod's ServiceAccount, empty when unknown
   */
  public boolean includes(
      String namespace,
      Map<String, String> podLabels,
      String serviceAccount,
      Map<String, String> namespaceLabels,
      Map<String, String> serviceAccountLabels) {
    return (namespaceNames.isEmpty() || namespaceNames.contains(namespace))
        && (serviceAccountNames.isEmpty() || serviceAccountNames.contains(serviceAccount))
        && (selector.selectsEverything()
            || selector.matches(CalicoLabels.ofPod(namespace, podLabels, serviceAccount)))
        && (namespaceSelector.selectsEverything()
            || namespaceSelector.matches(CalicoLabels.ofNamespace(namespace, namespaceLabels)))
        && (serviceAccountSelector.selectsEverything()
            || serviceAccountSelector.matches(
                CalicoLabels.ofServiceAccount(serviceAccount, serviceAccountLabels)));
  }

  private static CalicoSelector parse(String what, String text) {
    try {
      return CalicoSelector.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
    }
  }
}
