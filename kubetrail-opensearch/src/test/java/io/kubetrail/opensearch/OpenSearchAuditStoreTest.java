package io.kubetrail.opensearch;

import io.kubetrail.store.AuditStoreContractTest;

/**
 * The store contract, against a real OpenSearch node, each store under an index prefix of its own.
 */
class OpenSearchAuditStoreTest extends AuditStoreContractTest {
  @Override
  protected String freshLocation(String name) {
    return OpenSearchNode.shared().freshLocation(name);
  }
}
