package io.kubetrail.store.lucene;

import java.time.Instant;

/** Instants as the longs the index sorts and filters on: microseconds since the epoch. */
final class Times {
  private Times() {}

  /**
   * Microseconds since the epoch, rounded down; saturates at the range of a long (some 290,000
   * years each way), which no real audit event reaches.
   */
  static long micros(Instant t) {
    long seconds = t.getEpochSecond();
    if (seconds > Long.MAX_VALUE / 1_000_000 - 1) {
      return Long.MAX_VALUE;
    }
    if (seconds < Long.MIN_VALUE / 1_000_000 + 1) {
      return Long.MIN_VALUE;
    }
    return seconds * 1_000_000 + t.getNano() / 1_000;
  }

  static Instant instant(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1_000L);
  }
}
