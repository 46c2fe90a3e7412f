package io.kubetrail.report;

import java.util.List;
import java.util.Objects;

/**
 * What a report rests on, so an auditor can judge it: how many stored changes were replayed, where
 * replay started (a snapshot or checkpoint, and its time), and what may make the report incomplete:
 * an audit policy that did not log what the report needs, events missing.
 *
 * @param eventsReplayed changes read from the store to make the report
 * @param startedFrom {@code snapshot <id>}, {@code checkpoint <id>} or {@code empty cluster}: where
 *     the replay to the interval's start began
 * @param warnings one sentence each; empty when nothing is known to be missing
 */
public record Evidence(long eventsReplayed, String startedFrom, List<String> warnings) {
  public Evidence {
    Objects.requireNonNull(startedFrom, "startedFrom");
    warnings = List.copyOf(warnings);
  }

  /** Evidence of a report that read nothing from the store. */
  public static Evidence none() {
    return new Evidence(0, "", List.of());
  }
}
