package io.kubetrail.opensearch;

import io.kubetrail.store.AuditStore;
import io.kubetrail.store.AuditStoreContractTest;
import io.kubetrail.store.StoreOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The store contract, against a real OpenSearch node. */
class OpenSearchAuditStoreTest extends AuditStoreContractTest {
  // The contract names stores by directory; each directory gets an index prefix of its own.
  private static final Map<Path, String> LOCATIONS = new ConcurrentHashMap<>();

  @Override
  protected AuditStore newStore(Path dir, StoreOptions options) throws IOException {
    String location =
        LOCATIONS.computeIfAbsent(
            dir, d -> OpenSearchNode.shared().freshLocation(d.getFileName().toString()));
    return OpenSearchAuditStore.open(OpenSearchOptions.parse(location, Map.of()), options);
  }
}
