package io.kubetrail.store.lucene;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Optional;

/**
 * Group commit: appends write their batches in turn, then wait here until the block files are
 * synced through their batch. The first to wait syncs for every batch written so far; those that
 * write meanwhile share the next sync. Batches are acknowledged in the order they were written,
 * each only once its bytes are synced. When a sync or an acknowledgement fails, every batch not yet
 * acknowledged fails with it, and no batch is synced again until the appender has cut them off the
 * block files ({@link #abandon}).
 */
final class GroupCommit {
  /** Makes the block files durable through byte {@code end} of file {@code file}. */
  @FunctionalInterface
  interface Sync {
    void sync(long file, long end) throws IOException;
  }

  /** Acknowledges a batch whose bytes are durable, in the order they were written. */
  @FunctionalInterface
  interface Acknowledge {
    void acknowledge(Indexer.Pending batch) throws IOException;
  }

  /** A batch written and not yet acknowledged: where its bytes end. */
  private record Written(long ticket, long file, long end, Indexer.Pending batch) {}

  private final Sync sync;
  private final Acknowledge acknowledge;
  private final ArrayDeque<Written> written = new ArrayDeque<>();

  /** The newest batch written, the newest acknowledged, and the newest that failed. */
  private long issued;

  private long acknowledged;
  private long failedThrough;

  /** A sync is under way, outside this object's lock. */
  private boolean syncing;

  /** Set from a failed sync until {@link #abandon}; the last failure is kept for the message. */
  private boolean broken;

  private Throwable lastFailure;

  GroupCommit(Sync sync, Acknowledge acknowledge) {
    this.sync = sync;
    this.acknowledge = acknowledge;
  }

  /**
   * Takes a batch that was just written and ends at byte {@code end} of file {@code file}; returns
   * its ticket for {@link #await}. Under the appender's lock, so that tickets follow the file.
   */
  synchronized long add(long file, long end, Indexer.Pending batch) {
    issued++;
    written.add(new Written(issued, file, end, batch));
    return issued;
  }

  /**
   * The ticket of the newest batch written and not yet acknowledged; when there is none, one that
   * {@link #await} returns at once for.
   */
  synchronized long newestPending() {
    return written.isEmpty() ? acknowledged : written.peekLast().ticket();
  }

  /** Whether a batch is written and not yet acknowledged (or failed). */
  synchronized boolean pending() {
    return !written.isEmpty();
  }

  /** The failure that broke the group, until the appender recovers from it. */
  synchronized Optional<Throwable> failure() {
    return broken ? Optional.of(lastFailure) : Optional.empty();
  }

  /**
   * Returns once the batch with {@code ticket} is durable and acknowledged, syncing for it and for
   * every batch written so far when no sync is under way.
   *
   * @throws IOException when its sync or an acknowledgement before it failed
   */
  void await(long ticket) throws IOException {
    Written last;
    synchronized (this) {
      boolean interrupted = false;
      while (true) {
        if (ticket <= acknowledged) {
          keepInterrupt(interrupted);
          return;
        }
        if (ticket <= failedThrough || broken) {
          keepInterrupt(interrupted);
          throw failed();
        }
        if (!syncing) {
          break;
        }
        // The batch is written: waiting on is the only way to know whether it is stored.
        interrupted |= waitUninterrupted();
      }
      keepInterrupt(interrupted);
      syncing = true;
      last = written.peekLast();
    }
    Throwable failure = null;
    try {
      sync.sync(last.file(), last.end());
    } catch (IOException | RuntimeException | Error e) {
      failure = e;
    }
    synchronized (this) {
      try {
        while (failure == null && !written.isEmpty() && written.peek().ticket() <= last.ticket()) {
          try {
            acknowledge.acknowledge(written.peek().batch());
          } catch (IOException | RuntimeException | Error e) {
            failure = e;
            break;
          }
          acknowledged = written.poll().ticket();
        }
        if (failure != null) {
          broken = true;
          lastFailure = failure;
        }
      } finally {
        syncing = false;
        notifyAll();
      }
      if (ticket > acknowledged) {
        throw failure != null ? rethrow(failure) : failed();
      }
    }
  }

  /** The failure this thread met, as it was (its type says what the appender reports). */
  private static IOException rethrow(Throwable failure) {
    if (failure instanceof IOException io) {
      return io;
    }
    if (failure instanceof RuntimeException r) {
      throw r;
    }
    throw (Error) failure;
  }

  /** Syncs and acknowledges every batch written (under the appender's lock: none is added). */
  void drain() throws IOException {
    long last;
    synchronized (this) {
      if (broken) {
        throw failed();
      }
      last = newestPending();
    }
    await(last);
  }

  /**
   * Fails every batch written and not acknowledged, once a sync under way has ended, so that the
   * appender can cut them off; syncs may go on after. Under the appender's lock.
   */
  synchronized void abandon(Throwable cause) {
    boolean interrupted = false;
    while (syncing) {
      interrupted |= waitUninterrupted();
    }
    keepInterrupt(interrupted);
    if (!written.isEmpty()) {
      lastFailure = cause;
    }
    failedThrough = issued;
    written.clear();
    broken = false;
  }

  /** Waits to be notified; true when interrupted meanwhile (see {@link #keepInterrupt}). */
  private boolean waitUninterrupted() {
    try {
      wait();
      return false;
    } catch (InterruptedException e) {
      return true;
    }
  }

  /** Sets the thread's interrupt again, once done waiting, for its caller to see. */
  private static void keepInterrupt(boolean interrupted) {
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private IOException failed() {
    Throwable cause = lastFailure;
    String why = cause instanceof IOException ? cause.getMessage() : String.valueOf(cause);
    return new IOException("an append written before it failed: " + why, cause);
  }
}
