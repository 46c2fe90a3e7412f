package io.kubetrail.collect;

/**
 * The pauses between attempts at something that keeps failing: the first, then each twice the one
 * before, up to a most; {@link #reset()} after a success starts again from the first. Not
 * thread-safe: one per retrying loop.
 */
final class Backoff {
  private final long firstMillis;
  private final long mostMillis;
  private long nextMillis;

  Backoff(long firstMillis, long mostMillis) {
    if (firstMillis <= 0 || mostMillis < firstMillis) {
      throw new IllegalArgumentException(
          "pauses must be positive and the most at least the first: "
              + firstMillis
              + ", "
              + mostMillis);
    }
    this.firstMillis = firstMillis;
    this.mostMillis = mostMillis;
    this.nextMillis = firstMillis;
  }

  /** Appends to the store and drains of the buffer: 1 s, doubling to 30 s. */
  static Backoff forAppends() {
    return new Backoff(1_000, 30_000);
  }

  /** The pause to take now, in milliseconds; the one after it is twice as long, up to the most. */
  long next() {
    long pause = nextMillis;
    nextMillis = Math.min(mostMillis, nextMillis * 2);
    return pause;
  }

  /** After a success: the next pause is the first again. */
  void reset() {
    nextMillis = firstMillis;
  }
}
