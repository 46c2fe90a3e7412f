package io.kubetrail.store.lucene;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Optional;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.store.Directory;

/**
 * A store's searchers, whether the store is still open, and how a failure reading through a
 * searcher is reported. A writable store's searchers read its writer's view, and are replaced when
 * the writer is reopened after a failure; a read-only store's read the directory's commits.
 */
final class Searchers {
  private final Path location;
  private final Directory directory;
  private final boolean readOnly;
  private volatile SearcherManager manager;
  private volatile boolean closed;

  /** The commit generation a read-only store's searchers last refreshed to; -1 before. */
  private volatile long generation = -1;

  /**
   * The directory's modification time, settled, when the searchers last caught up with its newest
   * commit (read-only stores); null before.
   */
  private volatile FileTime caughtUpAt;

  /** How long after a directory's change no other change can share its modification time. */
  static final Duration SETTLED = Duration.ofSeconds(5);

  /** Whether appends happened since the searchers last refreshed (writable stores). */
  private volatile boolean stale;

  /** Refreshes under the appender's lock, so that no query sees half of an append. */
  private volatile Runnable refreshForReaders = () -> {};

  Searchers(Path location, Directory directory, boolean readOnly, SearcherManager manager) {
    this.location = location;
    this.directory = directory;
    this.readOnly = readOnly;
    this.manager = manager;
  }

  Path location() {
    return location;
  }

  Directory directory() {
    return directory;
  }

  /** A searcher, to be {@link #release released}. */
  IndexSearcher acquire() throws IOException {
    ensureOpen();
    try {
      if (readOnly) {
        refreshToNewestCommit();
      } else if (stale) {
        refreshForReaders.run();
      }
      return manager.acquire();
    } catch (AlreadyClosedException e) {
      throw new IllegalStateException("the store at " + location + " is closed", e);
    } catch (IOException | RuntimeException e) {
      throw StoreErrors.diagnose(location, directory, Optional.empty(), e);
    }
  }

  /**
   * Picks up the latest commit of the process that appends (read-only stores). Listing the
   * directory is far cheaper than reading and checksumming the commit, which a refresh does each
   * time; and a directory whose modification time is the one it had when the searchers last caught
   * up, long enough ago that no later change could share that time, has no new commit (a commit
   * creates its file), so it is not even listed.
   */
  private void refreshToNewestCommit() throws IOException {
    FileTime modified = modified();
    if (modified != null && modified.equals(caughtUpAt)) {
      return;
    }
    long newest = SegmentInfos.getLastCommitGeneration(directory.listAll());
    if (newest != generation) {
      manager.maybeRefresh();
      generation = newestSeen();
    }
    // Only a time already settled before the listing: a change just after it could share a
    // recent one.
    if (generation == newest && modified != null && settled(modified)) {
      caughtUpAt = modified;
    }
  }

  /** The store directory's modification time, or null when it cannot be read. */
  private FileTime modified() {
    try {
      return Files.getLastModifiedTime(location);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Whether no change to the directory can have the time {@code modified} any more: file systems
   * keep times as coarse as 2 seconds, and two changes within one such step share their time.
   */
  private static boolean settled(FileTime modified) {
    return System.currentTimeMillis() - modified.toMillis() > SETTLED.toMillis();
  }

  /** The commit generation the searchers read (read-only stores). */
  private long newestSeen() throws IOException {
    IndexSearcher searcher = manager.acquire();
    try {
      return ((DirectoryReader) searcher.getIndexReader()).getIndexCommit().getGeneration();
    } finally {
      manager.release(searcher);
    }
  }

  /** A searcher as it is, stale or not: for the appender's duplicate check, which knows. */
  IndexSearcher acquireAsIs() throws IOException {
    ensureOpen();
    return manager.acquire();
  }

  void release(IndexSearcher searcher) throws IOException {
    manager.release(searcher);
  }

  /** Makes the searchers see everything the writer has (writable stores). */
  void refresh() throws IOException {
    manager.maybeRefreshBlocking();
    stale = false;
  }

  /** Marks the searchers behind the writer; the next query refreshes them through the hook. */
  void markStale() {
    stale = true;
  }

  boolean stale() {
    return stale;
  }

  /** The appender's way to refresh for a query (see {@link #acquire}). */
  void onStale(Runnable refresh) {
    this.refreshForReaders = refresh;
  }

  /** Searchers over a reopened writer; the old ones are closed. */
  void replace(SearcherManager fresh) {
    SearcherManager old = manager;
    manager = fresh;
    stale = false;
    try {
      old.close();
    } catch (IOException | RuntimeException e) {
      // Queries still holding its searchers release them by their readers; nothing is lost.
    }
  }

  void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the store at " + location + " is closed");
    }
  }

  boolean closed() {
    return closed;
  }

  /** Marks the store closed; true the first time. */
  boolean markClosed() {
    if (closed) {
      return false;
    }
    closed = true;
    return true;
  }

  SearcherManager manager() {
    return manager;
  }

  /** A failure reading through {@code searcher}; see {@link StoreErrors#diagnose}. */
  IOException failure(IndexSearcher searcher, Throwable e) {
    return StoreErrors.diagnose(
        location, directory, Optional.of((DirectoryReader) searcher.getIndexReader()), e);
  }
}
