package io.kubetrail.history.netpol;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * How a report over an interval was worked out, for whoever has to trust it.
 *
 * @param start the interval's start: the state at this time counts
 * @param end the interval's end: changes up to and at this time count
 * @param startedFrom where replay to the start began: {@code "snapshot <id>"}, {@code "checkpoint
 *     <id>"} or {@code "empty cluster"}
 * @param startedAt the time of that starting point
 * @param changesToStart changes replayed from that point to the start
 * @param changesInInterval changes to pods, namespaces, NetworkPolicies, Endpoints and
 *     EndpointSlices in the interval, each applied and the pods it could affect evaluated again
 * @param podEvaluations how many times one pod's exposure was evaluated
 * @param notes what replay could not know or skipped (changes without a body, stale checkpoints)
 */
public record ExposureEvidence(
    Instant start,
    Instant end,
    String startedFrom,
    Instant startedAt,
    long changesToStart,
    long changesInInterval,
    long podEvaluations,
    List<String> notes) {

  public ExposureEvidence {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    Objects.requireNonNull(startedFrom, "startedFrom");
    Objects.requireNonNull(startedAt, "startedAt");
    notes = List.copyOf(notes);
  }
}
