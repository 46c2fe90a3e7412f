package io.kubetrail.collect;

import io.kubetrail.store.AppendResult;
import io.kubetrail.store.Batch;
import io.kubetrail.store.SourceCheckpoint;
import io.kubetrail.store.StoredEvent;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one ingest pipeline: sources hand it decoded records through {@link SourceWriter}s, which
 * filter them by the audit policy, hash Secret values and enrich them; {@value #APPENDERS} threads
 * append what they hand over to the {@link Sink}, several hand-overs (of one or many sources) in
 * one batch when they are waiting together, each batch with the source positions it reaches.
 * Batches are appended one at a time, in the order handed over, except those made only of {@link
 * SourceContext#requestWriter() independent} hand-overs (a webhook's requests), which are appended
 * alongside the others: the store builds one batch while it writes or syncs another, and syncs them
 * together. So two webhook clients that each wait for their answer keep two appends in flight.
 *
 * <p>Memory is bounded: besides the batches being appended (at most {@value #APPENDERS}), at most
 * {@link IngestOptions#maxQueuedBytes()} of events wait to be appended (one hand-over may exceed it
 * when nothing else waits). A hand-over {@link SourceWriter#flush() blocks} while the queue is
 * full, or {@link SourceWriter#tryFlush() is refused} for sources that must not block, such as a
 * webhook answering 429.
 *
 * <p>When an append fails, the pipeline either retries it with growing pauses ({@link
 * IngestOptions#retryAppends()}, for a collector that runs for months) or fails: then every
 * hand-over not yet appended fails too, and nothing after it is appended. A batch is never appended
 * in part.
 *
 * <p>With a {@link BufferOptions buffer}, a batch the sink does not take (the store unreachable) is
 * kept in an on-disk buffer instead, and counts as durable once synced there: the sources read on
 * and their positions advance. Every later batch goes to the buffer too, so that batches reach the
 * sink in the order they were read; a second thread appends the buffered ones, oldest first, with
 * growing pauses while the sink still fails, and the pipeline appends directly again once the
 * buffer is empty. When the buffer is full, sources wait (a webhook answers 503). A crash loses
 * nothing: the positions a restarted pipeline starts from are those of its newest buffered batch,
 * and a batch appended but not yet removed from the buffer is appended again, which stores nothing
 * twice.
 */
public final class Pipeline implements AutoCloseable {
  /** Appending threads: one batch written while another is built or synced. */
  static final int APPENDERS = 2;

  private final Sink sink;
  private final IngestOptions options;
  private final PipelineListener listener;
  private final DeadLetters deadLetters;
  private final Map<String, SourceCheckpoint> startCheckpoints;
  private final HandOvers handOvers;
  private final AtomicLong stored = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final List<Thread> appenders = new ArrayList<>();

  /** Serialises what the listener hears of commits, which appenders and the drainer make. */
  private final Object hearing = new Object();

  private final Optional<Spool> spool;
  private final Optional<Thread> drainer;

  /** Appenders still running; changed under the hand-overs' lock. */
  private int appending;

  /** Every appender has ended; once true, stays true. */
  private volatile boolean appenderDone;

  private volatile boolean waitingForRoom;
  private volatile boolean stopping;

  /**
   * Starts the appending thread.
   *
   * @throws IOException when the sink's checkpoints cannot be read
   */
  public Pipeline(
      Sink sink, IngestOptions options, PipelineListener listener, DeadLetters deadLetters)
      throws IOException {
    this(sink, options, listener, deadLetters, Optional.empty());
  }

  /**
   * Starts the appending thread, and with a buffer the thread that empties it into the sink.
   *
   * @param buffer where to keep batches the sink does not take; none to retry or fail as {@link
   *     IngestOptions#retryAppends()} says
   * @throws IOException when the sink's checkpoints or the buffer cannot be read
   */
  public Pipeline(
      Sink sink,
      IngestOptions options,
      PipelineListener listener,
      DeadLetters deadLetters,
      Optional<BufferOptions> buffer)
      throws IOException {
    this.sink = Objects.requireNonNull(sink, "sink");
    this.options = Objects.requireNonNull(options, "options");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
    this.handOvers = new HandOvers(options);
    this.spool =
        buffer.isPresent()
            ? Optional.of(Spool.open(buffer.get(), options.limits()))
            : Optional.empty();
    try {
      Map<String, SourceCheckpoint> start = new LinkedHashMap<>(sink.checkpoints());
      // A buffered batch is durable: its sources go on after it.
      spool.ifPresent(s -> start.putAll(s.checkpoints()));
      this.startCheckpoints = Map.copyOf(start);
    } catch (IOException | RuntimeException e) {
      if (spool.isPresent()) {
        spool.get().close();
      }
      throw e;
    }
    // Damaged batch files were set aside: heard like a failed append, which they are.
    spool.ifPresent(
        s -> s.damagedAtOpen().forEach(note -> listener.appendFailed(new IOException(note))));
    for (int i = 1; i <= APPENDERS; i++) {
      Thread t = new Thread(this::appendLoop, "kubetrail-append" + (i == 1 ? "" : "-" + i));
      t.setDaemon(true);
      appenders.add(t);
    }
    appending = APPENDERS;
    this.drainer = spool.map(s -> new Thread(new BufferDrainer(this, s), "kubetrail-buffer-drain"));
    appenders.forEach(Thread::start);
    drainer.ifPresent(
        t -> {
          t.setDaemon(true);
          t.start();
        });
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
    handOvers.wake();
  }

  boolean stopping() {
    return stopping;
  }

  /** Waits up to {@code millis} unless stopped first; true when stopping. */
  boolean awaitStop(long millis) throws InterruptedException {
    return handOvers.await(millis, () -> stopping);
  }

  /** Closing after {@link #stop()}: waits that would outlast the run end. */
  private boolean closedAfterStop() {
    return stopping && handOvers.closing();
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
    return handOvers.failure();
  }

  /** Queues a chunk, waiting while the queue is full. */
  void submit(Chunk chunk) throws IOException {
    handOvers.submit(chunk);
  }

  /** Queues a chunk unless the queue is full; false when it is. */
  boolean offer(Chunk chunk) throws IOException {
    return handOvers.offer(chunk);
  }

  /** What the on-disk buffer holds; {@link BufferState#EMPTY} without one. */
  public BufferState buffer() {
    return spool.map(s -> s.state(waitingForRoom)).orElse(BufferState.EMPTY);
  }

  /** The damaged files the buffer found at start and set aside, each with what is wrong. */
  public List<String> bufferDamage() {
    return spool.map(Spool::damagedAtOpen).orElse(List.of());
  }

  /** Bytes of events waiting to be appended. */
  public long queuedBytes() {
    return handOvers.queuedBytes();
  }

  private void appendLoop() {
    try {
      for (List<Chunk> chunks = handOvers.takeBatch();
          !chunks.isEmpty();
          chunks = handOvers.takeBatch()) {
        try {
          if (spool.isPresent()) {
            appendOrBuffer(chunks, spool.get());
          } else {
            appendWithRetries(chunks);
          }
        } finally {
          if (!chunks.get(0).independent()) {
            handOvers.endInOrderTurn();
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      handOvers.fail(new InterruptedIOException("interrupted while appending"));
    } finally {
      handOvers.update(() -> appenderDone = --appending == 0);
    }
  }

  private void appendWithRetries(List<Chunk> chunks) throws InterruptedException {
    Batch batch = Chunk.merge(chunks);
    List<PipelineListener.SourceCommit> commits = Chunk.sourceCommits(chunks);
    Backoff backoff = Backoff.forAppends();
    while (true) {
      Optional<Exception> failure = handOvers.failure();
      if (failure.isPresent()) {
        handOvers.release(chunks, failure);
        return;
      }
      Optional<Exception> failed = appendOnce(chunks, batch, commits);
      if (failed.isEmpty()) {
        return;
      }
      if (!options.retryAppends() || closedAfterStop()) {
        fail(chunks, failed.get());
        return;
      }
      awaitStop(backoff.next());
    }
  }

  /** Appends a batch to the sink; the failure, when it does not take it. */
  private Optional<Exception> appendOnce(
      List<Chunk> chunks, Batch batch, List<PipelineListener.SourceCommit> commits) {
    long start = System.nanoTime();
    try {
      AppendResult result = sink.append(batch);
      long nanos = System.nanoTime() - start;
      stored.addAndGet(result.stored());
      duplicates.addAndGet(result.duplicates());
      handOvers.release(chunks, Optional.empty());
      heardCommit(batch.events(), result, commits, nanos);
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      listener.appendFailed(e);
      return Optional.of(e);
    }
  }

  /**
   * Appends the chunks directly while nothing is buffered, else (or when the sink fails) buffers
   * them behind what is, waiting for room.
   */
  private void appendOrBuffer(List<Chunk> chunks, Spool s) throws InterruptedException {
    Batch batch = Chunk.merge(chunks);
    List<PipelineListener.SourceCommit> commits = Chunk.sourceCommits(chunks);
    // Only an appender in its turn adds to the buffer (independent batches need no turn), and the
    // drainer appends only while it holds batches: no batch reaches the sink out of order.
    if (s.isEmpty() && appendOnce(chunks, batch, commits).isEmpty()) {
      return;
    }
    byte[] encoded;
    try {
      encoded = Spool.encode(batch, commits, options.clock().instant());
    } catch (IOException e) {
      fail(chunks, e);
      return;
    }
    Backoff backoff = Backoff.forAppends();
    while (true) {
      if (!awaitRoom(s, encoded.length)) {
        IOException e =
            new IOException(
                "the store does not take batches and the buffer "
                    + s.directory()
                    + " is full ("
                    + s.maxBytes()
                    + " bytes, "
                    + BufferOptions.MAX_BYTES_SETTING
                    + "); what was read since is read again at the next start");
        fail(chunks, e);
        return;
      }
      try {
        s.add(encoded, batch.events().size(), batch.checkpoints(), options.clock().instant());
        handOvers.release(chunks, Optional.empty());
        return;
      } catch (IOException e) {
        // A full or failing disk: keep the batch, and try the sink again when nothing is buffered.
        listener.appendFailed(e);
        if (closedAfterStop()) {
          fail(chunks, e);
          return;
        }
        // Less once the pipeline closes after a stop.
        handOvers.await(backoff.next(), this::closedAfterStop);
        if (s.isEmpty() && appendOnce(chunks, batch, commits).isEmpty()) {
          return;
        }
      }
    }
  }

  /** Waits until the buffer has room; false when it never will before the pipeline closes. */
  private boolean awaitRoom(Spool s, long size) throws InterruptedException {
    if (s.hasRoomFor(size)) {
      return true;
    }
    waitingForRoom = true;
    try {
      handOvers.await(() -> s.hasRoomFor(size) || closedAfterStop());
      // Only an appender in its turn adds to the buffer: the room found stays.
      return s.hasRoomFor(size);
    } finally {
      waitingForRoom = false;
    }
  }

  /** Waits for buffered batches; false when there is nothing more to drain in this run. */
  boolean awaitBuffered(Spool s) throws InterruptedException {
    handOvers.await(() -> drainingEnds(s) || !s.isEmpty());
    // Once every appender has ended nothing more is buffered: an end found stays.
    return !drainingEnds(s);
  }

  private boolean drainingEnds(Spool s) {
    return appenderDone && (stopping || s.isEmpty());
  }

  /** Pauses the drainer; false when it should end instead (stopped, and the appender is done). */
  boolean pauseDraining(long millis) throws InterruptedException {
    return !handOvers.await(millis, () -> appenderDone && stopping);
  }

  /** Tells the listener of a commit, one at a time (appenders and the drainer commit at once). */
  void heardCommit(
      List<StoredEvent> events,
      AppendResult result,
      List<PipelineListener.SourceCommit> commits,
      long nanos) {
    synchronized (hearing) {
      listener.committed(events, result, commits, nanos);
    }
  }

  /** Counts what an append of buffered batches stored. */
  void countDrained(AppendResult result) {
    stored.addAndGet(result.stored());
    duplicates.addAndGet(result.duplicates());
  }

  Sink sink() {
    return sink;
  }

  /** Wakes whoever waits on the pipeline: an appender waiting for room in the buffer. */
  void signalChanged() {
    handOvers.wake();
  }

  /** Fails the pipeline, and with it the chunks in hand and those still queued. */
  private void fail(List<Chunk> chunks, Exception e) {
    handOvers.fail(e);
    handOvers.release(chunks, Optional.of(e));
  }

  /**
   * Appends everything handed over, then ends the appending thread. Sources must have returned
   * first.
   *
   * @throws IngestFailedException when an append failed
   */
  @Override
  public void close() throws IOException {
    handOvers.close();
    boolean interrupted = false;
    for (Thread appender : appenders) {
      interrupted |= join(appender);
    }
    if (drainer.isPresent()) {
      interrupted |= join(drainer.get());
      spool.get().close();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (handOvers.failure().isPresent()) {
      throw handOvers.failed();
    }
  }

  /** Waits for a thread to end; true when interrupted meanwhile. */
  private static boolean join(Thread thread) {
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        // Batches handed over are appended (or buffered) whole, never abandoned half way.
        interrupted = true;
      }
    }
    return interrupted;
  }
}
