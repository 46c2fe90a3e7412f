package io.kubetrail.store;

/** Hears how a {@link AuditStore#verify(VerifyListener) verify} goes on. */
@FunctionalInterface
public interface VerifyListener {
  /** Hears nothing. */
  VerifyListener NONE = (batches, totalBatches, events) -> {};

  /**
   * Called as batches pass, in chain order, on the thread that called verify.
   *
   * @param batches how many batches passed so far, pruned ones included
   * @param totalBatches how many the chain holds
   * @param events how many stored events those batches hold
   */
  void progress(long batches, long totalBatches, long events);
}
