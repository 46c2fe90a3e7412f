package io.kubetrail.policy;

import io.kubetrail.event.Level;
import io.kubetrail.event.Stage;
import io.kubetrail.event.UserInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a policy logs of the changes kubetrail replays into cluster state and compliance reports:
 * create, update, patch and delete of pods, namespaces, service accounts and endpoints (core) and
 * of network policies ({@code networking.k8s.io} and {@code extensions}). Replay needs the response
 * body of each change, so anything below RequestResponse, or a policy that omits the
 * ResponseComplete stage, loses state.
 *
 * <p>Policies often single out kubelets and controllers, whose writes replay needs most, so each
 * change is probed as several requests and a {@link Cell} reports the lowest level any of them
 * gets:
 *
 * <ul>
 *   <li>as each of the {@link #REQUESTERS}: an administrator, an ordinary user, a kubelet, a
 *       kube-system controller service account, the namespace controller and, for endpoints, the
 *       kube-controller-manager and the endpoint controller;
 *   <li>in each of the {@link #NAMESPACES}, on an object named {@value #NAME} (no name for creates;
 *       a Namespace carries its own name as namespace, and a create of one has no namespace);
 *   <li>update and patch of pods and namespaces also as a write to their {@code status} subresource
 *       (kubelets report pod status there), and delete of namespaced resources also as {@code
 *       deletecollection} (the namespace controller empties a deleted namespace so).
 * </ul>
 *
 * Rules that single out still other users, groups or namespaces may decide differently for requests
 * not probed here.
 */
public record Coverage(List<Coverage.Requester> requesters, List<Coverage.Cell> cells) {

  /** A cluster administrator, as kubeadm's {@code admin.conf} authenticates. */
  public static final Requester ADMIN =
      Requester.of(
          "admin",
          UserInfo.of("kubernetes-admin", "kubeadm:cluster-admins", "system:authenticated"));

  /** An ordinary authenticated user. */
  public static final Requester USER =
      Requester.of("user", UserInfo.of("jane", "system:authenticated"));

  /** A kubelet, as the Node authorizer knows it. */
  public static final Requester KUBELET =
      Requester.of(
          "kubelet", UserInfo.of("system:node:node-1", "system:nodes", "system:authenticated"));

  /** A controller of kube-controller-manager running with its own service account. */
  public static final Requester CONTROLLER =
      Requester.of("controller", serviceAccount("replicaset-controller"));

  /** The controller that deletes everything in a namespace being deleted. */
  public static final Requester NAMESPACE_CONTROLLER =
      Requester.of("namespace-controller", serviceAccount("namespace-controller"));

  /** kube-controller-manager's own identity; its leader-election endpoints live in kube-system. */
  public static final Requester CONTROLLER_MANAGER =
      Requester.of(
          "controller-manager",
          UserInfo.of("system:kube-controller-manager", "system:authenticated"),
          new Target("", "endpoints"));

  /** The controller that maintains the endpoints of every service. */
  public static final Requester ENDPOINT_CONTROLLER =
      Requester.of(
          "endpoint-controller",
          serviceAccount("endpoint-controller"),
          new Target("", "endpoints"));

  /** Every requester a change is probed as, in report order. */
  public static final List<Requester> REQUESTERS =
      List.of(
          ADMIN,
          USER,
          KUBELET,
          CONTROLLER,
          NAMESPACE_CONTROLLER,
          CONTROLLER_MANAGER,
          ENDPOINT_CONTROLLER);

  /** The namespaces every change is probed in. */
  public static final List<String> NAMESPACES = List.of("default", "kube-system");

  public static final String NAME = "example";

  /** The verbs that change objects, in table order. */
  public static final List<String> VERBS = List.of("create", "update", "patch", "delete");

  /** The resources whose changes kubetrail replays, in table order. */
  public static final List<Target> TARGETS =
      List.of(
          new Target("", "pods"),
          new Target("", "namespaces"),
          new Target("", "serviceaccounts"),
          new Target("", "endpoints"),
          new Target("networking.k8s.io", "networkpolicies"),
          new Target("extensions", "networkpolicies"));

  /** The resources whose status subresource is written apart from the object. */
  private static final Set<Target> WITH_STATUS =
      Set.of(new Target("", "pods"), new Target("", "namespaces"));

  private static final Target NAMESPACE_OBJECTS = new Target("", "namespaces");

  public Coverage {
    requesters = List.copyOf(requesters);
    cells = List.copyOf(cells);
  }

  private static UserInfo serviceAccount(String name) {
    return UserInfo.of(
        "system:serviceaccount:kube-system:" + name,
        "system:serviceaccounts",
        "system:serviceaccounts:kube-system",
        "system:authenticated");
  }

  /** A resource of an API group ({@code ""} for core). */
  public record Target(String apiGroup, String resource) {
    public Target {
      Objects.requireNonNull(apiGroup, "apiGroup");
      Objects.requireNonNull(resource, "resource");
    }

    /** {@code pods}, or {@code networkpolicies.networking.k8s.io} outside the core group. */
    public String label() {
      return apiGroup.isEmpty() ? resource : resource + "." + apiGroup;
    }
  }

  /**
   * Someone who changes objects.
   *
   * @param name a short name for tables and warnings, such as {@code kubelet}
   * @param targets the resources this requester is probed on; empty for all of {@link #TARGETS}
   */
  public record Requester(String name, UserInfo user, Set<Target> targets) {
    public Requester {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(user, "user");
      targets = Set.copyOf(targets);
    }

    static Requester of(String name, UserInfo user, Target... targets) {
      return new Requester(name, user, Set.of(targets));
    }

    public boolean changes(Target target) {
      return targets.isEmpty() || targets.contains(target);
    }
  }

  /** One request that makes a change, and what the policy decides for it. */
  public record Probe(Requester requester, RequestAttributes request, Decision decision) {
    public Probe {
      Objects.requireNonNull(requester, "requester");
      Objects.requireNonNull(request, "request");
      Objects.requireNonNull(decision, "decision");
    }

    /** The level of the ResponseComplete event: None when that stage is omitted. */
    public Level effectiveLevel() {
      return decision.omits(Stage.ResponseComplete) ? Level.None : decision.level();
    }

    public boolean belowRequestResponse() {
      return effectiveLevel() != Level.RequestResponse;
    }

    /** {@code pods/status}, {@code endpoints}. */
    public String resourceLabel() {
      return request.subresource().isEmpty()
          ? request.resource()
          : request.resource() + "/" + request.subresource();
    }
  }

  /** What the policy decides for one verb on one target, for every probe of it. */
  public record Cell(Target target, String verb, List<Probe> probes) {
    public Cell {
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(verb, "verb");
      probes = List.copyOf(probes);
      if (probes.isEmpty()) {
        throw new IllegalArgumentException("no probes for " + verb + " " + target);
      }
    }

    /** The probe with the lowest level; the first of them in probe order on a tie. */
    public Probe lowest() {
      return probes.stream().min(Comparator.comparing(Probe::effectiveLevel)).orElseThrow();
    }

    /** The lowest level of the ResponseComplete event any probe gets. */
    public Level effectiveLevel() {
      return lowest().effectiveLevel();
    }

    /** The decision for the {@link #lowest()} probe. */
    public Decision decision() {
      return lowest().decision();
    }

    /** Whether every probe gets the same decision, so the cell needs no requester to explain. */
    public boolean uniform() {
      Decision first = probes.get(0).decision();
      return probes.stream().allMatch(p -> p.decision() == first);
    }

    public boolean belowRequestResponse() {
      return effectiveLevel() != Level.RequestResponse;
    }

    /** The probes below RequestResponse, in probe order. */
    public List<Probe> gaps() {
      return probes.stream().filter(Probe::belowRequestResponse).toList();
    }

    /** {@code create pods}, {@code patch networkpolicies.extensions}. */
    public String label() {
      return verb + " " + target.label();
    }
  }

  /** The coverage of a policy. */
  public static Coverage of(PolicyEvaluator evaluator) {
    List<Cell> cells = new ArrayList<>();
    for (Target target : TARGETS) {
      for (String verb : VERBS) {
        List<Probe> probes = new ArrayList<>();
        for (Requester requester : REQUESTERS) {
          if (!requester.changes(target)) {
            continue;
          }
          for (RequestAttributes request : requests(requester.user(), target, verb)) {
            probes.add(new Probe(requester, request, evaluator.evaluate(request)));
          }
        }
        cells.add(new Cell(target, verb, probes));
      }
    }
    return new Coverage(REQUESTERS, cells);
  }

  /** The distinct requests a change of {@code target} by {@code verb} makes, in probe order. */
  static List<RequestAttributes> requests(UserInfo user, Target target, String verb) {
    Set<RequestAttributes> requests = new LinkedHashSet<>();
    boolean isNamespace = target.equals(NAMESPACE_OBJECTS);
    boolean create = verb.equals("create");
    for (String ns : NAMESPACES) {
      // POST /api/v1/namespaces has no namespace; /api/v1/namespaces/default has "default".
      String namespace = isNamespace && create ? "" : ns;
      String name = create ? "" : isNamespace ? ns : NAME;
      requests.add(request(user, verb, target, "", namespace, name));
      if (WITH_STATUS.contains(target) && (verb.equals("update") || verb.equals("patch"))) {
        requests.add(request(user, verb, target, "status", namespace, name));
      }
      if (!isNamespace && verb.equals("delete")) {
        requests.add(request(user, "deletecollection", target, "", namespace, ""));
      }
    }
    return List.copyOf(requests);
  }

  private static RequestAttributes request(
      UserInfo user, String verb, Target target, String sub, String namespace, String name) {
    return RequestAttributes.resource(
        Optional.of(user), verb, target.apiGroup(), target.resource(), sub, namespace, name);
  }

  /** The cell for a target and verb. */
  public Cell cell(Target target, String verb) {
    return cells.stream()
        .filter(c -> c.target().equals(target) && c.verb().equals(verb))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no cell for " + verb + " " + target));
  }

  /**
   * The changes some probe gets below RequestResponse (or not at ResponseComplete), in table order.
   */
  public List<Cell> belowRequestResponse() {
    return cells.stream().filter(Cell::belowRequestResponse).toList();
  }
}
