package io.kubetrail.report;

import io.kubetrail.history.LabelSelector;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Which endpoints (pods) a report is about, as Calico's {@code GlobalReport.spec.endpoints}: a
 * label selector on the pod, namespace names or a selector on the namespace's labels, and service
 * account names; the parts combine with AND, and an absent part selects everything.
 *
 * @param endpointSelector the selector text, for the summary; empty when absent
 * @param namespaces namespace names; empty for every namespace
 * @param namespaceSelector selector text on namespace labels; empty when absent
 * @param serviceAccounts service account names ({@code spec.serviceAccountName}); empty for all
 */
public record Scope(
    String endpointSelector,
    List<String> namespaces,
    String namespaceSelector,
    List<String> serviceAccounts) {

  public Scope {
    Objects.requireNonNull(endpointSelector, "endpointSelector");
    Objects.requireNonNull(namespaceSelector, "namespaceSelector");
    namespaces = List.copyOf(namespaces);
    serviceAccounts = List.copyOf(serviceAccounts);
    // Parsed here so that a bad selector fails when the report is asked for, naming itself.
    parse("endpoints selector", endpointSelector);
    parse("namespace selector", namespaceSelector);
  }

  /** Every endpoint. */
  public static Scope everything() {
    return new Scope("", List.of(), "", List.of());
  }

  /** Whether the scope restricts anything. */
  public boolean selectsEverything() {
    return endpointSelector.isBlank()
        && namespaces.isEmpty()
        && namespaceSelector.isBlank()
        && serviceAccounts.isEmpty();
  }

  /** Whether a pod with these labels, namespace and service account is in scope. */
  public boolean includes(
      Map<String, String> podLabels,
      String namespace,
      Optional<Map<String, String>> namespaceLabels,
      String serviceAccount) {
    return filter().includes(podLabels, namespace, namespaceLabels, serviceAccount);
  }

  /** The scope with its selectors parsed, for testing many pods. */
  Filter filter() {
    return new Filter(
        this,
        parse("endpoints selector", endpointSelector),
        parse("namespace selector", namespaceSelector));
  }

  /** A scope ready to test pods. */
  record Filter(Scope scope, LabelSelector endpoints, LabelSelector namespaceLabels) {
    boolean includes(
        Map<String, String> podLabels,
        String namespace,
        Optional<Map<String, String>> labelsOfNamespace,
        String serviceAccount) {
      if (!scope.namespaces.isEmpty() && !scope.namespaces.contains(namespace)) {
        return false;
      }
      if (!scope.serviceAccounts.isEmpty() && !scope.serviceAccounts.contains(serviceAccount)) {
        return false;
      }
      if (!namespaceLabels.selectsEverything()
          && !namespaceLabels.matches(labelsOfNamespace.orElse(Map.of()))) {
        return false;
      }
      return endpoints.matches(podLabels);
    }
  }

  private static LabelSelector parse(String what, String text) {
    try {
      return LabelSelector.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
    }
  }
}
