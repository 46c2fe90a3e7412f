package io.kubetrail.collect;

import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.DecodeResult;
import io.kubetrail.event.SourcePosition;
import io.kubetrail.store.SourceCheckpoint;
import io.kubetrail.store.SourceGap;
import io.kubetrail.store.StoredEvent;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Takes one source's records into the pipeline: each decoded event is filtered by the audit policy
 * (when there is one), has its Secret values hashed and is enriched with cluster, name and {@code
 * generated_time}; each rejected record is counted, listed (the first few) and sent to the dead
 * letters. Events gather with the positions they reach until {@link #flush()} hands them over.
 *
 * <p>Not thread-safe: one writer per reading thread.
 */
public final class SourceWriter {
  private final Pipeline pipeline;
  private final String source;
  private final IngestOptions options;
  private final List<DecodeResult.Rejected> rejections = new ArrayList<>();
  private List<StoredEvent> events = new ArrayList<>();
  private Map<String, SourceCheckpoint> checkpoints = new HashMap<>();
  private final Map<String, SourceCheckpoint> latest = new HashMap<>();
  private long eventBytes;
  private long read;
  private long readBytes;
  private long filtered;
  private long malformed;
  private long reportedRead;
  private long reportedBytes;
  private Optional<Instant> newest = Optional.empty();

  private final boolean independent;

  SourceWriter(Pipeline pipeline, String source, boolean independent) {
    this.pipeline = pipeline;
    this.source = source;
    this.options = pipeline.options();
    this.independent = independent;
  }

  /** Takes a decoded event. */
  public void accept(AuditEvent decoded) {
    read++;
    readBytes += decoded.json().length();
    AuditEvent event = decoded;
    if (options.policy().isPresent()) {
      Optional<AuditEvent> kept = options.policy().get().apply(event);
      if (kept.isEmpty()) {
        filtered++;
        return;
      }
      event = kept.get();
    }
    if (options.redactSecrets()) {
      event = SecretRedactor.redact(event);
    }
    events.add(
        new StoredEvent(
            options.cluster(), ObjectNames.of(event), options.clock().instant(), event));
    if (newest.isEmpty() || event.stageTimestamp().isAfter(newest.get())) {
      newest = Optional.of(event.stageTimestamp());
    }
    eventBytes += event.json().length();
  }

  /** Rejects a record the source can show again (a file's line). */
  public void reject(SourcePosition position, String reason) {
    reject(position, reason, Optional.empty());
  }

  /**
   * Rejects a record, keeping it in the dead letters when the source cannot show it again.
   *
   * @param record the record's text (a webhook request body, say)
   */
  public void reject(SourcePosition position, String reason, Optional<String> record) {
    read++;
    malformed++;
    if (rejections.size() < options.maxListedRejections()) {
      rejections.add(new DecodeResult.Rejected(position, reason));
    }
    pipeline.listener().rejected(source, position, reason);
    pipeline.deadLetters().write(source, position.toString(), reason, record);
  }

  /** Notes the position the records taken so far reach; committed with them. */
  public void checkpoint(String key, SourceCheckpoint position) {
    checkpoints.put(key, position);
    latest.put(key, position);
  }

  /**
   * Notes that events of this source may have been lost: from the newest event this writer took
   * (or, when it took none, {@code since}) up to now. Committed with the events taken next, it
   * makes reports over that time warn (see {@link SourceGap}).
   *
   * @param since the earliest time a lost event may have, when this writer took no event yet
   * @param reason what was seen, one sentence
   */
  public void gap(Instant since, String reason) {
    Instant from = newest.orElse(since);
    Instant to = options.clock().instant();
    SourceGap g =
        new SourceGap(options.cluster(), source, from.isAfter(to) ? to : from, to, reason);
    checkpoint(g.key(), g.position());
  }

  /** The last position noted for each key by this writer, handed over or not. */
  Map<String, SourceCheckpoint> latestCheckpoints() {
    return Map.copyOf(latest);
  }

  /** Events taken and not yet handed over. */
  public int pending() {
    return events.size();
  }

  /** True when the events not handed over make {@code factor} full batches. */
  public boolean full(int factor) {
    return events.size() >= (long) factor * options.batchEvents()
        || eventBytes >= (long) factor * options.batchBytes();
  }

  /**
   * Hands over what was taken, waiting while the pipeline is full.
   *
   * @return completes when it is durable; completed already when there was nothing to hand over
   * @throws IngestFailedException when the store failed
   */
  public CompletableFuture<Void> flush() throws IOException {
    if (events.isEmpty() && checkpoints.isEmpty()) {
      reportRead();
      return CompletableFuture.completedFuture(null);
    }
    Chunk chunk = chunk();
    pipeline.submit(chunk);
    reset();
    return chunk.done();
  }

  /**
   * Hands over what was taken unless the pipeline is full; then keeps it (to {@link #discard()} or
   * try again).
   *
   * @return empty when the pipeline is full
   */
  public Optional<CompletableFuture<Void>> tryFlush() throws IOException {
    if (events.isEmpty() && checkpoints.isEmpty()) {
      reportRead();
      return Optional.of(CompletableFuture.completedFuture(null));
    }
    Chunk chunk = chunk();
    if (!pipeline.offer(chunk)) {
      return Optional.empty();
    }
    reset();
    return Optional.of(chunk.done());
  }

  /** Drops what was taken and not handed over (the counts stay). */
  public void discard() {
    reset();
  }

  private Chunk chunk() {
    // A position orders a hand-over after the source's earlier ones, whatever the writer.
    return new Chunk(
        source,
        events,
        checkpoints,
        eventBytes,
        independent && checkpoints.isEmpty(),
        new CompletableFuture<Void>());
  }

  private void reset() {
    reportRead();
    events = new ArrayList<>();
    checkpoints = new HashMap<>();
    eventBytes = 0;
  }

  private void reportRead() {
    if (read > reportedRead) {
      pipeline.listener().read(source, read - reportedRead, readBytes - reportedBytes);
      reportedRead = read;
      reportedBytes = readBytes;
    }
  }

  /** Records read: events and rejected records. */
  public long read() {
    return read;
  }

  /** Events the audit policy dropped. */
  public long filtered() {
    return filtered;
  }

  /** Records rejected. */
  public long malformed() {
    return malformed;
  }

  /** The first rejected records, at most {@link IngestOptions#maxListedRejections()}. */
  public List<DecodeResult.Rejected> rejections() {
    return List.copyOf(rejections);
  }
}
