package io.kubetrail.store.lucene;

import io.kubetrail.store.AuditStore;
import io.kubetrail.store.StoreOptions;
import java.io.IOException;
import java.nio.file.Path;

/** Opens the embedded audit store, kept in one directory. */
public final class LuceneAuditStore {
  private LuceneAuditStore() {}

  /**
   * Opens the store in {@code directory}, creating the directory and an empty store when there is
   * none (unless the options are read-only). Only one process may have a store open for writing.
   *
   * @throws io.kubetrail.store.StoreLockedException when another process has it open for writing
   * @throws io.kubetrail.store.StoreCorruptException when its files are damaged
   * @throws io.kubetrail.store.StoreException when it cannot be opened for another reason
   */
  public static AuditStore open(Path directory, StoreOptions options) throws IOException {
    return open(directory, options, LuceneOptions.defaults());
  }

  /** As {@link #open(Path, StoreOptions)}, with settings of the embedded store's own. */
  public static AuditStore open(Path directory, StoreOptions options, LuceneOptions lucene)
      throws IOException {
    return LuceneStore.open(directory, options, lucene);
  }
}
