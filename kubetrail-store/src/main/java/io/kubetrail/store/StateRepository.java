package io.kubetrail.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;

/**
 * Where a store keeps the replay state of its clusters, snapshots and checkpoints, beside its
 * events: each backend provides one ({@link AuditStore#states()}). A store without a directory of
 * its own (a cluster) also keeps its report runs and its collector's status here, so that every
 * machine that reads it sees them ({@link StateKind}). The content is opaque bytes to the
 * repository; the history, report and collect modules give it meaning.
 *
 * <p>A blob is written whole or not at all: a reader sees the old content, the new, or none, even
 * after a crash. Writing a name again replaces its content. Any number of readers and writers may
 * use a repository at once; two writers of one name leave one of the two contents.
 */
public interface StateRepository {

  /** Writes a blob's content to a stream the repository gives it. */
  @FunctionalInterface
  interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  /** Every cluster some state is kept of, sorted. */
  SortedSet<String> clusters() throws IOException;

  /** The names of one cluster's state of one kind, sorted. */
  List<String> list(String cluster, StateKind kind) throws IOException;

  /**
   * A stream of the blob's content, or empty when there is none. The caller closes it; it may read
   * the start only (a header), which costs no more than reading the start.
   */
  Optional<InputStream> open(StateKey key) throws IOException;

  /**
   * Stores a blob, replacing any of the same name, whole or not at all: when {@code content}
   * throws, nothing is stored and the old content (if any) stays.
   */
  void put(StateKey key, Content content) throws IOException;

  /**
   * Removes a blob.
   *
   * @return false when there was none
   */
  boolean delete(StateKey key) throws IOException;

  /** Where the blob is kept, for messages: a file, or an index and document. */
  String describe(StateKey key);

  /**
   * The state kept as files under a store's directory: {@code history/<cluster>/snapshots/<name>}
   * and {@code history/<cluster>/checkpoints/<name>}, the cluster's name made safe for a file name
   * (URL encoding).
   */
  static StateRepository inDirectory(Path storeDirectory) {
    return new DirectoryStateRepository(storeDirectory);
  }
}
