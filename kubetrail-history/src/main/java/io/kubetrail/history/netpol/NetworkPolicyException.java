package io.kubetrail.history.netpol;

import java.util.Objects;

/**
 * An object whose body the API server would have refused, so its effect on the network cannot be
 * known: names the object and the field path, e.g. {@code
 * networkpolicies.networking.k8s.io/app/deny: spec.ingress[0].from[1].ipBlock.cidr: not a CIDR:
 * "10.0.0/8"}.
 */
public final class NetworkPolicyException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String object;
  private final String path;

  public NetworkPolicyException(String object, String path, String problem) {
    super(
        Objects.requireNonNull(object, "object")
            + ": "
            + Objects.requireNonNull(path, "path")
            + ": "
            + Objects.requireNonNull(problem, "problem"));
    this.object = object;
    this.path = path;
  }

  /** The object, as {@code resource.group/namespace/name}. */
  public String object() {
    return object;
  }

  /** The field path in the object's body, e.g. {@code spec.policyTypes[1]}. */
  public String path() {
    return path;
  }
}
