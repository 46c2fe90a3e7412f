package io.kubetrail.collect;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What the pipeline's on-disk buffer holds: batches read and kept safe on disk, not in the store
 * yet.
 *
 * @param bytes their size on disk
 * @param batches how many
 * @param oldest when the oldest of them was buffered; empty when there is none
 * @param full true while a batch waits for room in it: sources wait, a webhook answers 503
 */
public record BufferState(long bytes, long batches, Optional<Instant> oldest, boolean full) {
  /** An empty buffer, or none. */
  public static final BufferState EMPTY = new BufferState(0, 0, Optional.empty(), false);

  public BufferState {
    Objects.requireNonNull(oldest, "oldest");
  }
}
