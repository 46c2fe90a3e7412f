package io.kubetrail.store.lucene;

import io.kubetrail.store.StoreLockedException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.LockObtainFailedException;

/** How the store's index writer is configured and opened: by the store, its appender and tests. */
final class IndexWriters {
  private IndexWriters() {}

  /** How the store's index is written: the codec must never change. */
  static IndexWriterConfig config(LuceneOptions options) {
    IndexWriterConfig config = new IndexWriterConfig();
    config.setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
    config.setCodec(
        new Lucene912Codec(
            options.compression() == LuceneOptions.Compression.SMALL
                ? Lucene912Codec.Mode.BEST_COMPRESSION
                : Lucene912Codec.Mode.BEST_SPEED));
    config.setRAMBufferSizeMB(options.ramBufferMb());
    // A commit's new segment stays in its own files rather than being copied into a compound
    // file: the copy was 1-2% of an ingest, and merges still pack small segments together.
    config.setUseCompoundFile(false);
    // Only append and prune commit; closing must not commit whatever a failed append left.
    config.setCommitOnClose(false);
    return config;
  }

  /**
   * Opens the writer of the store at {@code location}, its configuration changed by {@code tuning}
   * (tests' merge policies and schedulers).
   *
   * @throws StoreLockedException when another process writes the store
   */
  static IndexWriter open(
      Path location, Directory directory, LuceneOptions options, Consumer<IndexWriterConfig> tuning)
      throws IOException {
    IndexWriterConfig config = config(options);
    tuning.accept(config);
    try {
      return new IndexWriter(directory, config);
    } catch (LockObtainFailedException e) {
      throw new StoreLockedException(location, e);
    }
  }
}
