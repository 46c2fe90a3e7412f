package io.kubetrail.history.netpol;

import io.kubetrail.history.netpol.CalicoPolicyReader.Tier;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What evaluation reads of one cluster state: pods, namespaces' labels and policies, as plain
 * values.
 *
 * @param namespaces the labels of each namespace the state holds, by name
 * @param calicoPolicies Calico's NetworkPolicies and GlobalNetworkPolicies
 * @param tiers Calico's Tiers, by name
 */
record Inventory(
    List<Pod> pods,
    Map<String, Map<String, String>> namespaces,
    List<Policy> policies,
    List<CalicoPolicy> calicoPolicies,
    Map<String, Tier> tiers) {

  Inventory {
    pods = List.copyOf(pods);
    namespaces = Map.copyOf(namespaces);
    policies = List.copyOf(policies);
    calicoPolicies = List.copyOf(calicoPolicies);
    tiers = Map.copyOf(tiers);
  }

  /** One pod: where it is, its labels and service account ({@code spec.serviceAccountName}). */
  record Pod(String namespace, String name, Map<String, String> labels, String serviceAccount) {
    Pod {
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(serviceAccount, "serviceAccount");
      labels = Map.copyOf(labels);
    }

    /** Its labels as Calico's selectors see them. */
    Map<String, String> calicoLabels() {
      return CalicoLabels.ofPod(namespace, labels, serviceAccount);
    }

    String id() {
      return namespace + "/" + name;
    }
  }
}
