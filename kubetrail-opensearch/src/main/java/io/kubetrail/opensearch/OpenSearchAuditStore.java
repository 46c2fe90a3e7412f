package io.kubetrail.opensearch;

import io.kubetrail.store.AuditStore;
import io.kubetrail.store.StoreOptions;
import java.io.IOException;

/** Opens {@link AuditStore}s on OpenSearch or Elasticsearch clusters. */
public final class OpenSearchAuditStore {
  private OpenSearchAuditStore() {}

  /**
   * Opens the store at a cluster, creating its indices when absent (unless read-only). A writer
   * takes the store's lock, which a second writer is refused.
   *
   * @throws io.kubetrail.store.StoreException when the cluster cannot be reached or refuses, naming
   *     its location
   */
  public static AuditStore open(OpenSearchOptions location, StoreOptions options)
      throws IOException {
    return OpenSearchStore.open(location, options);
  }
}
