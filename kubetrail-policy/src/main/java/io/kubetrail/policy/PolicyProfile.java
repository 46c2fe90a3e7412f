package io.kubetrail.policy;

import static io.kubetrail.event.Level.Metadata;
import static io.kubetrail.event.Level.None;
import static io.kubetrail.event.Level.Request;
import static io.kubetrail.event.Level.RequestResponse;
import static io.kubetrail.event.Stage.RequestReceived;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Ready-made audit policies, each valid {@code audit.k8s.io/v1}. */
public enum PolicyProfile {
  /**
   * The policy of Calico's "Kubernetes audit logs" documentation: create, update, patch and delete
   * of pods, namespaces, service accounts, endpoints and network policies at RequestResponse,
   * nothing else. Exactly what Calico's compliance reports replay, and no more.
   */
  CALICO(
      "the policy Calico's audit-log documentation recommends: full bodies of changes to the"
          + " resources its compliance reports replay, nothing else") {
    @Override
    Policy build() {
      return Policy.of(
              PolicyRule.of(RequestResponse)
                  .withVerbs("create", "patch", "update", "delete")
                  .withResources(
                      GroupResources.of("networking.k8s.io", "networkpolicies"),
                      GroupResources.of("extensions", "networkpolicies"),
                      GroupResources.of("", "pods", "namespaces", "serviceaccounts", "endpoints")))
          .withOmitStages(RequestReceived);
    }
  },

  /**
   * The default policy of Kubernetes' GCE/GKE cluster scripts ({@code create-master-audit-policy}
   * in {@code cluster/gce/gci/configure-helper.sh}): 17 rules that drop high-volume system noise,
   * keep secrets and config maps at Metadata, reads at Request and writes to the known API groups
   * at RequestResponse.
   */
  GKE(
      "the default policy of Kubernetes' GCE/GKE cluster scripts (configure-helper.sh): system"
          + " noise dropped, secrets at Metadata, reads at Request, writes at RequestResponse") {
    @Override
    Policy build() {
      GroupResources[] knownApis =
          KnownApis.GROUPS.stream().map(GroupResources::of).toArray(GroupResources[]::new);
      return Policy.of(
          PolicyRule.of(None)
              .withUsers("system:kube-proxy")
              .withVerbs("watch")
              .withResources(GroupResources.of("", "endpoints", "services", "services/status")),
          PolicyRule.of(None)
              .withUsers("system:unsecured")
              .withNamespaces("kube-system")
              .withVerbs("get")
              .withResources(GroupResources.of("", "configmaps")),
          PolicyRule.of(None)
              .withUsers("kubelet")
              .withVerbs("get")
              .withResources(GroupResources.of("", "nodes", "nodes/status")),
          PolicyRule.of(None)
              .withUserGroups("system:nodes")
              .withVerbs("get")
              .withResources(GroupResources.of("", "nodes", "nodes/status")),
          PolicyRule.of(None)
              .withUsers(
                  "system:kube-controller-manager",
                  "system:cloud-controller-manager",
                  "system:kube-scheduler",
                  "system:serviceaccount:kube-system:endpoint-controller")
              .withVerbs("get", "update")
              .withNamespaces("kube-system")
              .withResources(GroupResources.of("", "endpoints")),
          PolicyRule.of(None)
              .withUsers("system:apiserver")
              .withVerbs("get")
              .withResources(
                  GroupResources.of("", "namespaces", "namespaces/status", "namespaces/finalize")),
          PolicyRule.of(None)
              .withUsers("cluster-autoscaler")
              .withVerbs("get", "update")
              .withNamespaces("kube-system")
              .withResources(GroupResources.of("", "configmaps", "endpoints")),
          PolicyRule.of(None)
              .withUsers("system:kube-controller-manager", "system:cloud-controller-manager")
              .withVerbs("get", "list")
              .withResources(GroupResources.of("metrics.k8s.io")),
          PolicyRule.of(None).withNonResourceURLs("/healthz*", "/version", "/swagger*"),
          PolicyRule.of(None).withResources(GroupResources.of("", "events")),
          PolicyRule.of(Request)
              .withUsers(
                  "kubelet",
                  "system:node-problem-detector",
                  "system:serviceaccount:kube-system:node-problem-detector")
              .withVerbs("update", "patch")
              .withResources(GroupResources.of("", "nodes/status", "pods/status"))
              .withOmitStages(RequestReceived),
          PolicyRule.of(Request)
              .withUserGroups("system:nodes")
              .withVerbs("update", "patch")
              .withResources(GroupResources.of("", "nodes/status", "pods/status"))
              .withOmitStages(RequestReceived),
          PolicyRule.of(Request)
              .withUsers("system:serviceaccount:kube-system:namespace-controller")
              .withVerbs("deletecollection")
              .withOmitStages(RequestReceived),
          PolicyRule.of(Metadata)
              .withResources(
                  GroupResources.of("", "secrets", "configmaps", "serviceaccounts/token"),
                  GroupResources.of("authentication.k8s.io", "tokenreviews"))
              .withOmitStages(RequestReceived),
          PolicyRule.of(Request)
              .withVerbs("get", "list", "watch")
              .withResources(knownApis)
              .withOmitStages(RequestReceived),
          PolicyRule.of(RequestResponse).withResources(knownApis).withOmitStages(RequestReceived),
          PolicyRule.of(Metadata).withOmitStages(RequestReceived));
    }
  },

  /**
   * A policy for CIS Kubernetes Benchmark 3.2.1 and 3.2.2: secrets, config maps, token reviews and
   * token requests only at Metadata (their bodies are credentials); changes to RBAC objects, the
   * resources kubetrail replays (pods, namespaces, service accounts, endpoints, network policies,
   * and the status of pods and namespaces) and workloads at RequestResponse; exec, attach,
   * port-forward and proxy at Metadata; health, metrics and version probes and events not at all;
   * everything else at Metadata. No event at RequestReceived.
   */
  CIS(
      "a CIS Kubernetes Benchmark 3.2 policy: secrets, config maps and tokens at Metadata; changes"
          + " to RBAC, pods, namespaces, service accounts, endpoints, network policies and workloads at"
          + " RequestResponse; probes and events dropped; everything else at Metadata") {
    @Override
    Policy build() {
      String[] changes = {"create", "update", "patch", "delete", "deletecollection"};
      return Policy.of(
              PolicyRule.of(None)
                  .withNonResourceURLs(
                      "/healthz*",
                      "/livez*",
                      "/readyz*",
                      "/metrics*",
                      "/version",
                      "/openapi*",
                      "/swagger*"),
              PolicyRule.of(None)
                  .withResources(
                      GroupResources.of("", "events"),
                      GroupResources.of("events.k8s.io", "events")),
              PolicyRule.of(Metadata)
                  .withResources(
                      GroupResources.of("", "secrets", "configmaps", "serviceaccounts/token"),
                      GroupResources.of("authentication.k8s.io", "tokenreviews")),
              PolicyRule.of(Metadata)
                  .withResources(
                      GroupResources.of(
                          "",
                          "pods/exec",
                          "pods/attach",
                          "pods/portforward",
                          "pods/proxy",
                          "services/proxy",
                          "nodes/proxy")),
              PolicyRule.of(RequestResponse)
                  .withVerbs(changes)
                  .withResources(
                      GroupResources.of(
                          "rbac.authorization.k8s.io",
                          "roles",
                          "rolebindings",
                          "clusterroles",
                          "clusterrolebindings")),
              PolicyRule.of(RequestResponse)
                  .withVerbs(changes)
                  .withResources(
                      GroupResources.of(
                          "",
                          "pods",
                          "pods/status",
                          "namespaces",
                          "namespaces/status",
                          "serviceaccounts",
                          "endpoints"),
                      GroupResources.of("networking.k8s.io", "networkpolicies"),
                      GroupResources.of("extensions", "networkpolicies"),
                      GroupResources.of(
                          "apps", "deployments", "daemonsets", "statefulsets", "replicasets"),
                      GroupResources.of("batch", "jobs", "cronjobs")),
              PolicyRule.of(Metadata))
          .withOmitStages(RequestReceived);
    }
  };

  /**
   * The groups {@code configure-helper.sh} calls its "known APIs", in its order. A holder class,
   * because enum constants are built before the enum's own static fields.
   */
  static final class KnownApis {
    static final List<String> GROUPS =
        List.of(
            "",
            "admissionregistration.k8s.io",
            "apiextensions.k8s.io",
            "apiregistration.k8s.io",
            "apps",
            "authentication.k8s.io",
            "authorization.k8s.io",
            "autoscaling",
            "batch",
            "certificates.k8s.io",
            "extensions",
            "metrics.k8s.io",
            "networking.k8s.io",
            "node.k8s.io",
            "policy",
            "rbac.authorization.k8s.io",
            "scheduling.k8s.io",
            "storage.k8s.io");

    private KnownApis() {}
  }

  private final String description;
  private final Policy policy;

  PolicyProfile(String description) {
    this.description = description;
    this.policy = build();
  }

  abstract Policy build();

  /** The policy, {@code audit.k8s.io/v1}. */
  public Policy policy() {
    return policy;
  }

  /** The name used on the command line: {@code calico}, {@code gke}, {@code cis}. */
  public String profileName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** One line on what the policy logs. */
  public String description() {
    return description;
  }

  /** The profile with this {@link #profileName()}, if any. */
  public static Optional<PolicyProfile> byName(String name) {
    return Arrays.stream(values()).filter(p -> p.profileName().equals(name)).findFirst();
  }
}
