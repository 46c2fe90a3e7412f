package io.kubetrail.collect;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The {@link Pipeline}'s hand-overs waiting to be appended, and the one lock its threads wait on.
 * Keeps the queue's bytes within {@link IngestOptions#maxQueuedBytes()}, cuts batches from its
 * head, lets one batch in order be appended at a time, and once the pipeline fails refuses new
 * hand-overs and fails those waiting. Every wait of the pipeline's threads is a wait here, for
 * whatever the pipeline's state says, woken whenever the queue or that state changes.
 */
final class HandOvers {
  private final IngestOptions options;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<Chunk> queue = new ArrayDeque<>();
  private long queuedBytes;

  /** Set once, under the lock; read without it too. */
  private volatile boolean closing;

  /** A batch that is not independent is being appended (or buffered): the next waits for it. */
  private boolean inOrderTurn;

  private volatile Exception failure;

  HandOvers(IngestOptions options) {
    this.options = options;
  }

  /** Queues a chunk, waiting while the queue is full. */
  void submit(Chunk chunk) throws IOException {
    lock.lock();
    try {
      while (!closing && failure == null && full(chunk)) {
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
      if (full(chunk)) {
        return false;
      }
      enqueue(chunk);
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Whether the queue has no room for the chunk (an empty queue takes any one). */
  private boolean full(Chunk chunk) {
    return !queue.isEmpty() && queuedBytes + chunk.bytes() > options.maxQueuedBytes();
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

  /**
   * The chunks of the next batch; empty once closed and drained. A batch is either independent
   * chunks only, taken whenever they lead the queue, or led by a chunk in order, taken once the
   * batch in order before it is done ({@link #endInOrderTurn}); it ends where the next chunk would
   * break the batch limits, or an independent batch where the next is in order.
   */
  List<Chunk> takeBatch() throws InterruptedException {
    lock.lock();
    try {
      while (queue.isEmpty() ? !closing : !queue.peek().independent() && inOrderTurn) {
        changed.await();
      }
      List<Chunk> chunks = Chunk.pollBatch(queue, options.batchEvents(), options.batchBytes());
      if (!chunks.isEmpty() && !chunks.get(0).independent()) {
        inOrderTurn = true;
      }
      return chunks;
    } finally {
      lock.unlock();
    }
  }

  void endInOrderTurn() {
    update(() -> inOrderTurn = false);
  }

  /** Takes appended (or failed) chunks off the queue's bytes and tells their sources. */
  void release(List<Chunk> chunks, Optional<Exception> cause) {
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
      if (cause.isEmpty()) {
        c.done().complete(null);
      } else {
        c.done().completeExceptionally(cause.get());
      }
    }
  }

  /** Fails the pipeline: the first failure is kept, and every chunk still queued fails with it. */
  void fail(Exception e) {
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
    release(dropped, Optional.of(e));
  }

  /** The failure that stopped the pipeline, if one did. */
  Optional<Exception> failure() {
    return Optional.ofNullable(failure);
  }

  /** What a hand-over, or closing, hears once the pipeline has failed. */
  IngestFailedException failed() {
    return new IngestFailedException(
        "the store failed: " + failure.getMessage(), IngestSummary.NONE, failure);
  }

  /** Bytes of events waiting to be appended. */
  long queuedBytes() {
    lock.lock();
    try {
      return queuedBytes;
    } finally {
      lock.unlock();
    }
  }

  /** Takes no more hand-overs; the appenders end once the queue is empty. */
  void close() {
    update(() -> closing = true);
  }

  boolean closing() {
    return closing;
  }

  /** Wakes every waiting thread, to look at the pipeline's state again. */
  void wake() {
    update(() -> {});
  }

  /** Changes the pipeline's state under the lock and wakes every waiting thread. */
  void update(Runnable change) {
    lock.lock();
    try {
      change.run();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Waits, under the lock, until {@code over} holds. */
  void await(BooleanSupplier over) throws InterruptedException {
    lock.lock();
    try {
      while (!over.getAsBoolean()) {
        changed.await();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Waits up to {@code millis}, or until {@code over} holds; whether it holds. */
  boolean await(long millis, BooleanSupplier over) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    lock.lock();
    try {
      long left;
      while (!over.getAsBoolean() && (left = deadline - System.nanoTime()) > 0) {
        changed.awaitNanos(left);
      }
      return over.getAsBoolean();
    } finally {
      lock.unlock();
    }
  }
}
