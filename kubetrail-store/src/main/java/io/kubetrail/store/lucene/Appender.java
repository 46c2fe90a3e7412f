package io.kubetrail.store.lucene;

import io.kubetrail.store.AppendResult;
import io.kubetrail.store.Batch;
import io.kubetrail.store.PruneResult;
import io.kubetrail.store.StoreCorruptException;
import io.kubetrail.store.StoreException;
import io.kubetrail.store.StoredEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.util.BytesRef;

/**
 * A writable store's writing side: appends, prunes (through {@link Pruner}), index commits, and
 * recovery from a failed write. Appends take turns under this object's lock to write their batches
 * (built before: {@link BatchWriter#prepare}); prunes and recovery run under it. A batch is
 * durable, and acknowledged, once its blocks and its batch record are synced to the block files, by
 * a sync that appends written meanwhile share ({@link GroupCommit}); its documents are then added
 * to the index behind the appends by the {@link Indexer}, which commits the index by count and
 * within {@link Indexer#COMMIT_INTERVAL} (and close does), under the index lock only. A writer that
 * opens the store indexes again whatever the block files hold past the index's commit. Searchers
 * refresh once every acknowledged batch is indexed.
 */
final class Appender implements Indexer.Steps {
  /** The index is committed once this many batches, or events, wait for it. */
  static final int COMMIT_EVERY_BATCHES = 64;

  static final int COMMIT_EVERY_EVENTS = 100_000;

  private final Searchers searchers;
  private final LuceneOptions options;
  private final Consumer<IndexWriterConfig> tuning;
  private final BlockFiles blockFiles;
  private final BatchWriter batchWriter;

  /** Indexes behind the appends; empty when appends index and commit on their own thread. */
  private final Optional<Indexer> indexer;

  /**
   * Held while documents are added to the writer, the index is committed or pruned, or the writer
   * is replaced; taken after this object's lock, never before it.
   */
  private final Object indexLock = new Object();

  /** Null after a failed write until the next one reopens it. */
  private volatile IndexWriter writer;

  /** The state after the last acknowledged append or prune. */
  private volatile CommitState committed;

  /** The state after the last batch written, acknowledged or not (under this object's lock). */
  private CommitState written;

  /** Syncs the block files for the batches written, several at once, and acknowledges them. */
  private final GroupCommit groupCommit;

  /** The state whose batches are all in the writer (under the index lock). */
  private CommitState indexed;

  /** The state the index's last commit holds (under the index lock). */
  private CommitState indexCommitted;

  /** Indexed since the index's last commit (under the index lock). */
  private long uncommittedBatches;

  private long uncommittedEvents;

  /** The events of a batch the store does not hold yet. */
  private final FreshEvents freshEvents;

  /** What a failed write leaves and reports. */
  private final WriteFailures failures;

  /**
   * @param background true to index and commit the index behind the appends ({@link Indexer});
   *     false to index on the appending thread and commit the index only by count and on close, so
   *     that a run does the same file operations in the same order every time (tests that halt at
   *     the n-th one)
   */
  Appender(
      Searchers searchers,
      LuceneOptions options,
      Consumer<IndexWriterConfig> tuning,
      BlockFiles blockFiles,
      IndexWriter writer,
      CommitState committed,
      boolean background) {
    this.searchers = searchers;
    this.options = options;
    this.tuning = tuning;
    this.blockFiles = blockFiles;
    this.batchWriter = new BatchWriter(options, blockFiles);
    this.writer = writer;
    this.committed = committed;
    this.written = committed;
    this.freshEvents = new FreshEvents(searchers);
    this.failures = new WriteFailures(searchers, blockFiles);
    this.groupCommit = new GroupCommit(blockFiles::sync, this::acknowledge);
    this.indexed = committed;
    this.indexCommitted = committed;
    this.indexer = background ? Optional.of(new Indexer(this)) : Optional.empty();
    searchers.onStale(this::refreshForReaders);
  }

  /** The state after the last acknowledged write; read it under this object's lock. */
  CommitState committed() {
    return committed;
  }

  // ---------------------------------------------------------------------------------------------
  // Append

  /**
   * Appends a batch. Its new events are found and its blocks built before its turn, so that appends
   * of several threads do that at once; in its turn (this object's lock) it is checked again for
   * events appended meanwhile, numbered and written; then it waits, outside the lock, for a sync
   * that it shares with the appends written meanwhile ({@link GroupCommit}), and is acknowledged.
   */
  AppendResult append(Batch batch) throws IOException {
    searchers.ensureOpen();
    FreshEvents.Lookup lookup = freshEvents.ahead(batch);
    Map<BytesRef, StoredEvent> fresh = lookup.fresh;
    Optional<BatchWriter.Prepared> prepared = batchWriter.prepareAhead(fresh);
    CommitState before;
    long ticket;
    int stored;
    synchronized (this) {
      prepareTurn(lookup);
      before = written;
      freshEvents.inTurn(lookup);
      boolean advancesCheckpoints =
          !before.checkpoints().entrySet().containsAll(batch.checkpoints().entrySet());
      stored = fresh.size();
      if (fresh.isEmpty() && !advancesCheckpoints) {
        // Its events may be in an append still waiting for its sync: they are stored with it.
        ticket = groupCommit.newestPending();
      } else {
        try {
          if (prepared.isEmpty() || prepared.get().size() != fresh.size()) {
            prepared = fresh.isEmpty() ? Optional.empty() : Optional.of(batchWriter.prepare(fresh));
          }
          ticket = write(before, batch, prepared);
        } catch (IOException | RuntimeException | Error e) {
          // Not acknowledged: cut off, so that a failure never leaves what its caller cannot know.
          recover(e);
          throw failures.report("append", before, committed, e);
        }
      }
    }
    try {
      groupCommit.await(ticket);
    } catch (IOException | RuntimeException | Error e) {
      synchronized (this) {
        if (groupCommit.failure().isPresent()) {
          recover(e);
        }
        throw failures.report("append", before, committed, e);
      }
    }
    return new AppendResult(
        stored,
        lookup.duplicates,
        stored == 0 ? OptionalLong.empty() : OptionalLong.of(before.lastBatch() + 1));
  }

  /**
   * Before an append writes, in its turn: recovers from a failed sync or indexing, opens the writer
   * again after a failure, and refreshes the searchers when one of the batch's events may have been
   * appended since they last did (or when many were).
   */
  private void prepareTurn(FreshEvents.Lookup lookup) throws IOException {
    // The store may have been closed while the batch was prepared.
    searchers.ensureOpen();
    try {
      Optional<Throwable> broken = groupCommit.failure();
      if (broken.isPresent()) {
        recover(broken.get());
      }
      catchUpIndex(false);
      ensureWriter();
      if (freshEvents.refreshDue() || freshEvents.mayHold(lookup)) {
        refresh();
      }
    } catch (StoreCorruptException e) {
      throw e;
    } catch (IOException e) {
      // An earlier batch's indexing, or reopening the writer after it, failed (a full disk, say)
      // before anything of this batch was written.
      throw new StoreException(
          searchers.location(),
          "append failed ("
              + StoreErrors.withoutLocation(e)
              + "); nothing of it is stored: retry it once the store can be written",
          e);
    }
  }

  /**
   * Writes a batch's new events and record, not yet synced; returns its ticket for the group
   * commit, which acknowledges it once synced ({@link #acknowledge}).
   */
  private long write(CommitState before, Batch batch, Optional<BatchWriter.Prepared> prepared)
      throws IOException {
    if (indexer.isEmpty()) {
      // Only acknowledged batches go into an index commit: a failure of this append can then
      // never leave it in the index.
      commitIndex(false);
    }
    if (blockFiles.startsNewFile()) {
      // The file in hand is closed: every batch in it is synced first.
      groupCommit.drain();
    }
    CommitState after = before.withCheckpoints(batch.checkpoints());
    Optional<BatchHeader> header = Optional.empty();
    BatchDocuments documents = BatchDocuments.NONE;
    int events = 0;
    if (prepared.isEmpty()) {
      blockFiles.beginBatch(before.lastBatch() + 1);
    } else {
      BatchWriter.Written w = batchWriter.write(before, prepared.get());
      header = Optional.of(w.header());
      documents = w.documents();
      after = after.withBatch(w.header().link());
      events = prepared.get().size();
    }
    blockFiles.writeRecord(EventBlock.batchRecord(after.lastBatch(), header, batch.checkpoints()));
    after = after.withBlocks(blockFiles.appendingFile(), blockFiles.appendingLength());
    written = after;
    prepared.ifPresent(freshEvents::appended);
    searchers.markStale();
    return groupCommit.add(
        after.blockFile(), after.blockLength(), new Indexer.Pending(documents, after, events));
  }

  /**
   * Acknowledges a synced batch, in the order written (for the {@link GroupCommit}): indexed here
   * when appends index on their own thread, else indexed behind (again from the blocks should that
   * fail).
   */
  private void acknowledge(Indexer.Pending pending) throws IOException {
    if (indexer.isEmpty()) {
      index(pending);
      committed = pending.after();
    } else {
      committed = pending.after();
      indexer.get().add(pending);
    }
  }

  /** A count over the searchers as they are, stale or not. */
  interface AsIsCount {
    long count() throws IOException;
  }

  /**
   * {@link io.kubetrail.store.AuditStore#countChanges}: {@code indexed}, the count of the searchers
   * as they are, and the changes appended since they refreshed, once every batch written is synced.
   * A refresh here would flush the writer's buffer into a small segment and wait for the indexing
   * thread, with appends held: each state checkpoint an ingest wrote asked for one.
   */
  synchronized long countChanges(String cluster, Instant until, AsIsCount indexed)
      throws IOException {
    searchers.ensureOpen();
    drainWrites();
    return indexed.count() + freshEvents.changesBefore(cluster, Times.micros(until));
  }

  /** Makes the searchers see every acknowledged batch. Under the lock, between writes. */
  void refresh() throws IOException {
    groupCommit.drain();
    catchUpIndex(true);
    searchers.refresh();
    freshEvents.refreshed();
  }

  /**
   * Waits until every acknowledged batch is in the writer ({@code wait}), or only looks; after the
   * indexer failed, reopens the writer on the index's last commit, which indexes the batches past
   * it again from the block files ({@link Recovery}).
   */
  private void catchUpIndex(boolean wait) throws IOException {
    if (indexer.isEmpty()) {
      return;
    }
    Optional<Throwable> failed = wait ? indexer.get().awaitIdle() : indexer.get().failure();
    if (failed.isPresent()) {
      IOException e =
          failed.get() instanceof IOException io ? io : new IOException(failed.get().toString());
      recover(e);
      if (writer == null) {
        throw new StoreException(
            searchers.location(),
            "indexing failed ("
                + e.getMessage()
                + "); acknowledged batches are safe in the block"
                + " files and indexed again once the index can be written",
            e);
      }
    }
  }

  /** Adds a durable batch's documents to the writer (on the indexer's thread, or the appending). */
  @Override
  public void index(Indexer.Pending batch) throws IOException {
    synchronized (indexLock) {
      if (writer == null) {
        throw new IOException("the index writer is closed after a failure");
      }
      if (!batch.documents().isEmpty()) {
        writer.addDocuments(batch.documents());
      }
      indexed = batch.after();
      uncommittedBatches++;
      uncommittedEvents += batch.events();
    }
  }

  @Override
  public long commitIndexed(boolean force) throws IOException {
    synchronized (indexLock) {
      if (writer != null) {
        commitIndex(force);
      }
      return writer == null || indexed == indexCommitted ? 0 : Math.max(1, uncommittedEvents);
    }
  }

  /**
   * Refreshes for a query. A failure (a full disk while flushing) is handled as a failed write's
   * is, except that nothing acknowledged is lost: the query goes on with what the searchers saw.
   */
  private synchronized void refreshForReaders() {
    if (!searchers.stale() || searchers.closed()) {
      return;
    }
    try {
      ensureWriter();
      refresh();
    } catch (IOException | RuntimeException e) {
      if (writer != null || groupCommit.failure().isPresent()) {
        recover(e);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Prune

  /** Batches removed per commit by a prune, which bounds its memory. */
  static final int PRUNE_BATCHES_PER_COMMIT = 10_000;

  synchronized PruneResult prune(long cutoff) throws IOException {
    searchers.ensureOpen();
    drainWrites();
    catchUpIndex(true);
    // No index commit of the indexer's may land between a prune's deletes and its own commit.
    synchronized (indexLock) {
      return new Pruner(this, searchers, blockFiles).prune(cutoff, PRUNE_BATCHES_PER_COMMIT);
    }
  }

  /** The writer, opened again first after a failed write. For {@link Pruner}, under the lock. */
  IndexWriter writer() throws IOException {
    ensureWriter();
    return writer;
  }

  /** Commits a prune's changes with the state after it. For {@link Pruner}, under the lock. */
  void commitPrune(CommitState before, CommitState after) throws IOException {
    try {
      writer.setLiveCommitData(after.toUserData().entrySet());
      writer.commit();
    } catch (IOException | RuntimeException | Error e) {
      recover(e);
      throw failures.report("prune", before, committed, e);
    }
    committed = after;
    written = after;
    indexed = after;
    indexCommitted = after;
    uncommittedBatches = 0;
    uncommittedEvents = 0;
    refresh();
  }

  /** A failed prune step before its commit: the writer is rolled back. */
  IOException pruneFailed(CommitState before, Throwable e) {
    recover(e);
    return failures.report("prune", before, committed, e);
  }

  // ---------------------------------------------------------------------------------------------
  // Index commits

  /**
   * Commits the index with the state of what is in the writer, when enough batches or events wait
   * for it (counted, so that a run is the same every time), or when forced. Under the index lock.
   */
  private void commitIndex(boolean force) throws IOException {
    synchronized (indexLock) {
      CommitState state = indexed;
      if (state == indexCommitted) {
        return;
      }
      if (force
          || uncommittedBatches >= COMMIT_EVERY_BATCHES
          || uncommittedEvents >= COMMIT_EVERY_EVENTS) {
        writer.setLiveCommitData(state.toUserData().entrySet());
        writer.commit();
        indexCommitted = state;
        uncommittedBatches = 0;
        uncommittedEvents = 0;
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Failures

  /** Ensures there is a writer: after a failed write, opens a new one on the last commit. */
  private void ensureWriter() throws IOException {
    if (writer != null) {
      return;
    }
    synchronized (indexLock) {
      reopenWriter();
    }
  }

  private void reopenWriter() throws IOException {
    Path location = searchers.location();
    IndexWriter reopened = IndexWriters.open(location, searchers.directory(), options, tuning);
    SearcherManager fresh;
    CommitState recovered;
    try {
      CommitState fromCommit =
          CommitState.read(
              location, SegmentInfos.readLatestCommit(searchers.directory()).getUserData());
      recovered = Recovery.recover(location, reopened, blockFiles, fromCommit);
      fresh = new SearcherManager(reopened, null);
      indexCommitted = fromCommit;
    } catch (IOException | RuntimeException e) {
      StoreErrors.closeQuietly(e, reopened);
      throw StoreErrors.diagnose(location, searchers.directory(), Optional.empty(), e);
    }
    committed = recovered;
    written = recovered;
    indexed = recovered;
    writer = reopened;
    indexer.ifPresent(Indexer::reset);
    uncommittedBatches = 0;
    uncommittedEvents = 0;
    searchers.replace(fresh);
    freshEvents.refreshed();
  }

  /**
   * After a failed write, sync or indexing: fails every batch written and not yet acknowledged,
   * cuts the block files back to the last acknowledged one, and opens a new writer on the index's
   * last commit. Under the lock.
   */
  private void recover(Throwable failure) {
    groupCommit.abandon(failure);
    recoverWriter(failure);
    written = committed;
  }

  /**
   * Syncs and acknowledges every batch written, before a prune or a close; after a failed sync,
   * recovers from it and throws.
   */
  private void drainWrites() throws IOException {
    try {
      groupCommit.drain();
    } catch (IOException e) {
      recover(e);
      throw new StoreException(
          searchers.location(),
          "an append failed (" + StoreErrors.withoutLocation(e) + "); retry it",
          e);
    } catch (RuntimeException e) {
      recover(e);
      throw e;
    }
  }

  /**
   * After a failed write: discards everything since the last commit and opens a new writer on it.
   * If that fails too, the next write tries again.
   */
  private void recoverWriter(Throwable failure) {
    if (indexer.isPresent()) {
      try {
        // Its batches are acknowledged: let it finish them, or fail, before the rollback.
        indexer.get().awaitIdle();
      } catch (IOException e) {
        failure.addSuppressed(e);
      }
    }
    synchronized (indexLock) {
      rollBackWriter(failure);
    }
  }

  private void rollBackWriter(Throwable failure) {
    IndexWriter failed = writer;
    writer = null;
    try {
      if (failed != null) {
        failed.rollback();
      }
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e);
    }
    // What follows the last acknowledged write in the block files belongs to the one that failed,
    // unless its index commit became visible before it failed: then it is stored.
    failures.cutOff(committed, failure);
    try {
      ensureWriter();
      refresh();
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Close

  /**
   * Stops the appending threads, commits the index and closes the writer (the store is marked
   * closed already); what fails is added to {@code failures}.
   */
  synchronized void close(List<Exception> failures) {
    try {
      groupCommit.drain();
    } catch (IOException | RuntimeException e) {
      // Not acknowledged: cut off, as a failed append's batch is.
      failures.add(e);
      recover(e);
    }
    batchWriter.close();
    Optional<Throwable> indexFailure = indexer.flatMap(Indexer::close);
    if (indexFailure.isPresent() && writer != null) {
      // The writer holds part of what failed: not committed. The batches are durable in the block
      // files; the next writer indexes them again.
      failures.add(new IOException("indexing failed: " + indexFailure.get(), indexFailure.get()));
      try {
        writer.rollback();
      } catch (IOException | RuntimeException e) {
        failures.add(e);
      }
      writer = null;
    }
    if (writer == null) {
      return;
    }
    try {
      commitIndex(true);
    } catch (IOException | RuntimeException e) {
      // The batches are durable in the block files; the next writer indexes them again.
      failures.add(e);
    }
    try {
      writer.close();
    } catch (IOException | RuntimeException e) {
      failures.add(e);
    }
    writer = null;
  }
}
