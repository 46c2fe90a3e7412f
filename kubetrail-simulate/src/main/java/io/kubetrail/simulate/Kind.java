package io.kubetrail.simulate;

/** The API resources the simulated cluster has, with what the simulator needs to know of each. */
enum Kind {
  NAMESPACE("", "v1", "Namespace", "namespaces", false, true),
  NODE("", "v1", "Node", "nodes", false, true),
  POD("", "v1", "Pod", "pods", true, true),
  SERVICE("", "v1", "Service", "services", true, true),
  ENDPOINTS("", "v1", "Endpoints", "endpoints", true, false),
  SERVICE_ACCOUNT("", "v1", "ServiceAccount", "serviceaccounts", true, false),
  CONFIG_MAP("", "v1", "ConfigMap", "configmaps", true, false),
  SECRET("", "v1", "Secret", "secrets", true, false),
  EVENT("", "v1", "Event", "events", true, false),
  DEPLOYMENT("apps", "v1", "Deployment", "deployments", true, true),
  REPLICA_SET("apps", "v1", "ReplicaSet", "replicasets", true, true),
  LEASE("coordination.k8s.io", "v1", "Lease", "leases", true, false),
  NETWORK_POLICY("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", true, false);

  final String group;
  final String version;
  final String kind;
  final String resource;
  final boolean namespaced;

  /** Whether the Go type has a {@code status} struct, which typed clients send as {@code {}}. */
  final boolean hasStatus;

  Kind(
      String group,
      String version,
      String kind,
      String resource,
      boolean namespaced,
      boolean hasStatus) {
    this.group = group;
    this.version = version;
    this.kind = kind;
    this.resource = resource;
    this.namespaced = namespaced;
    this.hasStatus = hasStatus;
  }

  String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /** {@code networkpolicies.networking.k8s.io}, as error messages name a resource. */
  String qualifiedResource() {
    return group.isEmpty() ? resource : resource + "." + group;
  }

  /** {@code NetworkPolicy.networking.k8s.io}, as validation errors name a kind. */
  String qualifiedKind() {
    return group.isEmpty() ? kind : kind + "." + group;
  }

  /**
   * The collection path in {@code namespace}; across all namespaces when it is empty, and always
   * for cluster-scoped kinds.
   */
  String collectionPath(String namespace) {
    StringBuilder sb = new StringBuilder(64);
    sb.append(group.isEmpty() ? "/api/v1" : "/apis/" + group + "/" + version);
    if (namespaced && !namespace.isEmpty()) {
      sb.append("/namespaces/").append(namespace);
    }
    return sb.append('/').append(resource).toString();
  }

  String objectPath(String namespace, String name) {
    return collectionPath(namespace) + "/" + name;
  }
}
