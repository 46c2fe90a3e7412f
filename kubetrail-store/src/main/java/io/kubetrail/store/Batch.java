package io.kubetrail.store;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Events to store together with the source checkpoints they advance to: after {@link
 * AuditStore#append} both are durable, and after a crash either both are there or neither is.
 *
 * @param events events in source order; may repeat events already stored or repeated in the batch
 * @param checkpoints source id → position reached once these events are stored; may be empty, and a
 *     batch of no events may still advance checkpoints
 */
public record Batch(List<StoredEvent> events, Map<String, SourceCheckpoint> checkpoints) {

  public Batch {
    events = List.copyOf(events);
    checkpoints = Map.copyOf(checkpoints);
    for (String source : checkpoints.keySet()) {
      if (source.isEmpty()) {
        throw new IllegalArgumentException("checkpoint source id must not be empty");
      }
    }
  }

  /** A batch of events that advances no checkpoint. */
  public static Batch of(List<StoredEvent> events) {
    return new Batch(events, Map.of());
  }

  /** A batch of events that advances one source's checkpoint. */
  public static Batch of(List<StoredEvent> events, String source, SourceCheckpoint checkpoint) {
    Objects.requireNonNull(source, "source");
    return new Batch(events, Map.of(source, checkpoint));
  }
}
