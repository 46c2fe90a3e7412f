package io.kubetrail.collect;

import io.kubetrail.store.AppendResult;
import io.kubetrail.store.Batch;
import io.kubetrail.store.SourceCheckpoint;
import io.kubetrail.store.StoredEvent;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one ingest pipeline: sources hand it decoded records through {@link SourceWriter}s, which
 * filter them by the audit policy, hash Secret values and enrich them; one thread appends what they
 * hand over to the {@link Sink}, several hand-overs (of one or many sources) in one batch when they
 * are waiting together, each batch with the source positions it reaches.
 *
 * <p>Memory is bounded: at most {@link IngestOptions#maxQueuedBytes()} of events wait to be
 * appended (one hand-over may exceed it when nothing else waits). A hand-over {@link
 * SourceWriter#flush() blocks} while the queue is full, or {@link SourceWriter#tryFlush() is
 * refused} for sources that must not block, such as a webhook answering 429.
 *
 * <p>When an append fails, the pipeline either retries it with growing pauses ({@link
 * IngestOptions#retryAppends()}, for a collector that runs for months) or fails: then every
 * hand-over not yet appended fails too, and nothing after it is appended. A batch is never appended
 * in part.
 */
public final class Pipeline implements AutoCloseable {
  private static final long MAX_RETRY_PAUSE_MS = 30_000;

  private final Sink sink;
  private final IngestOptions options;
  private final PipelineListener listener;
  private final DeadLetters deadLetters;
  private final Map<String, SourceCheckpoint> startCheckpoints;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<Chunk> queue = new ArrayDeque<>();
  private final AtomicLong stored = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final Thread appender;
  private long queuedBytes;
  private boolean closing;
  private volatile boolean stopping;
  private volatile Exception failure;

  /**
   * Starts the appending thread.
   *
   * @throws IOException when the sink's checkpoints cannot be read
   */
  public Pipeline(
      Sink sink, IngestOptions options, PipelineListener listener, DeadLetters deadLetters)
      throws IOException {
    this.sink = Objects.requireNonNull(sink, "sink");
    this.options = Objects.requireNonNull(options, "options");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
    this.startCheckpoints = Map.copyOf(sink.checkpoints());
    this.appender = new Thread(this::appendLoop, "kubetrail-append");
    appender.setDaemon(true);
    appender.start();
  }

  public IngestOptions options() {
    return options;
  }

  /** The context a source runs in: its writers, its committed positions, the stop signal. */
  public SourceContext context(Source source) {
    return new SourceContext(this, source.name());
  }

  /** Runs a source on the calling thread until it ends or {@link #stop()}. */
  public void run(Source source) throws IOException, InterruptedException {
    source.run(context(source));
  }

  /** Asks every source to stop reading; what they handed over is still appended. */
  public void stop() {
    stopping = true;
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  boolean stopping() {
    return stopping;
  }

  /** Waits up to {@code millis} unless stopped first; true when stopping. */
  boolean awaitStop(long millis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    lock.lock();
    try {
      long left;
      while (!stopping && (left = deadline - System.nanoTime()) > 0) {
        changed.awaitNanos(left);
      }
      return stopping;
    } finally {
      lock.unlock();
    }
  }

  Map<String, SourceCheckpoint> startCheckpoints() {
    return startCheckpoints;
  }

  PipelineListener listener() {
    return listener;
  }

  DeadLetters deadLetters() {
    return deadLetters;
  }

  /** Events newly stored so far (counted once their batch is durable). */
  public long stored() {
    return stored.get();
  }

  /** Events the sink already had, so far. */
  public long duplicates() {
    return duplicates.get();
  }

  /** The failure that stopped the pipeline, if one did. */
  public Optional<Exception> failure() {
    return Optional.ofNullable(failure);
  }

  /** Events, with the checkpoints they reach, handed over together; appended whole. */
  record Chunk(
      String source,
      List<StoredEvent> events,
      Map<String, SourceCheckpoint> checkpoints,
      long bytes,
      CompletableFuture<Void> done) {}

  /** Queues a chunk, waiting while the queue is full. */
  void submit(Chunk chunk) throws IOException {
    lock.lock();
    try {
      while (!closing
          && failure == null
          && !queue.isEmpty()
          && queuedBytes + chunk.bytes() > options.maxQueuedBytes()) {
        changed.await();
      }
      enqueue(chunk);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while handing events to the store");
    } finally {
      lock.unlock();
    }
  }

  /** Queues a chunk unless the queue is full; false when it is. */
  boolean offer(Chunk chunk) throws IOException {
    lock.lock();
    try {
      if (!queue.isEmpty() && queuedBytes + chunk.bytes() > options.maxQueuedBytes()) {
        return false;
      }
      enqueue(chunk);
      return true;
    } finally {
      lock.unlock();
    }
  }

  private void enqueue(Chunk chunk) throws IOException {
    if (failure != null) {
      throw failed();
    }
    if (closing) {
      throw new IllegalStateException("the pipeline is closed");
    }
    queue.add(chunk);
    queuedBytes += chunk.bytes();
    changed.signalAll();
  }

  private IngestFailedException failed() {
    return new IngestFailedException(
        "the store failed: " + failure.getMessage(), IngestSummary.NONE, failure);
  }

  /** Bytes of events waiting to be appended. */
  public long queuedBytes() {
    lock.lock();
    try {
      return queuedBytes;
    } finally {
      lock.unlock();
    }
  }

  private void appendLoop() {
    try {
      for (List<Chunk> chunks = takeBatch(); !chunks.isEmpty(); chunks = takeBatch()) {
        appendWithRetries(chunks);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail(new InterruptedIOException("interrupted while appending"));
    }
  }

  /** The chunks of the next batch; empty once closed and drained. */
  private List<Chunk> takeBatch() throws InterruptedException {
    lock.lock();
    try {
      while (queue.isEmpty() && !closing) {
        changed.await();
      }
      List<Chunk> chunks = new ArrayList<>();
      long events = 0;
      long bytes = 0;
      while (!queue.isEmpty()
          && (chunks.isEmpty()
              || (events + queue.peek().events().size() <= options.batchEvents()
                  && bytes + queue.peek().bytes() <= options.batchBytes()))) {
        Chunk c = queue.poll();
        chunks.add(c);
        events += c.events().size();
        bytes += c.bytes();
      }
      return chunks;
    } finally {
      lock.unlock();
    }
  }

  private void appendWithRetries(List<Chunk> chunks) throws InterruptedException {
    Batch batch = merge(chunks);
    long pause = 1000;
    while (true) {
      if (failure != null) {
        release(chunks, failure);
        return;
      }
      long start = System.nanoTime();
      try {
        AppendResult result = sink.append(batch);
        long nanos = System.nanoTime() - start;
        stored.addAndGet(result.stored());
        duplicates.addAndGet(result.duplicates());
        release(chunks, null);
        listener.committed(batch.events(), result, sourceCommits(chunks), nanos);
        return;
      } catch (IOException | RuntimeException e) {
        listener.appendFailed(e);
        if (!options.retryAppends() || closing && stopping) {
          fail(e);
          release(chunks, e);
          return;
        }
        awaitStop(pause);
        pause = Math.min(MAX_RETRY_PAUSE_MS, pause * 2);
      }
    }
  }

  private static Batch merge(List<Chunk> chunks) {
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

  private static List<PipelineListener.SourceCommit> sourceCommits(List<Chunk> chunks) {
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

  private void release(List<Chunk> chunks, Exception cause) {
    lock.lock();
    try {
      for (Chunk c : chunks) {
        queuedBytes -= c.bytes();
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    for (Chunk c : chunks) {
      if (cause == null) {
        c.done().complete(null);
      } else {
        c.done().completeExceptionally(cause);
      }
    }
  }

  private void fail(Exception e) {
    List<Chunk> dropped;
    lock.lock();
    try {
      if (failure == null) {
        failure = e;
      }
      dropped = new ArrayList<>(queue);
      queue.clear();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    release(dropped, e);
  }

  /**
   * Appends everything handed over, then ends the appending thread. Sources must have returned
   * first.
   *
   * @throws IngestFailedException when an append failed
   */
  @Override
  public void close() throws IOException {
    lock.lock();
    try {
      closing = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    boolean interrupted = false;
    while (appender.isAlive()) {
      try {
        appender.join();
      } catch (InterruptedException e) {
        // Batches handed over are appended whole, never abandoned half way.
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failure != null) {
      throw failed();
    }
  }
}
