package io.kubetrail.store;

import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The outcome of {@link AuditStore#verify()}.
 *
 * @param batchesChecked stored batches whose events were hashed again (pruned batches excluded)
 * @param eventsChecked events hashed again
 * @param firstBrokenBatch the sequence number of the first batch that does not match the chain;
 *     empty when the store is intact
 * @param reason why that batch is broken; empty when intact
 * @param head the hash at the head of the chain (hex). Recording it elsewhere and comparing it
 *     later detects a store rewritten as a whole.
 */
public record VerifyResult(
    long batchesChecked,
    long eventsChecked,
    OptionalLong firstBrokenBatch,
    String reason,
    String head) {

  public VerifyResult {
    Objects.requireNonNull(firstBrokenBatch, "firstBrokenBatch");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(head, "head");
  }

  /** True when every stored batch matches the hash chain. */
  public boolean ok() {
    return firstBrokenBatch.isEmpty() && reason.isEmpty();
  }

  @Override
  public String toString() {
    return ok()
        ? "intact: "
            + count(batchesChecked, "batch", "batches")
            + ", "
            + count(eventsChecked, "event", "events")
            + ", head "
            + head
        : (firstBrokenBatch.isPresent()
                ? "batch " + firstBrokenBatch.getAsLong() + " broken: "
                : "")
            + reason;
  }

  private static String count(long n, String one, String many) {
    return String.format(Locale.ROOT, "%,d %s", n, n == 1 ? one : many);
  }
}
