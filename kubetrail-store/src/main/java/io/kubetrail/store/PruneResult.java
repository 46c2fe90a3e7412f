package io.kubetrail.store;

/**
 * What {@link AuditStore#prune} removed.
 *
 * @param batches whole batches removed
 * @param events events removed with them
 */
public record PruneResult(long batches, long events) {
  public PruneResult {
    if (batches < 0 || events < 0) {
      throw new IllegalArgumentException("negative counts: " + batches + ", " + events);
    }
  }
}
