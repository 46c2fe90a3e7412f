package io.kubetrail.opensearch;

import io.kubetrail.store.AuditStoreContractTest;

/**
 * The store contract, against a real Elasticsearch node, each store under an index prefix of its
 * own.
 */
class ElasticsearchAuditStoreTest extends AuditStoreContractTest {
  @Override
  protected String freshLocation(String name) {
    return OpenSearchNode.elasticsearch().freshLocation(name);
  }
}
