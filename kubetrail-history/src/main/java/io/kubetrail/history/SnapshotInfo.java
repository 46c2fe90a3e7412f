package io.kubetrail.history;

import java.time.Instant;
import java.util.Objects;

/**
 * A stored snapshot.
 *
 * @param id its file name under the store's {@code history} directory
 * @param at the time it shows the cluster at
 * @param objects how many objects it holds
 * @param source where it came from (a file name, or the cluster's API server)
 */
public record SnapshotInfo(String id, Instant at, int objects, String source) {
  public SnapshotInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(source, "source");
  }
}
