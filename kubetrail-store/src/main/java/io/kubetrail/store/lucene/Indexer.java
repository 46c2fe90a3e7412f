package io.kubetrail.store.lucene;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Indexes acknowledged batches behind the appends, on a thread of its own: an append is
 * acknowledged once its blocks and batch record are synced, and hands its documents here. This
 * thread adds them to the writer in order and commits the index (by count, and at most {@link
 * #COMMIT_INTERVAL} after a batch was added), so that neither indexing nor an index commit holds up
 * an acknowledgement. While {@link #BULK_EVENTS} or more events wait for a commit (a bulk ingest),
 * the timed commit waits until no batch was added for {@link #COMMIT_INTERVAL} instead: each commit
 * flushes a segment, and one a second made most of a bulk ingest's segments, which merges then
 * rewrite. Since only this thread adds documents, an index commit holds exactly the batches added
 * before it, all of them acknowledged; what the block files hold past it is indexed again when a
 * writer opens the store ({@link Recovery}), or after a failure here.
 *
 * <p>Memory is bounded: an append waits while {@link #MAX_WAITING_EVENTS} events wait here.
 */
final class Indexer {
  /** How long indexed batches may wait for the index to be committed. */
  static final Duration COMMIT_INTERVAL = Duration.ofSeconds(1);

  /**
   * Indexed events waiting for a commit from which the timed commit waits for a pause in the
   * batches: a bulk ingest's, committed by count ({@link Appender#COMMIT_EVERY_EVENTS}) meanwhile.
   */
  static final long BULK_EVENTS = 16_384;

  /** Appends wait while this many events wait to be indexed (one batch may exceed it). */
  static final int MAX_WAITING_EVENTS = 8_192;

  /** A durable batch's documents (the header's last) and the state after it. */
  record Pending(BatchDocuments documents, CommitState after, int events) {}

  /** What the indexing thread does, with the appender's index lock held inside each step. */
  interface Steps {
    /** Adds a batch's documents to the writer. */
    void index(Pending batch) throws IOException;

    /**
     * Commits the index when forced or when enough waits for it; returns how many indexed events
     * are left waiting for a commit, and at least 1 when only batches without events are.
     */
    long commitIndexed(boolean force) throws IOException;
  }

  private final Steps steps;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private long waitingEvents;

  /** A batch taken off the queue is being added. */
  private boolean busy;

  /** When the index is to be committed by time (System.nanoTime), or 0 when nothing waits. */
  private long commitDue;

  /** The failure that stopped the thread: the appender recovers from the block files. */
  private Throwable failure;

  private boolean stopped;
  private Thread thread;

  Indexer(Steps steps) {
    this.steps = steps;
  }

  /**
   * Queues a durable batch, waiting while too many events wait; after a failure, drops it (the
   * appender indexes it again from the block files when it recovers).
   */
  synchronized void add(Pending batch) throws IOException {
    while (failure == null
        && !queue.isEmpty()
        && waitingEvents + batch.events() > MAX_WAITING_EVENTS) {
      await();
    }
    if (failure != null) {
      return;
    }
    queue.add(batch);
    waitingEvents += batch.events();
    if (thread == null) {
      stopped = false;
      thread = new Thread(this::run, "kubetrail-index");
      thread.setDaemon(true);
      thread.start();
    }
    notifyAll();
  }

  /** Waits until every queued batch is in the writer; the failure that stopped it, if one did. */
  synchronized Optional<Throwable> awaitIdle() throws IOException {
    while (failure == null && (busy || !queue.isEmpty())) {
      await();
    }
    return Optional.ofNullable(failure);
  }

  /** The failure that stopped the indexing thread, if one did. */
  synchronized Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  /**
   * Forgets the queue and the failure, after the appender reopened its writer on the block files
   * (which indexed whatever was queued). Only when idle or failed.
   */
  synchronized void reset() {
    queue.clear();
    waitingEvents = 0;
    failure = null;
    commitDue = 0;
  }

  /**
   * Waits until idle and ends the thread (without committing: the appender's close does); the
   * failure that stopped it, if one did.
   */
  Optional<Throwable> close() {
    try {
      awaitIdle();
    } catch (IOException e) {
      // Interrupted: what is queued is durable in the block files and indexed again at the next
      // open; stop anyway.
      synchronized (this) {
        if (failure == null) {
          failure = e;
        }
      }
    }
    stop();
    return failure();
  }

  private void stop() {
    Thread t;
    synchronized (this) {
      stopped = true;
      notifyAll();
      t = thread;
      thread = null;
    }
    if (t != null) {
      boolean interrupted = false;
      while (t.isAlive()) {
        try {
          t.join();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void await() throws IOException {
    try {
      wait();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the index");
    }
  }

  private void run() {
    while (true) {
      Pending next;
      synchronized (this) {
        next = nextOrCommitDue();
        if (next == null && stopped) {
          return;
        }
        busy = next != null;
      }
      try {
        if (next != null) {
          steps.index(next);
        }
        long left = steps.commitIndexed(next == null);
        synchronized (this) {
          if (next != null) {
            queue.poll();
            waitingEvents -= next.events();
          }
          commitDue =
              left == 0
                  ? 0
                  : commitDue != 0 && left < BULK_EVENTS
                      ? commitDue
                      : System.nanoTime() + intervalNanos();
          busy = false;
          notifyAll();
        }
      } catch (IOException | RuntimeException | Error e) {
        synchronized (this) {
          failure = e;
          busy = false;
          thread = null;
          notifyAll();
        }
        if (e instanceof Error error) {
          throw error;
        }
        return;
      }
    }
  }

  /** The next batch; null when the index is due to be committed by time, or when stopped. */
  private Pending nextOrCommitDue() {
    while (queue.isEmpty() && !stopped) {
      long left = commitDue == 0 ? Long.MAX_VALUE : commitDue - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      try {
        if (left == Long.MAX_VALUE) {
          wait();
        } else {
          TimeUnit.NANOSECONDS.timedWait(this, left);
        }
      } catch (InterruptedException e) {
        // Not interrupted by the store: stop as when asked to.
        stopped = true;
      }
    }
    return queue.peek();
  }

  private static long intervalNanos() {
    return COMMIT_INTERVAL.toNanos();
  }
}
