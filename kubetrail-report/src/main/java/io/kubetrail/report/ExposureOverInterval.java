package io.kubetrail.report;

import java.io.IOException;

/**
 * Computes the exposure of the pods in scope over a report's interval: the one place where the
 * reports meet the exposure rules, so an implementation that follows every instant of the interval
 * can replace {@link SampledExposure}.
 */
interface ExposureOverInterval {
  EndpointData compute(Interval interval, Scope scope) throws IOException;
}
