package io.kubetrail.store;

import java.util.Objects;

/**
 * How far a source has been read, in the source's own terms (for a file: its identity and byte
 * offset). Opaque to the store, which commits it atomically with the events read up to it.
 *
 * @param position the source's position; any string, at most {@link #MAX_LENGTH} characters
 */
public record SourceCheckpoint(String position) {

  /** Longest position accepted; a checkpoint is a position, not data. */
  public static final int MAX_LENGTH = 4096;

  public SourceCheckpoint {
    Objects.requireNonNull(position, "position");
    if (position.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "checkpoint position is " + position.length() + " characters, more than " + MAX_LENGTH);
    }
  }
}
