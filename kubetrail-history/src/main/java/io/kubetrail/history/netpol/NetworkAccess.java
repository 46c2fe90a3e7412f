package io.kubetrail.history.netpol;

import io.kubetrail.history.ClusterState;
import io.kubetrail.history.LiveObject;
import io.kubetrail.history.StateHistory;
import io.kubetrail.history.WalkStats;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Which NetworkPolicies select each pod of a cluster state, and how exposed each pod is then, by
 * the design's "Exposure" rules: a pure function of the state's pods, namespaces and
 * networkpolicies (other objects are ignored).
 *
 * <p>Choices where the design leaves room: a policy's rules count only in the directions of its
 * policyTypes (defaulted as the API server does: Ingress always, Egress when it has egress rules).
 * Private addresses are RFC 1918 for IPv4 and unique local (fc00::/7) for IPv6; an ipBlock counts
 * as private only when every address it admits after its excepts is. A namespaceSelector that,
 * against the state's namespaces, selects only the pod's own namespace does not make the pod
 * reachable from other namespaces; an empty one, or any when the pod's namespace object is not in
 * the state, does. Ports are read and checked but do not change the flags.
 */
public final class NetworkAccess {
  private NetworkAccess() {}

  /**
   * The resources ({@code objectRef.resource}) whose changes {@link #overInterval} reads: pods,
   * namespaces, Kubernetes' and Calico's policies, Calico's tiers, Endpoints and EndpointSlices.
   */
  public static Set<String> resourcesRead() {
    return IntervalEvaluation.RESOURCES;
  }

  /**
   * The resources {@link #overInterval} reads for a scope: those of {@link #resourcesRead()}, and
   * ServiceAccounts when the scope selects them by their labels.
   */
  public static Set<String> resourcesRead(EndpointScope scope) {
    return new IntervalEvaluation(Objects.requireNonNull(scope, "scope")).resources();
  }

  /**
   * The exposure of every pod of a state, sorted by namespace and name.
   *
   * @throws NetworkPolicyException when a pod, namespace or policy body is one the API server would
   *     have refused (names the object and field)
   */
  public static List<PodExposure> evaluate(ClusterState state) throws NetworkPolicyException {
    Objects.requireNonNull(state, "state");
    return evaluate(state.objects());
  }

  /**
   * The exposure of every pod among the objects, sorted by namespace and name.
   *
   * @throws NetworkPolicyException when a pod, namespace or policy body is one the API server would
   *     have refused (names the object and field)
   */
  public static List<PodExposure> evaluate(Collection<LiveObject> objects)
      throws NetworkPolicyException {
    Objects.requireNonNull(objects, "objects");
    return Evaluator.evaluate(PolicyReader.read(objects));
  }

  /**
   * The network-access and inventory reports' data over the interval [{@code start}, {@code end}]:
   * the state at {@code start}, then every change up to and at {@code end}. Each pod in scope at
   * any instant of it is listed once, protected when it was at every instant it was in scope,
   * exposed when it was at any (see {@link EndpointExposure}).
   *
   * <p>The state at {@code start} comes from the nearest checkpoint or snapshot; from there only
   * changes to pods, namespaces, NetworkPolicies, Endpoints and EndpointSlices are read, and after
   * each only the pods it can affect are evaluated again.
   *
   * @throws NetworkPolicyException when a pod, namespace or policy body at some instant is one the
   *     API server would have refused (names the object and field)
   * @throws IllegalArgumentException when {@code end} is before {@code start}
   */
  public static ExposureReport overInterval(
      StateHistory history, Instant start, Instant end, EndpointScope scope)
      throws IOException, NetworkPolicyException {
    Objects.requireNonNull(history, "history");
    Objects.requireNonNull(scope, "scope");
    IntervalEvaluation walk = new IntervalEvaluation(scope);
    WalkStats stats = history.walk(start, end, walk.resources(), walk);
    List<String> notes = new ArrayList<>(stats.toStart().notes());
    for (String w : stats.warnings()) {
      if (!notes.contains(w)) {
        notes.add(w);
      }
    }
    ExposureEvidence evidence =
        new ExposureEvidence(
            start,
            end,
            stats.toStart().startedFrom(),
            stats.toStart().startedAt(),
            stats.toStart().changesRead(),
            stats.changesWalked(),
            walk.evaluations(),
            notes);
    return ExposureReport.of(scope, walk.endpoints(), evidence);
  }
}
