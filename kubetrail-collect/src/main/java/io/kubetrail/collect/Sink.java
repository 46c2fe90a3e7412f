package io.kubetrail.collect;

import io.kubetrail.store.AppendResult;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.Batch;
import io.kubetrail.store.SourceCheckpoint;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;

/**
 * Where the pipeline delivers its batches: a store, or a central kubetrail that a forwarding
 * collector sends to. Either way a batch's events and the source positions they reach are kept
 * together: after {@link #append} returns, both are durable; when it throws, neither counts.
 */
public interface Sink {

  /** The committed position of every source that has one. */
  Map<String, SourceCheckpoint> checkpoints() throws IOException;

  /** Delivers a batch durably, with its checkpoints; see {@link AuditStore#append}. */
  AppendResult append(Batch batch) throws IOException;

  /** A sink that appends to {@code store}. */
  static Sink of(AuditStore store) {
    Objects.requireNonNull(store, "store");
    return new Sink() {
      @Override
      public Map<String, SourceCheckpoint> checkpoints() throws IOException {
        return store.checkpoints();
      }

      @Override
      public AppendResult append(Batch batch) throws IOException {
        return store.append(batch);
      }

      @Override
      public String toString() {
        return store.toString();
      }
    };
  }
}
