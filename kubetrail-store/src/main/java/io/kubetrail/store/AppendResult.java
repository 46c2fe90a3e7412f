package io.kubetrail.store;

import java.util.OptionalLong;

/**
 * What an {@link AuditStore#append} stored.
 *
 * @param stored events newly stored
 * @param duplicates events not stored because the store, or the batch itself, already had them
 * @param batchSequence the sequence number of the stored batch in the hash chain; empty when
 *     nothing was stored (the checkpoints were still committed)
 */
public record AppendResult(long stored, long duplicates, OptionalLong batchSequence) {
  public AppendResult {
    if (stored < 0 || duplicates < 0) {
      throw new IllegalArgumentException("negative counts: " + stored + ", " + duplicates);
    }
    if ((stored > 0) != batchSequence.isPresent()) {
      throw new IllegalArgumentException("a batch sequence exactly when events were stored");
    }
  }
}
