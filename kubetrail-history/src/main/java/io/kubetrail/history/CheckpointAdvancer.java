package io.kubetrail.history;

import io.kubetrail.event.AuditEvent;
import io.kubetrail.store.StoredEvent;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;

/**
 * Keeps one cluster's state checkpoints up to date while events are stored, from the committed
 * batches themselves instead of reading the store again: their changes are applied to the state in
 * memory, and a checkpoint is written every {@link HistoryOptions#checkpointInterval()} changes.
 *
 * <p>When the store holds changes after its newest checkpoint, too few for a checkpoint to be due,
 * it starts the state only once the batches have brought {@link #startAfter} changes, replaying the
 * store's changes after that checkpoint as it does after a late change, below. An ingest of fewer
 * changes writes no checkpoint, as before, and now replays nothing either: an ingest of a small
 * file into a store whose newest checkpoint lies tens of thousands of changes back no longer spends
 * most of its time and memory on that replay. Otherwise (nothing after the newest checkpoint, as in
 * a new store, or enough for a checkpoint to be due) it starts at once: there is nothing to replay
 * first, or a checkpoint to write.
 *
 * <p>Changes must apply in the order they happened, and batches bring them nearly so: each is held
 * back until a change {@link #REORDER_WINDOW} newer has been seen (the logs of several API servers
 * are read side by side), then applied in order. A change that comes later still (a log read long
 * after another, say) makes the state in memory wrong: it is dropped, and the state is replayed
 * from the store, from the newest checkpoint still true, at most once a minute and at the end. That
 * replay runs on the thread that commits batches, between two commits, so the store it reads holds
 * the batches handed over so far, and perhaps one appended beside them and not yet heard (a
 * collector appends webhook requests two at a time). Its changes then come after the replay as late
 * ones: that costs another replay a minute later, never a wrong state.
 *
 * <p>Create it before the batches it is to hear are committed: it starts from the store as it is.
 * {@link #committed} is called after each commit, on the committing thread; the changes are applied
 * on a thread of its own, a few batches behind at most. A failure never loses an event: it is
 * noted, and queries replay instead.
 */
public final class CheckpointAdvancer implements Closeable {
  /** How much newer a change must be seen before an older one is applied. */
  public static final Duration REORDER_WINDOW = Duration.ofSeconds(10);

  /**
   * The share of {@link HistoryOptions#checkpointInterval()} an ingest's changes reach before the
   * state is started: small, so that the replay then is small too (3,125 changes by default).
   */
  private static final int START_SHARE = 16;

  private static final long REBUILD_PAUSE_NANOS = Duration.ofMinutes(1).toNanos();
  private static final List<AuditEvent> END = new ArrayList<>();
  private static final Comparator<AuditEvent> CHANGE_ORDER = CheckpointAdvancer::compareChanges;

  private final StateHistory history;
  private final ChangeLog log;
  private final HistoryOptions options;
  private final String cluster;
  private final BlockingQueue<List<AuditEvent>> queue = new ArrayBlockingQueue<>(2);
  private final Held held = new Held();
  private final List<String> notes = new ArrayList<>();
  private final Thread worker;
  private Consumer<String> noteListener = note -> {};
  private Replayer replayer;
  private String base;
  private Instant applied;
  private Instant newestSeen;
  private long sinceCheckpoint;

  /** Changes still to be committed before the state is started; 0 once it has been. */
  private long dormantFor;

  private int written;
  private volatile boolean stale;
  private volatile long staleSince;
  private boolean idle = true;

  CheckpointAdvancer(StateHistory history, ChangeLog log, HistoryOptions options)
      throws IOException {
    this.history = history;
    this.log = log;
    this.options = options;
    this.cluster = history.cluster();
    if (options.checkpoints()) {
      long after = history.changesAfterNewestStart();
      if (after == 0 || after >= options.checkpointInterval()) {
        rebuild();
      } else {
        dormantFor = startAfter(options.checkpointInterval(), after);
      }
    }
    this.worker = new Thread(this::work, "kubetrail-checkpoints");
    worker.setDaemon(true);
    worker.start();
  }

  /**
   * The changes an ingest hands over before the state is started, when the store holds {@code
   * after} changes after its newest checkpoint: at most a {@link #START_SHARE}th of the interval,
   * and never more than would make a checkpoint due.
   */
  static long startAfter(long interval, long after) {
    return Math.max(1, Math.min(interval - after, interval / START_SHARE));
  }

  /** Hears notes (a checkpoint that could not be written, say) as they happen. */
  public synchronized CheckpointAdvancer onNote(Consumer<String> listener) {
    this.noteListener = listener;
    return this;
  }

  /** A batch is durable: its changes of this cluster advance the state. */
  public void committed(List<StoredEvent> events) throws InterruptedIOException {
    if (!options.checkpoints()) {
      return;
    }
    if (stale && System.nanoTime() - staleSince > REBUILD_PAUSE_NANOS) {
      // Between two commits: the store holds what was handed over (see the class comment).
      awaitIdle();
      rebuildQuietly();
      return;
    }
    if (dormantFor > 0) {
      for (StoredEvent e : events) {
        if (isMine(e)) {
          dormantFor--;
        }
      }
      if (dormantFor <= 0) {
        dormantFor = 0;
        // Between two commits: the store holds what was handed over (see the class comment).
        rebuildQuietly();
      }
      return;
    }
    List<AuditEvent> mine = new ArrayList<>();
    for (StoredEvent e : events) {
      if (isMine(e)) {
        mine.add(e.event());
      }
    }
    if (!mine.isEmpty() && !stale) {
      put(mine);
    }
  }

  /** A change of this advancer's cluster. */
  private boolean isMine(StoredEvent e) {
    return e.cluster().equals(cluster) && e.isChange();
  }

  private void put(List<AuditEvent> batch) throws InterruptedIOException {
    try {
      synchronized (this) {
        idle = false;
      }
      queue.put(batch);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while advancing state checkpoints");
    }
  }

  private void work() {
    try {
      for (List<AuditEvent> batch = queue.take(); batch != END; batch = queue.take()) {
        try {
          if (!stale) {
            advance(batch);
          }
        } catch (IOException | RuntimeException e) {
          note("state checkpoints were not advanced (queries will replay instead): " + e);
          markStale();
        }
        synchronized (this) {
          idle = queue.isEmpty();
          notifyAll();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void advance(List<AuditEvent> changes) throws IOException {
    for (AuditEvent change : changes) {
      if (!change.stageTimestamp().isAfter(applied)) {
        markStale(); // older than what is applied: only a replay from the store puts it in place
        return;
      }
      held.add(change);
      if (change.stageTimestamp().isAfter(newestSeen)) {
        newestSeen = change.stageTimestamp();
      }
    }
    Instant releaseBefore = newestSeen.minus(REORDER_WINDOW);
    while (!held.isEmpty() && held.peek().stageTimestamp().isBefore(releaseBefore)) {
      apply(held.poll());
    }
  }

  private void apply(AuditEvent change) throws IOException {
    if (sinceCheckpoint >= options.checkpointInterval()
        && change.stageTimestamp().isAfter(applied)) {
      history.writeCheckpointFile(replayer, applied, base, log.fingerprint(applied));
      written++;
      sinceCheckpoint = 0;
    }
    replayer.apply(change);
    applied = change.stageTimestamp();
    sinceCheckpoint++;
  }

  private void markStale() {
    held.clear();
    staleSince = System.nanoTime();
    stale = true;
  }

  /** Replays from the store: from the newest checkpoint still true to the latest change. */
  private void rebuild() throws IOException {
    replayer = history.replayToEnd();
    base = history.lastBase();
    applied = replayer.lastChange();
    newestSeen = applied;
    sinceCheckpoint = 0;
    held.clear();
    written += history.lastReplay().checkpointsWritten();
    history.lastReplay().notes().forEach(this::note);
    stale = false;
  }

  /** Rebuilds the state from the store, or else leaves it stale, to be tried again later. */
  private void rebuildQuietly() {
    try {
      rebuild();
    } catch (IOException | RuntimeException e) {
      note("state checkpoints were not brought up to date (queries will replay instead): " + e);
      markStale();
    }
  }

  private synchronized void awaitIdle() throws InterruptedIOException {
    try {
      while (!idle && worker.isAlive()) {
        wait(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while advancing state checkpoints");
    }
  }

  private synchronized void note(String note) {
    notes.add(note);
    noteListener.accept(note);
  }

  /** Stage time, then received time, then auditID: the order changes are applied in. */
  private static int compareChanges(AuditEvent a, AuditEvent b) {
    int c = a.stageTimestamp().compareTo(b.stageTimestamp());
    if (c == 0) {
      c = a.requestReceivedTimestamp().compareTo(b.requestReceivedTimestamp());
    }
    return c == 0 ? a.auditID().compareTo(b.auditID()) : c;
  }

  /**
   * The changes held back, taken in {@link #CHANGE_ORDER}. Most come in that order already: those
   * join a queue in order at no cost, and only the others go through a priority queue.
   */
  private static final class Held {
    private final ArrayDeque<AuditEvent> inOrder = new ArrayDeque<>();
    private final PriorityQueue<AuditEvent> others = new PriorityQueue<>(CHANGE_ORDER);

    void add(AuditEvent change) {
      if (inOrder.isEmpty() || CHANGE_ORDER.compare(inOrder.peekLast(), change) <= 0) {
        inOrder.addLast(change);
      } else {
        others.add(change);
      }
    }

    boolean isEmpty() {
      return inOrder.isEmpty() && others.isEmpty();
    }

    /** The first change, or null when none is held. */
    AuditEvent peek() {
      AuditEvent a = inOrder.peekFirst();
      AuditEvent b = others.peek();
      if (a == null || b == null) {
        return a == null ? b : a;
      }
      return CHANGE_ORDER.compare(a, b) <= 0 ? a : b;
    }

    AuditEvent poll() {
      AuditEvent first = peek();
      if (first != null && first == inOrder.peekFirst()) {
        return inOrder.pollFirst();
      }
      return others.poll();
    }

    void clear() {
      inOrder.clear();
      others.clear();
    }
  }

  /** Checkpoints written so far; after {@link #close()}, in all. */
  public int checkpointsWritten() {
    return written;
  }

  /** What went wrong without losing anything. */
  public synchronized List<String> notes() {
    return List.copyOf(notes);
  }

  /**
   * Applies every change handed over (or, after a late one, replays from the store), writing the
   * checkpoints due. Call once no more batches are being committed.
   */
  @Override
  public void close() throws InterruptedIOException {
    try {
      queue.put(END);
      worker.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while advancing state checkpoints");
    }
    if (!options.checkpoints() || dormantFor > 0) {
      return; // off, or too few changes for a checkpoint to be due
    }
    if (stale) {
      rebuildQuietly();
      return;
    }
    try {
      while (!held.isEmpty()) {
        apply(held.poll());
      }
      if (sinceCheckpoint >= options.checkpointInterval()) {
        history.writeCheckpointFile(replayer, applied, base, log.fingerprint(applied));
        written++;
      }
    } catch (IOException | RuntimeException e) {
      note("state checkpoints were not advanced (queries will replay instead): " + e);
    }
  }
}
