package io.kubetrail.opensearch;

/** The state repository contract and its chunking, against a real Elasticsearch node. */
class ElasticsearchStateRepositoryTest extends OpenSearchStateRepositoryTest {
  @Override
  protected String freshLocation(String name) {
    return OpenSearchNode.elasticsearch().freshLocation(name);
  }
}
