package io.kubetrail.simulate;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everyone who talks to the simulated API server: people with kubectl, the control plane's
 * controllers, kubelets, add-ons and anonymous health probes, with the user names, groups, user
 * agents, addresses and RBAC reasons a kubeadm cluster shows.
 */
final class Cast {
  static final String KUBE_VERSION = "v1.31.4";
  static final String KUBE_COMMIT = "a78aa47";
  static final String CONTROL_PLANE_IP = "10.0.0.10";

  private static final List<String> AUTHENTICATED = List.of("system:authenticated");
  private static final List<String> KUBE_SYSTEM_SA =
      List.of(
          "system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated");

  final Actor admin;
  final Actor alice;
  final Actor bob;
  final Actor ciDeployer;
  final Actor controllerManager;
  final Actor scheduler;
  final Actor schedulerElection;
  final Actor readinessProbe;
  final Actor loadBalancerProbe;
  final Actor coredns;
  final Actor prometheus;
  private final Map<String, Actor> controllers = new TreeMap<>();
  private final Rng rng;

  Cast(Rng rng) {
    this.rng = rng;
    admin =
        new Actor(
            "kubernetes-admin",
            "",
            List.of("kubeadm:cluster-admins", "system:authenticated"),
            Map.of("authentication.kubernetes.io/credential-id", List.of(x509())),
            kubectl("linux/amd64", KUBE_VERSION, KUBE_COMMIT),
            "192.168.10.21",
            clusterRoleBinding(
                "kubeadm:cluster-admins", "cluster-admin", "Group", "kubeadm:cluster-admins"));
    alice =
        new Actor(
            "alice@example.com",
            "",
            List.of("developers", "system:authenticated"),
            Map.of(),
            kubectl("darwin/arm64", "v1.31.2", "5864a46"),
            "192.168.10.34",
            "RBAC: allowed by RoleBinding \"developers-edit/{ns}\" of ClusterRole \"edit\" to Group"
                + " \"developers\"");
    bob =
        new Actor(
            "bob@example.com",
            "",
            List.of("auditors", "system:authenticated"),
            Map.of(),
            kubectl("linux/amd64", "v1.30.6", "00f20d4"),
            "192.168.10.57",
            clusterRoleBinding("auditors-view", "view", "Group", "auditors"));
    ciDeployer =
        new Actor(
            "system:serviceaccount:ci:deployer",
            rng.uuid(),
            List.of("system:serviceaccounts", "system:serviceaccounts:ci", "system:authenticated"),
            Map.of(
                "authentication.kubernetes.io/credential-id", List.of("JTI=" + rng.uuid()),
                "authentication.kubernetes.io/node-name", List.of("worker-1"),
                "authentication.kubernetes.io/node-uid", List.of(rng.uuid()),
                "authentication.kubernetes.io/pod-name",
                    List.of("deployer-6d9c7b5f4-" + rng.nameSuffix(5)),
                "authentication.kubernetes.io/pod-uid", List.of(rng.uuid())),
            "argocd-application-controller/v0.0.0 (linux/amd64) kubernetes/$Format",
            "10.244.1.9",
            clusterRoleBinding("ci-deployer", "cluster-admin", "ServiceAccount", "deployer/ci"));
    controllerManager =
        new Actor(
            "system:kube-controller-manager",
            "",
            AUTHENTICATED,
            Map.of("authentication.kubernetes.io/credential-id", List.of(x509())),
            component("kube-controller-manager", "leader-election"),
            CONTROL_PLANE_IP,
            clusterRoleBinding(
                "system:kube-controller-manager",
                "system:kube-controller-manager",
                "User",
                "system:kube-controller-manager"));
    scheduler =
        new Actor(
            "system:kube-scheduler",
            "",
            AUTHENTICATED,
            Map.of("authentication.kubernetes.io/credential-id", List.of(x509())),
            component("kube-scheduler", "scheduler"),
            CONTROL_PLANE_IP,
            clusterRoleBinding(
                "system:kube-scheduler", "system:kube-scheduler", "User", "system:kube-scheduler"));
    schedulerElection = scheduler.withUserAgent(component("kube-scheduler", "leader-election"));
    readinessProbe =
        new Actor(
            "system:anonymous",
            "",
            List.of("system:unauthenticated"),
            Map.of(),
            "kube-probe/1.31",
            CONTROL_PLANE_IP,
            clusterRoleBinding(
                "system:public-info-viewer",
                "system:public-info-viewer",
                "Group",
                "system:unauthenticated"));
    loadBalancerProbe =
        new Actor(
            "system:anonymous",
            "",
            List.of("system:unauthenticated"),
            Map.of(),
            "ELB-HealthChecker/2.0",
            "10.0.0.5",
            readinessProbe.reasonTemplate());
    coredns =
        serviceAccount("kube-system", "coredns", "coredns/1.11.3", "10.244.0.2", "system:coredns");
    prometheus =
        serviceAccount("monitoring", "prometheus", "Prometheus/2.55.1", "10.244.2.4", "prometheus");
  }

  /** A kube-controller-manager controller running with its own service account credentials. */
  Actor controller(String name) {
    return controllers.computeIfAbsent(
        name,
        n ->
            new Actor(
                "system:serviceaccount:kube-system:" + n,
                rng.uuid(),
                KUBE_SYSTEM_SA,
                Map.of("authentication.kubernetes.io/credential-id", List.of("JTI=" + rng.uuid())),
                component("kube-controller-manager", "system:serviceaccount:kube-system:" + n),
                CONTROL_PLANE_IP,
                clusterRoleBinding(
                    "system:controller:" + n,
                    "system:controller:" + n,
                    "ServiceAccount",
                    n + "/kube-system")));
  }

  /** The kubelet of a node; the Node authorizer gives no reason. */
  Actor kubelet(String node, String ip) {
    return new Actor(
        "system:node:" + node,
        "",
        List.of("system:nodes", "system:authenticated"),
        Map.of("authentication.kubernetes.io/credential-id", List.of(x509())),
        "kubelet/" + KUBE_VERSION + " (linux/amd64) kubernetes/" + KUBE_COMMIT,
        ip,
        "");
  }

  Actor kubeProxy(String ip) {
    return new Actor(
        "system:serviceaccount:kube-system:kube-proxy",
        rng.uuid(),
        KUBE_SYSTEM_SA,
        Map.of("authentication.kubernetes.io/credential-id", List.of("JTI=" + rng.uuid())),
        "kube-proxy/" + KUBE_VERSION + " (linux/amd64) kubernetes/" + KUBE_COMMIT,
        ip,
        clusterRoleBinding(
            "kubeadm:node-proxier",
            "system:node-proxier",
            "ServiceAccount",
            "kube-proxy/kube-system"));
  }

  private Actor serviceAccount(
      String namespace, String name, String agent, String ip, String binding) {
    return new Actor(
        "system:serviceaccount:" + namespace + ":" + name,
        rng.uuid(),
        List.of(
            "system:serviceaccounts",
            "system:serviceaccounts:" + namespace,
            "system:authenticated"),
        Map.of("authentication.kubernetes.io/credential-id", List.of("JTI=" + rng.uuid())),
        agent,
        ip,
        clusterRoleBinding(binding, binding, "ServiceAccount", name + "/" + namespace));
  }

  /** The same person acting as someone else through {@code kubectl --as}. */
  static Actor impersonating(Actor as) {
    return new Actor(
        as.username(),
        "",
        as.groups(),
        Map.of(),
        as.userAgent(),
        as.sourceIp(),
        as.reasonTemplate());
  }

  static String component(String name, String suffix) {
    return name + "/" + KUBE_VERSION + " (linux/amd64) kubernetes/" + KUBE_COMMIT + "/" + suffix;
  }

  private static String kubectl(String platform, String version, String commit) {
    return "kubectl/" + version + " (" + platform + ") kubernetes/" + commit;
  }

  private static String clusterRoleBinding(
      String binding, String role, String subjectKind, String subject) {
    return "RBAC: allowed by ClusterRoleBinding \""
        + binding
        + "\" of ClusterRole \""
        + role
        + "\" to "
        + subjectKind
        + " \""
        + subject
        + "\"";
  }

  private String x509() {
    return "X509SHA256=" + rng.hex(64);
  }
}
