package io.kubetrail.history.netpol;

import io.kubetrail.history.ClusterState;
import io.kubetrail.history.LiveObject;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

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
}
