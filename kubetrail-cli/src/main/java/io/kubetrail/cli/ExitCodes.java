package io.kubetrail.cli;

/** The exit codes every command uses. */
final class ExitCodes {
  /** Done; all input accepted. */
  static final int OK = 0;

  /** Done, but some input was rejected (and reported on standard error). */
  static final int REJECTED = 1;

  /**
   * The store is damaged: what verify reports as "not intact", and what every other command exits
   * with when it meets damage.
   */
  static final int DAMAGED = 1;

  /** Usage or configuration error; nothing was done. */
  static final int USAGE = 2;

  /**
   * The store cannot be reached (its cluster refuses connections, its host is unknown, it does not
   * answer): trying again later may succeed. What was stored before stays complete.
   */
  static final int UNAVAILABLE = 3;

  private ExitCodes() {}
}
