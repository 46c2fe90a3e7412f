package io.kubetrail.report;

import io.kubetrail.history.netpol.PodExposure;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What the endpoint sections of a report are made from: each in-scope pod's exposure over the
 * interval, who it ran as, and which services routed to it. {@link EndpointReporter} turns it into
 * rows and summaries; {@link ExposureOverInterval} computes it.
 *
 * @param exposures by pod ({@code namespace/name}), combined over every instant it was in scope
 * @param serviceAccounts by pod, the last seen
 * @param services by pod, every service ({@code namespace/name}) whose endpoints listed it
 */
record EndpointData(
    Map<String, PodExposure> exposures,
    Map<String, String> serviceAccounts,
    Map<String, Set<String>> services) {
  EndpointData {
    exposures = Map.copyOf(exposures);
    serviceAccounts = Map.copyOf(serviceAccounts);
    services = Map.copyOf(services);
    Objects.requireNonNull(exposures, "exposures");
  }
}
