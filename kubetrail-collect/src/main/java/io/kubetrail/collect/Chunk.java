package io.kubetrail.collect;

import io.kubetrail.store.Batch;
import io.kubetrail.store.SourceCheckpoint;
import io.kubetrail.store.StoredEvent;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Events of one source, with the checkpoints they reach, handed to the {@link Pipeline} together;
 * appended whole.
 *
 * @param bytes the events' raw JSON
 * @param independent true when it may be appended alongside and in any order with others: it
 *     carries no position, and its source's hand-overs do not depend on each other (a webhook's
 *     requests, each answered on its own)
 * @param done completes once the events are durable
 */
record Chunk(
    String source,
    List<StoredEvent> events,
    Map<String, SourceCheckpoint> checkpoints,
    long bytes,
    boolean independent,
    CompletableFuture<Void> done) {

  /**
   * Takes the chunks of the next batch from the head of {@code queue}: at least one (when any),
   * then more while they keep within {@code maxEvents} and {@code maxBytes}; a batch led by an
   * independent chunk takes only independent ones.
   */
  static List<Chunk> pollBatch(Deque<Chunk> queue, long maxEvents, long maxBytes) {
    List<Chunk> chunks = new ArrayList<>();
    boolean independent = !queue.isEmpty() && queue.peek().independent();
    long events = 0;
    long bytes = 0;
    while (!queue.isEmpty()
        && (chunks.isEmpty()
            || (events + queue.peek().events().size() <= maxEvents
                && bytes + queue.peek().bytes() <= maxBytes
                && (!independent || queue.peek().independent())))) {
      Chunk c = queue.poll();
      chunks.add(c);
      events += c.events().size();
      bytes += c.bytes();
    }
    return chunks;
  }

  /** Chunks as one batch, in order. */
  static Batch merge(List<Chunk> chunks) {
    if (chunks.size() == 1) {
      return new Batch(chunks.get(0).events(), chunks.get(0).checkpoints());
    }
    List<StoredEvent> events = new ArrayList<>();
    Map<String, SourceCheckpoint> checkpoints = new LinkedHashMap<>();
    for (Chunk c : chunks) {
      events.addAll(c.events());
      checkpoints.putAll(c.checkpoints()); // a later position of the same source wins
    }
    return new Batch(events, checkpoints);
  }

  /** What each source had in the chunks, as the listener hears of a commit. */
  static List<PipelineListener.SourceCommit> sourceCommits(List<Chunk> chunks) {
    Map<String, long[]> bySource = new LinkedHashMap<>();
    for (Chunk c : chunks) {
      long[] counts = bySource.computeIfAbsent(c.source(), k -> new long[2]);
      counts[0] += c.events().size();
      for (StoredEvent e : c.events()) {
        counts[1] = Math.max(counts[1], micros(e));
      }
    }
    List<PipelineListener.SourceCommit> list = new ArrayList<>();
    bySource.forEach((s, c) -> list.add(new PipelineListener.SourceCommit(s, c[0], c[1])));
    return list;
  }

  private static long micros(StoredEvent e) {
    var t = e.event().requestReceivedTimestamp();
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
  }
}
