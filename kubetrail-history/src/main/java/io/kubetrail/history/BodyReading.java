package io.kubetrail.history;

/**
 * What a walk read of a change's body on the thread that reads the changes, ahead of applying it
 * ({@link IntervalWalker#readAhead}), handed back with the change: each walker reads its own kinds
 * of it.
 */
public interface BodyReading {}
