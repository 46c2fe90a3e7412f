package io.kubetrail.store;

import java.time.Instant;
import java.util.Objects;

/**
 * Events in one time bucket of a {@link AuditStore#histogram}.
 *
 * @param start the bucket's start, a multiple of the bucket duration since the epoch
 * @param count events whose {@code requestReceivedTimestamp} falls in [start, start + duration)
 */
public record HistogramBucket(Instant start, long count) {
  public HistogramBucket {
    Objects.requireNonNull(start, "start");
    if (count < 0) {
      throw new IllegalArgumentException("negative count " + count);
    }
  }
}
