package io.kubetrail.policy;

import io.kubetrail.event.Level;
import io.kubetrail.event.Stage;
import io.kubetrail.event.UserInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a policy logs of the changes kubetrail replays into cluster state and compliance reports:
 * create, update, patch and delete of pods, namespaces, service accounts and endpoints (core) and
 * of network policies ({@code networking.k8s.io} and {@code extensions}). Replay needs the response
 * body of each change, so anything below RequestResponse, or a policy that omits the
 * ResponseComplete stage, loses state.
 *
 * <p>Each change is evaluated as a request by {@link #REPRESENTATIVE_USER} (a cluster
 * administrator, as kubeadm's {@code admin.conf} authenticates) in namespace {@value #NAMESPACE},
 * on an object named {@value #NAME} (no name for creates; a Namespace named {@value #NAMESPACE}
 * carries its own name as namespace). Rules that single out other users, groups or namespaces may
 * decide differently for other requests.
 */
public record Coverage(UserInfo user, List<Coverage.Cell> cells) {

  /** The user every probe request is made as. */
  public static final UserInfo REPRESENTATIVE_USER =
      UserInfo.of("kubernetes-admin", "kubeadm:cluster-admins", "system:authenticated");

  public static final String NAMESPACE = "default";
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

  public Coverage {
    Objects.requireNonNull(user, "user");
    cells = List.copyOf(cells);
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

  /** The decision for one verb on one target. */
  public record Cell(Target target, String verb, Decision decision) {
    public Cell {
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(verb, "verb");
      Objects.requireNonNull(decision, "decision");
    }

    /** The level of the ResponseComplete event: None when that stage is omitted. */
    public Level effectiveLevel() {
      return decision.omits(Stage.ResponseComplete) ? Level.None : decision.level();
    }

    public boolean belowRequestResponse() {
      return effectiveLevel() != Level.RequestResponse;
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
        cells.add(new Cell(target, verb, evaluator.evaluate(probe(target, verb))));
      }
    }
    return new Coverage(REPRESENTATIVE_USER, cells);
  }

  /** The request a change of {@code target} by {@code verb} makes. */
  static RequestAttributes probe(Target target, String verb) {
    boolean create = verb.equals("create");
    boolean isNamespace = target.apiGroup().isEmpty() && target.resource().equals("namespaces");
    String name = create ? "" : isNamespace ? NAMESPACE : NAME;
    // POST /api/v1/namespaces has no namespace; /api/v1/namespaces/default has "default".
    String namespace = isNamespace && create ? "" : NAMESPACE;
    return RequestAttributes.resource(
        Optional.of(REPRESENTATIVE_USER),
        verb,
        target.apiGroup(),
        target.resource(),
        "",
        namespace,
        name);
  }

  /** The cell for a target and verb. */
  public Cell cell(Target target, String verb) {
    return cells.stream()
        .filter(c -> c.target().equals(target) && c.verb().equals(verb))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no cell for " + verb + " " + target));
  }

  /** The changes logged below RequestResponse (or not at ResponseComplete), in table order. */
  public List<Cell> belowRequestResponse() {
    return cells.stream().filter(Cell::belowRequestResponse).toList();
  }
}
