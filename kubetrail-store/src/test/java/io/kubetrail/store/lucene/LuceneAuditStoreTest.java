package io.kubetrail.store.lucene;

import io.kubetrail.store.AuditStore;
import io.kubetrail.store.AuditStoreContractTest;
import io.kubetrail.store.StoreOptions;
import java.io.IOException;
import java.nio.file.Path;

class LuceneAuditStoreTest extends AuditStoreContractTest {
  @Override
  protected AuditStore newStore(Path dir, StoreOptions options) throws IOException {
    return LuceneAuditStore.open(dir, options);
  }
}
