package io.kubetrail.collect;

import io.kubetrail.event.SourcePosition;
import io.kubetrail.store.AppendResult;
import io.kubetrail.store.StoredEvent;
import java.io.InterruptedIOException;
import java.util.List;

/**
 * Hears what the pipeline does, for metrics, status and state checkpoints. Calls come from the
 * sources' threads ({@link #read}, {@link #rejected}) and from the appending thread ({@link
 * #committed}); implementations must be thread-safe and quick.
 */
public interface PipelineListener {
  /** Hears nothing. */
  PipelineListener NONE = new PipelineListener() {};

  /** A source read {@code records} records, {@code bytes} bytes of them. */
  default void read(String source, long records, long bytes) {}

  /** A record was rejected (and sent to the dead letters, when there are any). */
  default void rejected(String source, SourcePosition position, String reason) {}

  /**
   * A batch is durable.
   *
   * @param events the batch's events, in the order they were read (duplicates included)
   * @param sources per source: how many of the events it read, and its newest event
   * @param appendNanos how long the append took
   */
  default void committed(
      List<StoredEvent> events,
      AppendResult result,
      List<SourceCommit> sources,
      long appendNanos) {}

  /** A push source (a webhook) answered a request with HTTP status {@code status}. */
  default void responded(String source, int status) {}

  /** An append failed; the pipeline retries it or stops, depending on its options. */
  default void appendFailed(Exception cause) {}

  /**
   * What one source had in a committed batch.
   *
   * @param events its events in the batch
   * @param newestEventMicros the newest {@code requestReceivedTimestamp} among them, in
   *     microseconds since the epoch; 0 when it had none (a batch that only moved its position)
   */
  record SourceCommit(String source, long events, long newestEventMicros) {}

  /** What hears only that batches were committed. */
  @FunctionalInterface
  interface CommitHook {
    void committed(List<StoredEvent> events) throws InterruptedIOException;
  }

  /** A listener that hands each committed batch's events to {@code hook}. */
  static PipelineListener onCommit(CommitHook hook) {
    return new PipelineListener() {
      @Override
      public void committed(
          List<StoredEvent> events, AppendResult result, List<SourceCommit> sources, long nanos) {
        try {
          hook.committed(events);
        } catch (InterruptedIOException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
  }

  /** Calls each listener in turn. */
  static PipelineListener all(List<PipelineListener> listeners) {
    List<PipelineListener> copy = List.copyOf(listeners);
    return new PipelineListener() {
      @Override
      public void read(String source, long records, long bytes) {
        copy.forEach(l -> l.read(source, records, bytes));
      }

      @Override
      public void rejected(String source, SourcePosition position, String reason) {
        copy.forEach(l -> l.rejected(source, position, reason));
      }

      @Override
      public void committed(
          List<StoredEvent> events,
          AppendResult result,
          List<SourceCommit> sources,
          long appendNanos) {
        copy.forEach(l -> l.committed(events, result, sources, appendNanos));
      }

      @Override
      public void responded(String source, int status) {
        copy.forEach(l -> l.responded(source, status));
      }

      @Override
      public void appendFailed(Exception cause) {
        copy.forEach(l -> l.appendFailed(cause));
      }
    };
  }
}
