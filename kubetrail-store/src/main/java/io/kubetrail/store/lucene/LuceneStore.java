package io.kubetrail.store.lucene;

import io.kubetrail.store.AppendResult;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.Batch;
import io.kubetrail.store.EventQuery;
import io.kubetrail.store.EventStream;
import io.kubetrail.store.FacetCount;
import io.kubetrail.store.FacetCounts;
import io.kubetrail.store.FacetField;
import io.kubetrail.store.HistogramBucket;
import io.kubetrail.store.ObjectKey;
import io.kubetrail.store.PageCursor;
import io.kubetrail.store.PruneResult;
import io.kubetrail.store.SearchPage;
import io.kubetrail.store.SourceCheckpoint;
import io.kubetrail.store.StoreCorruptException;
import io.kubetrail.store.StoreException;
import io.kubetrail.store.StoreLockedException;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.StoredEvent;
import io.kubetrail.store.VerifyListener;
import io.kubetrail.store.VerifyResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexFileNames;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.CollectorManager;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopFieldDocs;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.util.BytesRef;

/**
 * The Lucene store. Appends are serialised on {@link #writeLock}. A batch is durable, and
 * acknowledged, once its blocks and its batch record are synced to the block files; the index is
 * committed at most every {@link #COMMIT_INTERVAL}, and on close, and a writer that opens the store
 * indexes again whatever the block files hold past the index's commit. A writable store's queries
 * read the writer's own view (every acknowledged batch); a read-only store's queries read the
 * directory's commits.
 */
final class LuceneStore implements AuditStore {
  private final Path location;
  private final StoreOptions options;
  private final LuceneOptions lucene;
  private final Directory directory;

  /** How long acknowledged batches may wait for the index to be committed. */
  static final Duration COMMIT_INTERVAL = Duration.ofSeconds(1);

  /** The index is committed once this many batches, or events, wait for it. */
  static final int COMMIT_EVERY_BATCHES = 64;

  static final int COMMIT_EVERY_EVENTS = 100_000;

  /** Replaced when the writer is reopened after a failure. */
  private volatile SearcherManager searchers;

  private final Object writeLock = new Object();
  private final Consumer<IndexWriterConfig> tuning;
  private final BlockFiles blockFiles;

  private final BatchWriter batchWriter;

  /** Null when read-only, or after a failed append until the next append reopens it. */
  private IndexWriter writer;

  /** The state after the last acknowledged append or prune (unused when read-only). */
  private volatile CommitState committed;

  /** The state the index's last commit holds. */
  private CommitState indexCommitted;

  /** Acknowledged since the index's last commit. */
  private long uncommittedBatches;

  private long uncommittedEvents;
  private boolean commitScheduled;
  private boolean timedCommits = true;

  /** Whether the last failed write was cut off whole (see {@link #recoverWriter}). */
  private boolean failedWriteUntouched;

  private ScheduledExecutorService timer;

  private volatile boolean closed;

  private LuceneStore(
      Path location,
      StoreOptions options,
      LuceneOptions lucene,
      Directory directory,
      SearcherManager searchers,
      IndexWriter writer,
      CommitState committed,
      Consumer<IndexWriterConfig> tuning,
      BlockFiles blockFiles) {
    this.location = location;
    this.blockFiles = blockFiles;
    this.batchWriter = new BatchWriter(lucene, blockFiles);
    this.lucene = lucene;
    this.tuning = tuning;
    this.options = options;
    this.directory = directory;
    this.searchers = searchers;
    this.writer = writer;
    this.committed = committed;
    this.indexCommitted = committed;
  }

  static LuceneStore open(Path location, StoreOptions options, LuceneOptions lucene)
      throws IOException {
    return open(location, options, lucene, d -> d, c -> {}, BlockFiles.Operations.NONE, true);
  }

  /**
   * Opens a store whose directory is wrapped (tests inject faults this way) and whose writer
   * configuration is adjusted after the store has set it up.
   */
  static LuceneStore open(
      Path location,
      StoreOptions options,
      UnaryOperator<Directory> wrap,
      Consumer<IndexWriterConfig> tuning)
      throws IOException {
    return open(
        location,
        options,
        LuceneOptions.defaults(),
        wrap,
        tuning,
        BlockFiles.Operations.NONE,
        true);
  }

  /**
   * As above, with the block files' operations reported to {@code blockOps}; with {@code
   * timedCommits} false, the index is committed only by count and on close, so that a run does the
   * same file operations in the same order every time (tests that halt at the n-th one).
   */
  static LuceneStore open(
      Path location,
      StoreOptions options,
      LuceneOptions lucene,
      UnaryOperator<Directory> wrap,
      Consumer<IndexWriterConfig> tuning,
      BlockFiles.Operations blockOps,
      boolean timedCommits)
      throws IOException {
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(lucene, "lucene");
    Objects.requireNonNull(options, "options");
    if (options.readOnly()) {
      if (!Files.isDirectory(location)) {
        throw new StoreException(location, "no store here: the directory does not exist");
      }
    } else {
      try {
        Files.createDirectories(location);
      } catch (IOException e) {
        throw new StoreException(location, "cannot create the store directory: " + e, e);
      }
    }
    Directory directory;
    try {
      directory = wrap.apply(FSDirectory.open(location));
    } catch (IOException e) {
      throw new StoreException(location, "cannot open the store directory: " + e, e);
    }
    IndexWriter writer = null;
    SearcherManager searchers = null;
    try {
      boolean exists = DirectoryReader.indexExists(directory);
      CommitState state;
      if (options.readOnly()) {
        if (!exists) {
          throw new StoreException(
              location, "no store here: the directory holds no kubetrail store");
        }
        state = readState(location, SegmentInfos.readLatestCommit(directory).getUserData());
      } else {
        if (!exists && hasForeignFiles(directory)) {
          throw new StoreException(
              location,
              "the directory is not empty and holds no kubetrail store; choose an empty or new"
                  + " directory");
        }
        if (exists) {
          // Checked before a writer touches the files of what may be someone else's index.
          state = readState(location, SegmentInfos.readLatestCommit(directory).getUserData());
          writer = openWriter(location, directory, lucene, tuning);
        } else {
          writer = openWriter(location, directory, lucene, tuning);
          state = CommitState.empty();
          writer.setLiveCommitData(state.toUserData().entrySet());
          writer.commit();
        }
      }
      BlockFiles blockFiles = new BlockFiles(location, blockOps);
      if (writer != null) {
        CommitState fromCommit = state;
        state = Recovery.recover(location, writer, blockFiles, fromCommit);
        if (state != fromCommit) {
          // So that read-only stores see them too.
          writer.setLiveCommitData(state.toUserData().entrySet());
          writer.commit();
        }
        searchers = new SearcherManager(writer, null);
      } else {
        searchers = new SearcherManager(directory, null);
      }
      LuceneStore store =
          new LuceneStore(
              location, options, lucene, directory, searchers, writer, state, tuning, blockFiles);
      store.timedCommits = timedCommits;
      return store;
    } catch (IOException | RuntimeException e) {
      IOException failure = StoreErrors.diagnose(location, directory, Optional.empty(), e);
      StoreErrors.closeQuietly(e, searchers, writer, directory);
      throw failure;
    }
  }

  /**
   * Whether a directory without a commit holds files of something else. The lock and a pending
   * commit point are what a store creation killed before its first commit leaves: nothing was ever
   * acknowledged there, so the store is created afresh over them.
   */
  private static boolean hasForeignFiles(Directory directory) throws IOException {
    for (String file : directory.listAll()) {
      if (!file.equals(IndexWriter.WRITE_LOCK_NAME)
          && !file.startsWith(IndexFileNames.PENDING_SEGMENTS)) {
        return true;
      }
    }
    return false;
  }

  private static IndexWriter openWriter(
      Path location, Directory directory, LuceneOptions lucene, Consumer<IndexWriterConfig> tuning)
      throws IOException {
    IndexWriterConfig config = writerConfig(lucene);
    tuning.accept(config);
    try {
      return new IndexWriter(directory, config);
    } catch (LockObtainFailedException e) {
      throw new StoreLockedException(location, e);
    }
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

  private static CommitState readState(Path location, Map<String, String> userData)
      throws StoreCorruptException {
    try {
      return CommitState.fromUserData(userData);
    } catch (IllegalArgumentException e) {
      throw new StoreCorruptException(location, e.getMessage(), e);
    }
  }

  /**
   * Commits the index when enough batches or events wait for it (counted, so that a run is the same
   * every time), or when forced. A timer commits what waits longer than {@link #COMMIT_INTERVAL}.
   */
  private void commitIndex(boolean force) throws IOException {
    CommitState state = committed;
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

  /** Makes sure the index is committed within {@link #COMMIT_INTERVAL} of now. */
  private void scheduleCommit() {
    if (timedCommits && !commitScheduled) {
      commitScheduled = true;
      timer().schedule(this::timedCommit, COMMIT_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Commits the index for batches that waited {@link #COMMIT_INTERVAL}. */
  private void timedCommit() {
    synchronized (writeLock) {
      commitScheduled = false;
      if (closed || writer == null) {
        return;
      }
      try {
        commitIndex(true);
      } catch (IOException | RuntimeException e) {
        // The batches are durable in the block files; the next append or close tries again.
        recoverWriter(e);
      }
    }
  }

  private ScheduledExecutorService timer() {
    if (timer == null) {
      timer =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "kubetrail-commit");
                t.setDaemon(true);
                return t;
              });
    }
    return timer;
  }

  // ---------------------------------------------------------------------------------------------
  // Append

  @Override
  public AppendResult append(Batch batch) throws IOException {
    Objects.requireNonNull(batch, "batch");
    synchronized (writeLock) {
      ensureOpen();
      if (options.readOnly()) {
        throw new StoreException(location, "the store is open read-only; appends are refused");
      }
      ensureWriter();
      // Normally fresh already; after a failed refresh the duplicate check must not miss a batch.
      searchers.maybeRefreshBlocking();
      CommitState before = committed;

      Map<BytesRef, StoredEvent> fresh = new LinkedHashMap<>();
      long duplicates = 0;
      for (StoredEvent e : batch.events()) {
        if (fresh.putIfAbsent(Fields.id(e), e) != null) {
          duplicates++;
        }
      }
      IndexSearcher searcher = searchers.acquire();
      try {
        duplicates += BatchWriter.removeStored(searcher.getIndexReader(), fresh);
      } catch (IOException | RuntimeException e) {
        throw failure(searcher, e);
      } finally {
        searchers.release(searcher);
      }
      boolean advancesCheckpoints =
          !before.checkpoints().entrySet().containsAll(batch.checkpoints().entrySet());
      if (fresh.isEmpty() && !advancesCheckpoints) {
        return new AppendResult(0, duplicates, OptionalLong.empty());
      }

      CommitState after;
      try {
        // Only acknowledged batches go into an index commit: a failure of this append can
        // then never leave it in the index.
        commitIndex(false);
        after = before.withCheckpoints(batch.checkpoints());
        Optional<BatchHeader> header = Optional.empty();
        if (fresh.isEmpty()) {
          blockFiles.beginBatch(before.lastBatch() + 1);
        } else {
          header = Optional.of(batchWriter.write(writer, before, fresh));
          after = after.withBatch(header.get());
        }
        blockFiles.writeRecord(
            EventBlock.batchRecord(after.lastBatch(), header, batch.checkpoints()));
        blockFiles.sync();
        after = after.withBlocks(blockFiles.appendingFile(), blockFiles.appendingLength());
        committed = after;
        uncommittedBatches++;
        uncommittedEvents += fresh.size();
        searchers.maybeRefreshBlocking();
        scheduleCommit();
      } catch (IOException | RuntimeException | Error e) {
        // Not acknowledged: cut off, so that a failure never leaves what its caller cannot know.
        committed = before;
        recoverWriter(e);
        throw writeFailure("append", before, e);
      }
      return new AppendResult(
          fresh.size(),
          duplicates,
          fresh.isEmpty() ? OptionalLong.empty() : OptionalLong.of(after.lastBatch()));
    }
  }

  /** Ensures there is a writer: after a failed append, opens a new one on the last commit. */
  private void ensureWriter() throws IOException {
    if (writer != null) {
      return;
    }
    IndexWriter reopened = openWriter(location, directory, lucene, tuning);
    SearcherManager fresh;
    CommitState recovered;
    try {
      CommitState fromCommit =
          readState(location, SegmentInfos.readLatestCommit(directory).getUserData());
      recovered = Recovery.recover(location, reopened, blockFiles, fromCommit);
      fresh = new SearcherManager(reopened, null);
      indexCommitted = fromCommit;
    } catch (IOException | RuntimeException e) {
      StoreErrors.closeQuietly(e, reopened);
      throw StoreErrors.diagnose(location, directory, Optional.empty(), e);
    }
    committed = recovered;
    writer = reopened;
    uncommittedBatches = 0;
    uncommittedEvents = 0;
    SearcherManager old = searchers;
    searchers = fresh;
    try {
      old.close();
    } catch (IOException | RuntimeException e) {
      // Queries still holding its searchers release them by their readers; nothing is lost.
    }
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
      IOException diagnosed = StoreErrors.diagnose(location, directory, Optional.empty(), e);
      if (diagnosed instanceof StoreCorruptException || !(e instanceof IOException)) {
        return diagnosed;
      }
    }
    IOException io = (IOException) e;
    return new StoreException(location, failedWrite(what, before, io), io);
  }

  /**
   * After a failed append: discards everything since the last commit and opens a new writer on it.
   * If that fails too, the next append tries again.
   */
  private void recoverWriter(Throwable failure) {
    IndexWriter failed = writer;
    writer = null;
    try {
      failed.rollback();
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e);
    }
    // What follows the last acknowledged write in the block files belongs to the one that failed,
    // unless its index commit became visible before it failed: then it is stored.
    failedWriteUntouched = false;
    try {
      CommitState inIndex =
          readState(location, SegmentInfos.readLatestCommit(directory).getUserData());
      CommitState acknowledged = committed;
      boolean landed =
          inIndex.lastBatch() > acknowledged.lastBatch()
              || inIndex.anchorBatch() != acknowledged.anchorBatch()
              || inIndex.prunedBefore() != acknowledged.prunedBefore()
              || inIndex.blockFile() > acknowledged.blockFile()
              || (inIndex.blockFile() == acknowledged.blockFile()
                  && inIndex.blockLength() > acknowledged.blockLength());
      if (!landed) {
        blockFiles.rollbackTo(acknowledged.blockFile(), acknowledged.blockLength());
        failedWriteUntouched = true;
      }
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e);
    }
    try {
      ensureWriter();
      searchers.maybeRefreshBlocking();
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Queries

  @Override
  public Map<String, SourceCheckpoint> checkpoints() throws IOException {
    View view = view();
    searchers.release(view.searcher());
    return view.state().checkpoints();
  }

  @Override
  public SortedSet<String> clusters() throws IOException {
    IndexSearcher searcher = acquire();
    try {
      SortedSet<String> clusters = new TreeSet<>();
      // A pruned cluster keeps its term until merges drop its deleted documents.
      for (String cluster : Queries.clusters(searcher.getIndexReader())) {
        if (searcher.count(new TermQuery(new Term(Fields.CLUSTER, cluster))) > 0) {
          clusters.add(cluster);
        }
      }
      return clusters;
    } catch (IOException | RuntimeException e) {
      throw failure(searcher, e);
    } finally {
      searchers.release(searcher);
    }
  }

  @Override
  public SearchPage search(EventQuery query, int limit, Optional<PageCursor> after)
      throws IOException {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(after, "after");
    if (limit < 1) {
      throw new IllegalArgumentException("page size must be at least 1, was " + limit);
    }
    if (limit > options.maxPageSize()) {
      throw new IllegalArgumentException(
          "page size "
              + limit
              + " is more than the limit "
              + options.maxPageSize()
              + " (set by "
              + StoreOptions.MAX_PAGE_SIZE_SETTING
              + ")");
    }
    EventQuery.Order order = query.order();
    Sort sort =
        order == EventQuery.Order.NEWEST_FIRST ? Queries.NEWEST_FIRST : Queries.OLDEST_FIRST;
    Object[] afterValues = after.map(c -> Cursors.decode(c, order)).orElse(null);
    IndexSearcher searcher = acquire();
    try {
      int maxDoc = searcher.getIndexReader().maxDoc();
      if (maxDoc == 0) {
        return new SearchPage(List.of(), Optional.empty());
      }
      // Ties on every sort value are impossible (seq is unique), so the doc id only needs to
      // exclude the cursor's own event: any id does, as long as it exists.
      FieldDoc afterDoc =
          afterValues == null ? null : new FieldDoc(maxDoc - 1, Float.NaN, afterValues);
      // One extra hit tells whether there is a next page; no cursor (null) means the first page.
      TopFieldDocs docs =
          searcher.searchAfter(
              afterDoc, Queries.of(query, searcher.getIndexReader()), limit + 1, sort, false);
      ScoreDoc[] hits = docs.scoreDocs;
      boolean more = hits.length > limit;
      ScoreDoc[] page = more ? Arrays.copyOf(hits, limit) : hits;
      List<StoredEvent> events = StoredEvents.load(searcher.getIndexReader(), blockFiles, page);
      Optional<PageCursor> next = Optional.empty();
      if (more) {
        Object[] last = ((FieldDoc) page[page.length - 1]).fields;
        next = Optional.of(Cursors.encode(order, (Long) last[0], (Long) last[1]));
      }
      return new SearchPage(events, next);
    } catch (IOException | RuntimeException e) {
      throw failure(searcher, e);
    } finally {
      searchers.release(searcher);
    }
  }

  @Override
  public long count(EventQuery query) throws IOException {
    Objects.requireNonNull(query, "query");
    IndexSearcher searcher = acquire();
    try {
      return searcher.count(Queries.of(query, searcher.getIndexReader()));
    } catch (IOException | RuntimeException e) {
      throw failure(searcher, e);
    } finally {
      searchers.release(searcher);
    }
  }

  @Override
  public List<FacetCount> facet(EventQuery query, FacetField field, int limit) throws IOException {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(field, "field");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
    IndexSearcher searcher = acquire();
    try {
      return FacetCounts.top(
          FacetCounter.count(searcher, Queries.of(query, searcher.getIndexReader()), field), limit);
    } catch (IOException | RuntimeException e) {
      throw failure(searcher, e);
    } finally {
      searchers.release(searcher);
    }
  }

  @Override
  public List<HistogramBucket> histogram(EventQuery query, Duration bucket) throws IOException {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(bucket, "bucket");
    long bucketMicros = bucketMicros(bucket);
    IndexSearcher searcher = acquire();
    Map<Long, long[]> counts;
    try {
      counts =
          searcher.search(
              Queries.of(query, searcher.getIndexReader()),
              new CollectorManager<HistogramCollector, Map<Long, long[]>>() {
                @Override
                public HistogramCollector newCollector() {
                  return new HistogramCollector(bucketMicros, options.maxHistogramBuckets());
                }

                @Override
                public Map<Long, long[]> reduce(Collection<HistogramCollector> collectors) {
                  Map<Long, long[]> all = new TreeMap<>();
                  for (HistogramCollector c : collectors) {
                    c.counts()
                        .forEach((b, n) -> all.computeIfAbsent(b, k -> new long[1])[0] += n[0]);
                  }
                  return all;
                }
              });
    } catch (HistogramCollector.TooManyBuckets e) {
      throw new StoreException(
          location,
          "the histogram has more than "
              + options.maxHistogramBuckets()
              + " non-empty buckets of "
              + bucket
              + " (the limit, set by "
              + StoreOptions.MAX_HISTOGRAM_BUCKETS_SETTING
              + "); choose a longer bucket or a shorter time range");
    } catch (IOException | RuntimeException e) {
      throw failure(searcher, e);
    } finally {
      searchers.release(searcher);
    }
    if (counts.size() > options.maxHistogramBuckets()) {
      throw new StoreException(
          location,
          "the histogram has "
              + counts.size()
              + " non-empty buckets, more than the limit "
              + options.maxHistogramBuckets()
              + " (set by "
              + StoreOptions.MAX_HISTOGRAM_BUCKETS_SETTING
              + "); choose a longer bucket or a shorter time range");
    }
    List<HistogramBucket> buckets = new ArrayList<>(counts.size());
    counts.forEach(
        (b, n) -> buckets.add(new HistogramBucket(Times.instant(b * bucketMicros), n[0])));
    return buckets;
  }

  private static long bucketMicros(Duration bucket) {
    if (bucket.isNegative() || bucket.isZero()) {
      throw new IllegalArgumentException("histogram bucket must be positive, was " + bucket);
    }
    long micros;
    try {
      micros =
          Math.addExact(
              Math.multiplyExact(bucket.getSeconds(), 1_000_000L), bucket.getNano() / 1_000);
    } catch (ArithmeticException e) {
      micros = Long.MAX_VALUE;
    }
    if (micros < 1) {
      throw new IllegalArgumentException(
          "histogram bucket must be at least 1 microsecond, was " + bucket);
    }
    return micros;
  }

  @Override
  public EventStream history(String cluster, ObjectKey object) throws IOException {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(object, "object");
    return stream(Queries.history(cluster, object), Long.MIN_VALUE, Long.MAX_VALUE);
  }

  @Override
  public EventStream scanChanges(String cluster, Instant from, Instant to) throws IOException {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    long lo = Times.micros(from);
    long hi = Times.micros(to);
    return stream(Queries.changes(cluster), lo, Math.max(lo, hi));
  }

  @Override
  public EventStream scanChanges(String cluster, Instant from, Instant to, Set<String> resources)
      throws IOException {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (resources.isEmpty()) {
      throw new IllegalArgumentException("resources must not be empty");
    }
    long lo = Times.micros(from);
    long hi = Times.micros(to);
    return stream(Queries.changes(cluster, resources), lo, Math.max(lo, hi));
  }

  private EventStream stream(org.apache.lucene.search.Query query, long from, long to)
      throws IOException {
    IndexSearcher searcher = acquire();
    EventStream sorted =
        new SortedStream(
            searcher, blockFiles, searchers::release, query, from, to, options.scanPageSize());
    return new EventStream() {
      @Override
      public Optional<StoredEvent> next() throws IOException {
        try {
          return sorted.next();
        } catch (IOException | RuntimeException e) {
          throw failure(searcher, e);
        }
      }

      @Override
      public void close() throws IOException {
        sorted.close();
      }
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Verify and prune

  @Override
  public VerifyResult verify(VerifyListener listener) throws IOException {
    Objects.requireNonNull(listener, "listener");
    View view = view();
    IndexSearcher searcher = view.searcher();
    try {
      CommitState state = view.state();
      // Files first: reading damaged stored fields fails in arbitrary ways, naming nothing.
      Optional<StoreFiles.Damage> damage =
          StoreFiles.check(directory, (DirectoryReader) searcher.getIndexReader());
      if (damage.isEmpty()) {
        damage = blockFiles.check(state.blockFile(), state.blockLength());
      }
      if (damage.isPresent()) {
        return new VerifyResult(
            0, 0, OptionalLong.empty(), damage.get().describe(), BatchHeader.hex(state.head()));
      }
      return new Verifier(searcher, blockFiles, state, options.scanPageSize(), listener).verify();
    } catch (IOException | RuntimeException e) {
      throw failure(searcher, e);
    } finally {
      searchers.release(searcher);
    }
  }

  /** Batches removed per commit by a prune, which bounds its memory. */
  static final int PRUNE_BATCHES_PER_COMMIT = 10_000;

  @Override
  public PruneResult prune(Instant olderThan) throws IOException {
    Objects.requireNonNull(olderThan, "olderThan");
    long cutoff = Times.micros(olderThan);
    synchronized (writeLock) {
      ensureOpen();
      if (options.readOnly()) {
        throw new StoreException(location, "the store is open read-only; prune is refused");
      }
      long batches = 0;
      long events = 0;
      while (true) {
        PruneResult step = pruneStep(cutoff);
        batches += step.batches();
        events += step.events();
        if (step.batches() < PRUNE_BATCHES_PER_COMMIT) {
          return new PruneResult(batches, events);
        }
      }
    }
  }

  /** Prunes the oldest-numbered prunable batches, up to a limit, in one commit. */
  private PruneResult pruneStep(long cutoff) throws IOException {
    ensureWriter();
    searchers.maybeRefreshBlocking();
    CommitState before = committed;
    IndexSearcher searcher = searchers.acquire();
    List<BatchHeader> prunable;
    Map<Long, BatchHeader> tombstones = new TreeMap<>();
    try {
      prunable = BatchHeaders.read(searcher, Queries.prunable(cutoff), PRUNE_BATCHES_PER_COMMIT);
      if (prunable.isEmpty()) {
        return new PruneResult(0, 0);
      }
      for (BatchHeader h :
          BatchHeaders.read(searcher, Queries.prunedHeaders(), Integer.MAX_VALUE)) {
        tombstones.put(h.batch(), h);
      }
    } catch (IOException | RuntimeException e) {
      throw failure(searcher, e);
    } finally {
      searchers.release(searcher);
    }
    long events = 0;
    for (BatchHeader h : prunable) {
      tombstones.put(h.batch(), h.asPruned());
      events += h.count();
    }
    // Pruned batches right after the anchor need no header any more: the anchor moves past them.
    long anchor = before.anchorBatch();
    byte[] anchorHash = before.anchorHash();
    Set<Long> dropHeaders = new HashSet<>();
    while (tombstones.containsKey(anchor + 1)) {
      BatchHeader h = tombstones.remove(anchor + 1);
      anchor = h.batch();
      anchorHash = h.hash();
      dropHeaders.add(h.batch());
    }
    CommitState after = before.withPrune(anchor, anchorHash, cutoff);
    try {
      Set<Long> delete = new HashSet<>(dropHeaders);
      prunable.forEach(h -> delete.add(h.batch()));
      writer.deleteDocuments(Queries.batches(delete));
      for (BatchHeader h : prunable) {
        if (!dropHeaders.contains(h.batch())) {
          writer.addDocument(Fields.header(h.asPruned()));
        }
      }
      writer.setLiveCommitData(after.toUserData().entrySet());
      writer.commit();
    } catch (IOException | RuntimeException | Error e) {
      recoverWriter(e);
      throw writeFailure("prune", before, e);
    }
    committed = after;
    indexCommitted = after;
    uncommittedBatches = 0;
    uncommittedEvents = 0;
    searchers.maybeRefreshBlocking();
    deletePrunedBlockFiles();
    return new PruneResult(prunable.size(), events);
  }

  /**
   * Deletes the block files none of whose batches has an event left. The newest file, which appends
   * go to, is kept. A file that cannot be deleted now is deleted by a later prune.
   */
  private void deletePrunedBlockFiles() throws IOException {
    List<Long> files = new ArrayList<>(blockFiles.list().keySet());
    IndexSearcher searcher = searchers.acquire();
    try {
      for (int i = 0; i + 1 < files.size() && files.get(i) < committed.blockFile(); i++) {
        long first = blockFiles.firstBatch(files.get(i));
        long next = blockFiles.firstBatch(files.get(i + 1));
        if (searcher.count(Queries.eventsOfBatches(first, next - 1)) == 0) {
          blockFiles.delete(files.get(i));
        }
      }
    } catch (IOException | RuntimeException e) {
      throw failure(searcher, e);
    } finally {
      searchers.release(searcher);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Lifecycle

  private IndexSearcher acquire() throws IOException {
    ensureOpen();
    try {
      if (options.readOnly()) {
        // Another process appends; pick up its latest commit.
        searchers.maybeRefresh();
      }
      return searchers.acquire();
    } catch (AlreadyClosedException e) {
      throw new IllegalStateException("the store at " + location + " is closed", e);
    } catch (IOException | RuntimeException e) {
      throw StoreErrors.diagnose(location, directory, Optional.empty(), e);
    }
  }

  /** A searcher and the state of exactly what it sees. */
  private record View(IndexSearcher searcher, CommitState state) {}

  /** Acquires a searcher (to be released) with its state. */
  private View view() throws IOException {
    if (!options.readOnly()) {
      // Appends refresh the searchers and set the state under this lock.
      synchronized (writeLock) {
        return new View(acquire(), committed);
      }
    }
    IndexSearcher searcher = acquire();
    try {
      return new View(searcher, stateOf(searcher));
    } catch (IOException | RuntimeException e) {
      searchers.release(searcher);
      throw failure(searcher, e);
    }
  }

  private CommitState stateOf(IndexSearcher searcher) throws IOException {
    Map<String, String> userData =
        ((DirectoryReader) searcher.getIndexReader()).getIndexCommit().getUserData();
    return readState(location, userData);
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the store at " + location + " is closed");
    }
  }

  @Override
  public void close() throws IOException {
    synchronized (writeLock) {
      if (closed) {
        return;
      }
      closed = true;
      IOException failure = null;
      batchWriter.close();
      if (timer != null) {
        timer.shutdownNow();
      }
      if (writer != null) {
        try {
          commitIndex(true);
        } catch (IOException | RuntimeException e) {
          // The batches are durable in the block files; the next writer indexes them again.
          failure = new StoreException(location, "closing the store failed: " + e, e);
        }
      }
      for (AutoCloseable c :
          Stream.of(writer, searchers, directory, blockFiles).filter(Objects::nonNull).toList()) {
        try {
          c.close();
        } catch (Exception e) {
          if (failure == null) {
            failure = new StoreException(location, "closing the store failed: " + e, e);
          } else {
            failure.addSuppressed(e);
          }
        }
      }
      writer = null;
      if (failure != null) {
        throw failure;
      }
    }
  }

  /** Snapshots and checkpoints as files in the store's directory, as stores always kept them. */
  @Override
  public io.kubetrail.store.StateRepository states() {
    return io.kubetrail.store.StateRepository.inDirectory(location);
  }

  @Override
  public String toString() {
    return "LuceneAuditStore[" + location + (options.readOnly() ? ", read-only]" : "]");
  }

  /** A failure reading through {@code searcher}; see {@link #diagnose}. */
  private IOException failure(IndexSearcher searcher, Throwable e) {
    return StoreErrors.diagnose(
        location, directory, Optional.of((DirectoryReader) searcher.getIndexReader()), e);
  }
}
