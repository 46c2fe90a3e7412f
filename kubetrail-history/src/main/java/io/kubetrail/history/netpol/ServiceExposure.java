package io.kubetrail.history.netpol;

import java.util.Objects;

/**
 * One Service over a report's interval, from the in-scope pods its Endpoints or EndpointSlices
 * pointed at: ingress only, as in Calico's services table, since a Service only receives.
 *
 * @param service {@code namespace/name}
 */
public record ServiceExposure(
    String service,
    boolean ingressProtected,
    boolean ingressFromInternet,
    boolean ingressFromOtherNamespace) {

  public ServiceExposure {
    Objects.requireNonNull(service, "service");
  }
}
