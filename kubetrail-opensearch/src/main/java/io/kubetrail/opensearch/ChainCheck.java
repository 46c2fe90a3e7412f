package io.kubetrail.opensearch;

import io.kubetrail.store.BatchLink;
import io.kubetrail.store.VerifyListener;
import io.kubetrail.store.VerifyResult;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Verify: walks the chain of batch links in order and, alongside, every stored event in (batch,
 * sequence) order, hashing each document's stored bytes again. The cluster's inverted index is not
 * inspected: a search that the index answers wrongly is not detected here.
 *
 * <p>When the cluster deletes old indices by a retention policy, a batch whose oldest event is past
 * the policy's age (less a day, as an index may be made up to a day after its events' day began)
 * may have lost events: its link is still checked, and the events it still has must be its own, in
 * order, but none is counted as missing.
 */
final class ChainCheck {
  private static final byte[] NO_MODEL = new byte[0];

  private final Cluster cluster;
  private final Meta meta;
  private final int pageSize;
  private final long expiredBefore;

  /**
   * @param expiredBefore microseconds: batches with an event received before may have lost events
   *     to the retention policy; {@link Long#MIN_VALUE} when the cluster deletes nothing
   */
  ChainCheck(Cluster cluster, Meta meta, int pageSize, long expiredBefore) {
    this.cluster = cluster;
    this.meta = meta;
    this.pageSize = pageSize;
    this.expiredBefore = expiredBefore;
  }

  VerifyResult run(long head, VerifyListener listener) throws IOException {
    byte[] prev = BatchLink.zeroHash();
    long batches = 0;
    long checked = 0;
    long events = 0;
    try (PitStream stream =
        new PitStream(
            cluster,
            cluster.events,
            QueryDsl.committed(head),
            PitStream.ascending("kubetrail.batch", "kubetrail.seq"),
            Math.max(pageSize, 1000))) {
      Optional<Hits.Hit> hit = stream.nextHit();
      long expected = 1;
      for (long from = 1; expected <= head; ) {
        List<Meta.Header> page = meta.headers(from, 1000);
        if (page.isEmpty()) {
          return broken(
              expected, "its link is missing from " + cluster.meta, batches, events, prev);
        }
        for (Meta.Header h : page) {
          BatchLink link = h.link();
          if (link.batch() != expected) {
            return broken(
                expected, "its link is missing from " + cluster.meta, batches, events, prev);
          }
          if (!Arrays.equals(link.prevHash(), prev)) {
            return broken(
                expected, "it does not follow the batch before it", batches, events, prev);
          }
          if (!link.hashMatches()) {
            return broken(expected, "its link was changed", batches, events, prev);
          }
          boolean expiring = !h.pruned() && link.minReceived() < expiredBefore;
          long lastSeq = link.firstSeq() - 1;
          BatchLink.EventsDigest digest = new BatchLink.EventsDigest();
          long count = 0;
          long min = Long.MAX_VALUE;
          long max = Long.MIN_VALUE;
          while (hit.isPresent() && batchOf(hit.get()) == link.batch()) {
            if (h.pruned()) {
              return broken(
                  expected, "events of this pruned batch are still stored", batches, events, prev);
            }
            long seq = seqOf(hit.get());
            if (expiring) {
              if (seq <= lastSeq || seq >= link.firstSeq() + link.count()) {
                return broken(
                    expected,
                    "event " + seq + " is stored out of its place",
                    batches,
                    events,
                    prev);
              }
              lastSeq = seq;
              hit = stream.nextHit();
              continue;
            }
            if (seq != link.firstSeq() + count) {
              return broken(
                  expected,
                  "event " + (link.firstSeq() + count) + " is missing or moved",
                  batches,
                  events,
                  prev);
            }
            byte[] doc = hit.get().source();
            digest.add(seq, NO_MODEL, doc, 0, doc.length);
            long received =
                Documents.micros(Documents.event(doc).event().requestReceivedTimestamp());
            min = Math.min(min, received);
            max = Math.max(max, received);
            count++;
            hit = stream.nextHit();
          }
          if (hit.isPresent() && batchOf(hit.get()) < link.batch()) {
            return broken(
                batchOf(hit.get()),
                "an event is stored out of its batch's order",
                batches,
                events,
                prev);
          }
          if (!h.pruned() && !expiring) {
            if (count != link.count()) {
              return broken(
                  expected,
                  count + " events are stored, the chain says " + link.count(),
                  batches,
                  events,
                  prev);
            }
            if (!Arrays.equals(digest.finish(), link.eventsDigest())
                || min != link.minReceived()
                || max != link.maxReceived()) {
              return broken(expected, "its events were changed", batches, events, prev);
            }
            checked++;
            events += count;
          }
          prev = link.hash();
          batches++;
          expected++;
          listener.progress(batches, head, events);
          if (expected > head) {
            break;
          }
        }
        from = expected;
      }
      if (hit.isPresent()) {
        return broken(
            batchOf(hit.get()), "an event is stored that no batch holds", batches, events, prev);
      }
    }
    return new VerifyResult(checked, events, OptionalLong.empty(), "", BatchLink.hex(prev));
  }

  private static long batchOf(Hits.Hit hit) {
    return (Long) hit.sort().get(0);
  }

  private static long seqOf(Hits.Hit hit) {
    return (Long) hit.sort().get(1);
  }

  private static VerifyResult broken(
      long batch, String reason, long batches, long events, byte[] head) {
    return new VerifyResult(batches, events, OptionalLong.of(batch), reason, BatchLink.hex(head));
  }
}
