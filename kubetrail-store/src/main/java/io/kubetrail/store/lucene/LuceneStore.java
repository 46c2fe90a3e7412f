package io.kubetrail.store.lucene;

import io.kubetrail.store.AppendResult;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.Batch;
import io.kubetrail.store.BatchLink;
import io.kubetrail.store.EventQuery;
import io.kubetrail.store.EventStream;
import io.kubetrail.store.FacetCount;
import io.kubetrail.store.FacetField;
import io.kubetrail.store.HistogramBucket;
import io.kubetrail.store.ObjectKey;
import io.kubetrail.store.PageCursor;
import io.kubetrail.store.PruneResult;
import io.kubetrail.store.SearchPage;
import io.kubetrail.store.SourceCheckpoint;
import io.kubetrail.store.StateRepository;
import io.kubetrail.store.StoreException;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.VerifyListener;
import io.kubetrail.store.VerifyResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedSet;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexFileNames;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * The Lucene store: opens a directory, and hands appends and prunes to its {@link Appender},
 * queries to its {@link Searches}, verification to a {@link Verifier}. A writable store's queries
 * read the writer's own view (every acknowledged batch); a read-only store's queries read the
 * directory's commits.
 */
final class LuceneStore implements AuditStore {
  private final StoreOptions options;
  private final Searchers searchers;
  private final BlockFiles blockFiles;
  private final Searches searches;

  /** Empty when read-only. */
  private final Optional<Appender> appender;

  private LuceneStore(
      StoreOptions options,
      Searchers searchers,
      BlockFiles blockFiles,
      Optional<Appender> appender) {
    this.options = options;
    this.searchers = searchers;
    this.blockFiles = blockFiles;
    this.appender = appender;
    this.searches = new Searches(searchers, blockFiles, options);
  }

  /** The store's searches over runs of {@code blockDocs} documents (tests use short runs). */
  Searches searches(int blockDocs) {
    return new Searches(searchers, blockFiles, options, blockDocs);
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
   * timedCommits} false, appends index on their own thread and the index is committed only by count
   * and on close, so that a run does the same file operations in the same order every time (tests
   * that halt at the n-th one); true indexes and commits behind the appends ({@link Indexer}).
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
    return open(
        location, options, lucene, wrap, tuning, blockOps, timedCommits, BlockFiles.ROLL_BYTES);
  }

  /** As above, with block files that roll at {@code rollBytes} (tests delete files by pruning). */
  static LuceneStore open(
      Path location,
      StoreOptions options,
      LuceneOptions lucene,
      UnaryOperator<Directory> wrap,
      Consumer<IndexWriterConfig> tuning,
      BlockFiles.Operations blockOps,
      boolean timedCommits,
      long rollBytes)
      throws IOException {
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(lucene, "lucene");
    Directory directory = openDirectory(location, options, wrap);
    IndexWriter writer = null;
    SearcherManager manager = null;
    try {
      CommitState state;
      if (options.readOnly()) {
        if (!DirectoryReader.indexExists(directory)) {
          throw new StoreException(
              location, "no store here: the directory holds no kubetrail store");
        }
        state = latestState(location, directory);
      } else {
        writer = openOrCreate(location, directory, lucene, tuning);
        state = latestState(location, directory);
      }
      BlockFiles blockFiles =
          new BlockFiles(location, blockOps, rollBytes, options.searchCacheBytes());
      if (writer == null) {
        manager = new SearcherManager(directory, null);
        Searchers searchers = new Searchers(location, directory, true, manager);
        return new LuceneStore(options, searchers, blockFiles, Optional.empty());
      }
      CommitState fromCommit = state;
      state = Recovery.recover(location, writer, blockFiles, fromCommit);
      if (state != fromCommit) {
        // So that read-only stores see them too.
        writer.setLiveCommitData(state.toUserData().entrySet());
        writer.commit();
      }
      manager = new SearcherManager(writer, null);
      Searchers searchers = new Searchers(location, directory, false, manager);
      Appender appender =
          new Appender(searchers, lucene, tuning, blockFiles, writer, state, timedCommits);
      return new LuceneStore(options, searchers, blockFiles, Optional.of(appender));
    } catch (IOException | RuntimeException e) {
      IOException failure = StoreErrors.diagnose(location, directory, Optional.empty(), e);
      StoreErrors.closeQuietly(e, manager, writer, directory);
      throw failure;
    }
  }

  private static Directory openDirectory(
      Path location, StoreOptions options, UnaryOperator<Directory> wrap) throws IOException {
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
    try {
      return wrap.apply(FSDirectory.open(location));
    } catch (IOException e) {
      throw new StoreException(location, "cannot open the store directory: " + e, e);
    }
  }

  /** Opens the writer of an existing store, or creates the store with its first commit. */
  private static IndexWriter openOrCreate(
      Path location, Directory directory, LuceneOptions lucene, Consumer<IndexWriterConfig> tuning)
      throws IOException {
    if (DirectoryReader.indexExists(directory)) {
      // Checked before a writer touches the files of what may be someone else's index.
      latestState(location, directory);
      return IndexWriters.open(location, directory, lucene, tuning);
    }
    if (hasForeignFiles(directory)) {
      throw new StoreException(
          location,
          "the directory is not empty and holds no kubetrail store; choose an empty or new"
              + " directory");
    }
    IndexWriter writer = IndexWriters.open(location, directory, lucene, tuning);
    try {
      writer.setLiveCommitData(CommitState.empty().toUserData().entrySet());
      writer.commit();
    } catch (IOException | RuntimeException e) {
      StoreErrors.closeQuietly(e, writer);
      throw e;
    }
    return writer;
  }

  private static CommitState latestState(Path location, Directory directory) throws IOException {
    return CommitState.read(location, SegmentInfos.readLatestCommit(directory).getUserData());
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

  // ---------------------------------------------------------------------------------------------
  // Writing

  @Override
  public AppendResult append(Batch batch) throws IOException {
    Objects.requireNonNull(batch, "batch");
    searchers.ensureOpen();
    return writable("appends are refused").append(batch);
  }

  @Override
  public PruneResult prune(Instant olderThan) throws IOException {
    Objects.requireNonNull(olderThan, "olderThan");
    searchers.ensureOpen();
    return writable("prune is refused").prune(Times.micros(olderThan));
  }

  private Appender writable(String refused) throws StoreException {
    return appender.orElseThrow(
        () -> new StoreException(searchers.location(), "the store is open read-only; " + refused));
  }

  // ---------------------------------------------------------------------------------------------
  // Queries

  @Override
  public Map<String, SourceCheckpoint> checkpoints() throws IOException {
    if (appender.isPresent()) {
      // The state after the last acknowledged write: no searcher needed.
      searchers.ensureOpen();
      return appender.get().committed().checkpoints();
    }
    View view = view();
    searchers.release(view.searcher());
    return view.state().checkpoints();
  }

  @Override
  public SortedSet<String> clusters() throws IOException {
    return searches.clusters();
  }

  @Override
  public SearchPage search(EventQuery query, int limit, Optional<PageCursor> after)
      throws IOException {
    return searches.search(query, limit, after);
  }

  @Override
  public long count(EventQuery query) throws IOException {
    return searches.count(query);
  }

  @Override
  public long countChanges(String cluster, Instant until) throws IOException {
    EventQuery changes = EventQuery.changesBefore(cluster, until);
    if (appender.isEmpty()) {
      return count(changes);
    }
    return appender.get().countChanges(cluster, until, () -> searches.countAsIs(changes));
  }

  @Override
  public List<FacetCount> facet(EventQuery query, FacetField field, int limit) throws IOException {
    return searches.facet(query, field, limit);
  }

  @Override
  public List<HistogramBucket> histogram(EventQuery query, Duration bucket) throws IOException {
    return searches.histogram(query, bucket);
  }

  @Override
  public EventStream history(String cluster, ObjectKey object) throws IOException {
    return searches.history(cluster, object);
  }

  @Override
  public EventStream scanChanges(String cluster, Instant from, Instant to) throws IOException {
    return searches.scanChanges(cluster, from, to);
  }

  @Override
  public EventStream scanChanges(String cluster, Instant from, Instant to, Set<String> resources)
      throws IOException {
    return searches.scanChanges(cluster, from, to, resources);
  }

  // ---------------------------------------------------------------------------------------------
  // Verify

  @Override
  public VerifyResult verify(VerifyListener listener) throws IOException {
    Objects.requireNonNull(listener, "listener");
    View view = view();
    IndexSearcher searcher = view.searcher();
    try {
      CommitState state = view.state();
      // Files first: reading damaged stored fields fails in arbitrary ways, naming nothing.
      Optional<StoreFiles.Damage> damage =
          StoreFiles.check(searchers.directory(), (DirectoryReader) searcher.getIndexReader());
      if (damage.isEmpty()) {
        damage = blockFiles.check(state.blockFile(), state.blockLength());
      }
      if (damage.isPresent()) {
        return new VerifyResult(
            0, 0, OptionalLong.empty(), damage.get().describe(), BatchLink.hex(state.head()));
      }
      return new Verifier(searcher, blockFiles, state, options.scanPageSize(), listener).verify();
    } catch (IOException | RuntimeException e) {
      throw searchers.failure(searcher, e);
    } finally {
      searchers.release(searcher);
    }
  }

  /** A searcher and the state of exactly what it sees. */
  private record View(IndexSearcher searcher, CommitState state) {}

  /** Acquires a searcher (to be released) with its state. */
  private View view() throws IOException {
    if (appender.isPresent()) {
      Appender a = appender.get();
      // Appends refresh the searchers and set the state under the appender's lock.
      synchronized (a) {
        return new View(searchers.acquire(), a.committed());
      }
    }
    IndexSearcher searcher = searchers.acquire();
    try {
      Map<String, String> userData =
          ((DirectoryReader) searcher.getIndexReader()).getIndexCommit().getUserData();
      return new View(searcher, CommitState.read(searchers.location(), userData));
    } catch (IOException | RuntimeException e) {
      searchers.release(searcher);
      throw searchers.failure(searcher, e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Lifecycle

  @Override
  public void close() throws IOException {
    if (!searchers.markClosed()) {
      return;
    }
    List<Exception> failures = new ArrayList<>();
    appender.ifPresent(a -> a.close(failures));
    for (AutoCloseable c : List.of(searchers.manager(), searchers.directory(), blockFiles)) {
      try {
        c.close();
      } catch (Exception e) {
        failures.add(e);
      }
    }
    if (!failures.isEmpty()) {
      Exception first = failures.get(0);
      StoreException failure =
          new StoreException(searchers.location(), "closing the store failed: " + first, first);
      failures.subList(1, failures.size()).forEach(failure::addSuppressed);
      throw failure;
    }
  }

  /** Snapshots and checkpoints as files in the store's directory, as stores always kept them. */
  @Override
  public StateRepository states() {
    return StateRepository.inDirectory(searchers.location());
  }

  @Override
  public String toString() {
    return "LuceneAuditStore[" + searchers.location() + (options.readOnly() ? ", read-only]" : "]");
  }
}
