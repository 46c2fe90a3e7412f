package io.kubetrail.history;

import java.time.Instant;
import java.util.Optional;

/**
 * Follows a cluster through an interval, for {@link StateHistory#walk}: first the whole state at
 * the interval's start, then, change by change, the objects each change put or removed.
 *
 * @param <X> what the walker may throw; the walk stops and rethrows it
 */
public interface IntervalWalker<X extends Exception> {

  /** The state at the interval's start, before any change in the interval. */
  void start(ClusterState state) throws X;

  /**
   * One object a change put or removed; called while the change is applied, so it should only take
   * note. A change may touch many objects, or none (stale, or without a body).
   *
   * @param now the object's new state, or empty when it was removed
   */
  void changed(ResourceKey key, Optional<LiveObject> now);

  /**
   * What {@link #changed(ResourceKey, Optional, Optional)} will read of a body a change puts, read
   * ahead of it: called for each change's body on the thread that reads the changes, beside the one
   * that applies them, so it may only read {@code json}, not the walker's state. This default reads
   * nothing.
   *
   * @param type the canonical type of the object the change writes
   * @param json the body, which must not be modified
   * @param layout where the body's parts lie, as replay's scan of it found them
   */
  default Optional<BodyReading> readAhead(ResourceType type, byte[] json, BodyLayout layout) {
    return Optional.empty();
  }

  /**
   * {@link #changed(ResourceKey, Optional)} for an object a change put, with what {@link
   * #readAhead} read of its body (empty when nothing was). This default ignores it.
   */
  default void changed(ResourceKey key, Optional<LiveObject> now, Optional<BodyReading> ahead) {
    changed(key, now);
  }

  /** One change has been applied, and every object it touched told: the cluster is now so. */
  void applied(Instant at) throws X;
}
