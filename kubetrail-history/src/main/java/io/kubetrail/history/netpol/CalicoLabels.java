package io.kubetrail.history.netpol;

import java.util.HashMap;
import java.util.Map;

/**
 * The labels Calico selectors see: a pod's own plus those Calico adds to every workload endpoint
 * ({@code projectcalico.org/namespace}, {@code projectcalico.org/orchestrator}, {@code
 * projectcalico.org/serviceaccount}), and a namespace's or a service account's own plus {@code
 * projectcalico.org/name}.
 */
final class CalicoLabels {
  static final String NAMESPACE = "projectcalico.org/namespace";
  static final String ORCHESTRATOR = "projectcalico.org/orchestrator";
  static final String SERVICE_ACCOUNT = "projectcalico.org/serviceaccount";
  static final String NAME = "projectcalico.org/name";

  private CalicoLabels() {}

  static Map<String, String> ofPod(
      String namespace, Map<String, String> labels, String serviceAccount) {
    Map<String, String> out = new HashMap<>(labels);
    out.put(NAMESPACE, namespace);
    out.put(ORCHESTRATOR, "k8s");
    if (!serviceAccount.isEmpty()) {
      out.put(SERVICE_ACCOUNT, serviceAccount);
    }
    return out;
  }

  static Map<String, String> ofNamespace(String name, Map<String, String> labels) {
    Map<String, String> out = new HashMap<>(labels);
    out.put(NAME, name);
    return out;
  }

  static Map<String, String> ofServiceAccount(String name, Map<String, String> labels) {
    return ofNamespace(name, labels);
  }
}
