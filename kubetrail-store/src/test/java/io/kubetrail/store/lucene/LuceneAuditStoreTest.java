package io.kubetrail.store.lucene;

import io.kubetrail.store.AuditStoreContractTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The store contract on the embedded store, each store in a temporary directory of its own. */
class LuceneAuditStoreTest extends AuditStoreContractTest {
  @Override
  protected String freshLocation(String name) throws IOException {
    return Files.createTempDirectory("kubetrail-store-" + name).resolve("store").toString();
  }

  @Override
  protected void discard(String location) throws IOException {
    deleteRecursively(Path.of(location).getParent());
  }
}
