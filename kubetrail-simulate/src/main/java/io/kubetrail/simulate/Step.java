package io.kubetrail.simulate;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What one {@link Simulation#step()} wrote.
 *
 * @param number the step's number, from 1
 * @param clusterTime the cluster time after the step: the state at this time (every change whose
 *     {@code ResponseComplete} has a {@code stageTimestamp} at or before it) is {@link
 *     Simulation#liveObjects()}; strictly increasing from step to step
 * @param lines the audit events written, one JSON document per line, without line terminators: the
 *     completions of earlier long-running requests that ended by now, then the 2 or 3 events of
 *     this step's request
 */
public record Step(long number, Instant clusterTime, List<String> lines) {
  public Step {
    Objects.requireNonNull(clusterTime, "clusterTime");
    lines = List.copyOf(lines);
  }
}
