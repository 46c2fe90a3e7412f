package io.kubetrail.store.lucene;

import io.kubetrail.store.AppendResult;
import io.kubetrail.store.Batch;
import io.kubetrail.store.PruneResult;
import io.kubetrail.store.StoreCorruptException;
import io.kubetrail.store.StoreException;
import io.kubetrail.store.StoreLockedException;
import io.kubetrail.store.StoredEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.util.BytesRef;

/**
 * A writable store's writing side: appends, prunes (through {@link Pruner}), index commits, and
 * recovery from a failed write. Appends, prunes and recovery run under this object's lock. A batch
 * is durable, and acknowledged, once its blocks and its batch record are synced to the block files;
 * its documents are then added to the index behind the appends by the {@link Indexer}, which
 * commits the index by count and within {@link Indexer#COMMIT_INTERVAL} (and close does), under the
 * index lock only. A writer that opens the store indexes again whatever the block files hold past
 * the index's commit. Searchers refresh once every acknowledged batch is indexed.
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

  /** Whether the last failed write was cut off whole (see {@link #recoverWriter}). */
  private boolean failedWriteUntouched;

  /** How many events may be appended before the searchers refresh without being asked to. */
  static final int REFRESH_AFTER_EVENTS = 65_536;

  /**
   * Ids of the events appended since the searchers last refreshed, which the duplicate check looks
   * up besides the index. Refreshing after every append would flush a small segment each time (and
   * merge them later), which made a webhook's small batches cost several times their events;
   * queries refresh when they need to ({@link Searchers#acquire}).
   */
  private final Set<BytesRef> unrefreshed = new HashSet<>();

  /** Counts the times {@link #unrefreshed} was cleared, which an append's look ahead checks. */
  private volatile long refreshes;

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
    this.groupCommit =
        new GroupCommit(
            new GroupCommit.Durability() {
              @Override
              public void sync(long file, long end) throws IOException {
                blockFiles.sync(file, end);
              }

              @Override
              public void acknowledge(Indexer.Pending batch) throws IOException {
                Appender.this.acknowledge(batch);
              }
            });
    this.indexed = committed;
    this.indexCommitted = committed;
    this.indexer = background ? Optional.of(new Indexer(this)) : Optional.empty();
    searchers.onStale(this::refreshForReaders);
  }

  /** How the store's index is written: the codec must never change. */
  static IndexWriterConfig writerConfig(LuceneOptions options) {
    IndexWriterConfig config = new IndexWriterConfig();
    config.setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
    config.setCodec(
        new Lucene912Codec(
            options.compression() == LuceneOptions.Compression.SMALL
                ? Lucene912Codec.Mode.BEST_COMPRESSION
                : Lucene912Codec.Mode.BEST_SPEED));
    config.setRAMBufferSizeMB(options.ramBufferMb());
    // Only append and prune commit; closing must not commit whatever a failed append left.
    config.setCommitOnClose(false);
    return config;
  }

  static IndexWriter openWriter(
      Path location, Directory directory, LuceneOptions options, Consumer<IndexWriterConfig> tuning)
      throws IOException {
    IndexWriterConfig config = writerConfig(options);
    tuning.accept(config);
    try {
      return new IndexWriter(directory, config);
    } catch (LockObtainFailedException e) {
      throw new StoreLockedException(location, e);
    }
  }

  static CommitState readState(Path location, Map<String, String> userData)
      throws StoreCorruptException {
    try {
      return CommitState.fromUserData(userData);
    } catch (IllegalArgumentException e) {
      throw new StoreCorruptException(location, e.getMessage(), e);
    }
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
    Map<BytesRef, StoredEvent> fresh = new LinkedHashMap<>();
    long duplicates = 0;
    for (StoredEvent e : batch.events()) {
      if (fresh.putIfAbsent(Fields.id(e), e) != null) {
        duplicates++;
      }
    }
    long seen = refreshes;
    OptionalLong storedAhead = removeStoredAhead(fresh);
    duplicates += storedAhead.orElse(0);
    Optional<BatchWriter.Prepared> prepared = prepareAhead(fresh);
    CommitState before;
    long ticket;
    int stored;
    synchronized (this) {
      prepareTurn();
      before = written;
      if (storedAhead.isEmpty() || refreshes != seen) {
        duplicates += removeStored(fresh);
      }
      duplicates += removeUnrefreshed(fresh);
      boolean advancesCheckpoints =
          !before.checkpoints().entrySet().containsAll(batch.checkpoints().entrySet());
      stored = fresh.size();
      if (fresh.isEmpty() && !advancesCheckpoints) {
        // Its events may be in an append still waiting for its sync: they are stored with it.
        ticket = groupCommit.issued();
      } else {
        try {
          if (prepared.isEmpty() || prepared.get().size() != fresh.size()) {
            prepared = fresh.isEmpty() ? Optional.empty() : Optional.of(batchWriter.prepare(fresh));
          }
          ticket = write(before, batch, prepared);
        } catch (IOException | RuntimeException | Error e) {
          // Not acknowledged: cut off, so that a failure never leaves what its caller cannot know.
          recover(e);
          throw writeFailure("append", before, e);
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
        throw writeFailure("append", before, e);
      }
    }
    return new AppendResult(
        stored,
        duplicates,
        stored == 0 ? OptionalLong.empty() : OptionalLong.of(before.lastBatch() + 1));
  }

  /**
   * Before an append writes, in its turn: recovers from a failed sync or indexing, and opens the
   * writer again after a failure.
   */
  private void prepareTurn() throws IOException {
    try {
      Optional<Throwable> broken = groupCommit.failure();
      if (broken.isPresent()) {
        recover(broken.get());
      }
      catchUpIndex(false);
      ensureWriter();
      if (unrefreshed.size() >= REFRESH_AFTER_EVENTS) {
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
   * Removes the events the searchers' index already holds, before the append's turn (whatever was
   * appended since they refreshed is looked up in its turn); empty when it could not look, and then
   * its turn looks in the index too.
   */
  private OptionalLong removeStoredAhead(Map<BytesRef, StoredEvent> fresh) {
    if (fresh.isEmpty()) {
      return OptionalLong.of(0);
    }
    Map<BytesRef, StoredEvent> left = new LinkedHashMap<>(fresh);
    try {
      IndexSearcher searcher = searchers.acquireAsIs();
      try {
        long removed = BatchWriter.removeStored(searcher.getIndexReader(), left);
        fresh.keySet().retainAll(left.keySet());
        return OptionalLong.of(removed);
      } finally {
        searchers.release(searcher);
      }
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * The batch's blocks, built before its turn; empty when there are none or building failed (then
   * its turn builds them again, and handles the failure as a failed write).
   */
  private Optional<BatchWriter.Prepared> prepareAhead(Map<BytesRef, StoredEvent> fresh) {
    if (fresh.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(batchWriter.prepare(fresh));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Removes the events the store already has; returns how many. */
  private long removeStored(Map<BytesRef, StoredEvent> fresh) throws IOException {
    IndexSearcher searcher = searchers.acquireAsIs();
    try {
      return BatchWriter.removeStored(searcher.getIndexReader(), fresh);
    } catch (IOException | RuntimeException e) {
      throw searchers.failure(searcher, e);
    } finally {
      searchers.release(searcher);
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
    prepared.ifPresent(p -> unrefreshed.addAll(p.ids()));
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

  /** Drops the events whose ids were appended since the last refresh; returns how many. */
  private long removeUnrefreshed(Map<BytesRef, StoredEvent> fresh) {
    if (unrefreshed.isEmpty()) {
      return 0;
    }
    int before = fresh.size();
    fresh.keySet().removeIf(unrefreshed::contains);
    return before - fresh.size();
  }

  /** Makes the searchers see every acknowledged batch. Under the lock, between writes. */
  void refresh() throws IOException {
    groupCommit.drain();
    catchUpIndex(true);
    searchers.refresh();
    unrefreshed.clear();
    refreshes++;
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
  public boolean commitIndexed(boolean force) throws IOException {
    synchronized (indexLock) {
      if (writer != null) {
        commitIndex(force);
      }
      return writer != null && indexed != indexCommitted;
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
      return pruneIndexed(cutoff);
    }
  }

  private PruneResult pruneIndexed(long cutoff) throws IOException {
    Pruner pruner = new Pruner(this, searchers, blockFiles);
    long batches = 0;
    long events = 0;
    while (true) {
      PruneResult step = pruner.step(cutoff, PRUNE_BATCHES_PER_COMMIT);
      batches += step.batches();
      events += step.events();
      if (step.batches() < PRUNE_BATCHES_PER_COMMIT) {
        return new PruneResult(batches, events);
      }
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
      throw writeFailure("prune", before, e);
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
    return writeFailure("prune", before, e);
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
    IndexWriter reopened = openWriter(location, searchers.directory(), options, tuning);
    SearcherManager fresh;
    CommitState recovered;
    try {
      CommitState fromCommit =
          readState(location, SegmentInfos.readLatestCommit(searchers.directory()).getUserData());
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
    unrefreshed.clear();
    refreshes++;
  }

  /**
   * What a failed write left, judged from the commit the store reopened on: usually nothing (the
   * failure came before the commit point), but a failure while finishing a commit may leave it in
   * place, and then it is not certain to survive a power loss.
   */
  private String failedWrite(String what, CommitState before, IOException cause) {
    boolean untouched =
        failedWriteUntouched
            && committed.lastBatch() == before.lastBatch()
            && committed.anchorBatch() == before.anchorBatch()
            && committed.prunedBefore() == before.prunedBefore()
            && committed.checkpoints().equals(before.checkpoints());
    return what
        + " failed ("
        + cause.getMessage()
        + "); "
        + (untouched
            ? "it was rolled back and nothing of it is stored; the store is still usable"
            : "it may or may not be stored: retry it (appending is idempotent), and run verify");
  }

  /**
   * What a failed append or prune throws. A merge that met a damaged segment is reported as damage
   * (a failed write otherwise, as a full disk, checks no files: that would read the whole store).
   */
  private IOException writeFailure(String what, CommitState before, Throwable e) {
    if (e instanceof Error error) {
      throw error;
    }
    if (e instanceof RuntimeException
        || e instanceof CorruptIndexException
        || e instanceof java.io.EOFException) {
      IOException diagnosed =
          StoreErrors.diagnose(searchers.location(), searchers.directory(), Optional.empty(), e);
      if (diagnosed instanceof StoreCorruptException || !(e instanceof IOException)) {
        return diagnosed;
      }
    }
    IOException io = (IOException) e;
    return new StoreException(searchers.location(), failedWrite(what, before, io), io);
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
    failedWriteUntouched = false;
    try {
      CommitState inIndex =
          readState(
              searchers.location(),
              SegmentInfos.readLatestCommit(searchers.directory()).getUserData());
      CommitState acknowledged = committed;
      if (!landed(inIndex, acknowledged)) {
        blockFiles.rollbackTo(acknowledged.blockFile(), acknowledged.blockLength());
        failedWriteUntouched = true;
      }
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e);
    }
    try {
      ensureWriter();
      refresh();
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  /** Whether the index's commit holds more than the acknowledged state: the failed write landed. */
  private static boolean landed(CommitState inIndex, CommitState acknowledged) {
    return inIndex.lastBatch() > acknowledged.lastBatch()
        || inIndex.anchorBatch() != acknowledged.anchorBatch()
        || inIndex.prunedBefore() != acknowledged.prunedBefore()
        || inIndex.blockFile() > acknowledged.blockFile()
        || (inIndex.blockFile() == acknowledged.blockFile()
            && inIndex.blockLength() > acknowledged.blockLength());
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
      // Not acknowledged: the next writer cuts it off the block files.
      failures.add(e);
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
