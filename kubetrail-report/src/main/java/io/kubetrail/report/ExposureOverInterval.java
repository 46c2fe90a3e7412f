package io.kubetrail.report;

/**
 * Computes the exposure of the pods in scope over a report's interval: the one place where the
 * reports meet the exposure rules, so an implementation that follows every instant of the interval
 * can replace {@link SampledExposure}. It sees each change of the interval as it is replayed, then
 * gives its result.
 */
interface ExposureOverInterval extends Interval.Visitor {
  /** The result, once the whole interval has been replayed. */
  EndpointData finish(Interval interval);
}
