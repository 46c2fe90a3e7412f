package io.kubetrail.history.netpol;

import java.util.Objects;

/**
 * One namespace over a report's interval, from its in-scope pods: protected when every one of them
 * was protected throughout, exposed when any of them was exposed at some instant.
 */
public record NamespaceExposure(
    String namespace,
    boolean ingressProtected,
    boolean egressProtected,
    boolean ingressFromInternet,
    boolean egressToInternet,
    boolean ingressFromOtherNamespace,
    boolean egressToOtherNamespace) {

  public NamespaceExposure {
    Objects.requireNonNull(namespace, "namespace");
  }
}
