package io.kubetrail.opensearch;

import io.kubetrail.store.AuditStore;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.StoreProvider;
import java.io.IOException;
import java.util.Set;

/**
 * Opens {@code http(s)://} locations as OpenSearch stores, with credentials from the environment.
 */
public final class OpenSearchStoreProvider implements StoreProvider {
  @Override
  public Set<String> schemes() {
    return Set.of("http", "https");
  }

  @Override
  public AuditStore open(String location, StoreOptions options) throws IOException {
    return OpenSearchAuditStore.open(OpenSearchOptions.parse(location, System.getenv()), options);
  }
}
