package io.kubetrail.history;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * How a state was rebuilt: where replay started, how many changes it read, and what it wrote.
 *
 * @param startedFrom {@code "snapshot <id>"}, {@code "checkpoint <id>"} or {@code "empty cluster"}
 * @param startedAt the time of the starting point ({@link Instant#EPOCH} for an empty cluster)
 * @param changesRead changes read from the store and applied
 * @param checkpointsWritten checkpoints written during this replay
 * @param notes what went wrong without failing the query (stale or damaged checkpoints skipped, a
 *     checkpoint that could not be written)
 */
public record ReplayStats(
    String startedFrom,
    Instant startedAt,
    long changesRead,
    int checkpointsWritten,
    List<String> notes) {
  public ReplayStats {
    Objects.requireNonNull(startedFrom, "startedFrom");
    Objects.requireNonNull(startedAt, "startedAt");
    notes = List.copyOf(notes);
  }
}
