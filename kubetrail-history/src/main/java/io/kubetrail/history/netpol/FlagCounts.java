package io.kubetrail.history.netpol;

/**
 * How many rows of one table of a report are in scope and how many carry each flag: the columns of
 * Calico's summaries ({@code endpointsNumInScope}, {@code endpointsNumIngressProtected}, ...).
 * Services have ingress flags only: their egress counts are 0.
 */
public record FlagCounts(
    int inScope,
    int ingressProtected,
    int egressProtected,
    int ingressFromInternet,
    int egressToInternet,
    int ingressFromOtherNamespace,
    int egressToOtherNamespace) {}
