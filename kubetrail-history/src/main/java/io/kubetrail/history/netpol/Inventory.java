package io.kubetrail.history.netpol;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What evaluation reads of one cluster state: pods, namespaces' labels and policies, as plain
 * values.
 *
 * @param namespaces the labels of each namespace the state holds, by name
 */
record Inventory(
    List<Pod> pods, Map<String, Map<String, String>> namespaces, List<Policy> policies) {

  Inventory {
    pods = List.copyOf(pods);
    namespaces = Map.copyOf(namespaces);
    policies = List.copyOf(policies);
  }

  /** One pod: where it is and its labels. */
  record Pod(String namespace, String name, Map<String, String> labels) {
    Pod {
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(name, "name");
      labels = Map.copyOf(labels);
    }

    String id() {
      return namespace + "/" + name;
    }
  }
}
