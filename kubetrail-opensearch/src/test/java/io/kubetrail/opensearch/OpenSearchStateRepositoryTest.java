package io.kubetrail.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.store.StateKey;
import io.kubetrail.store.StateKind;
import io.kubetrail.store.StateRepositoryContractTest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The state repository contract against a real OpenSearch node, and its chunking. */
class OpenSearchStateRepositoryTest extends StateRepositoryContractTest {
  @Override
  protected String freshLocation(String name) {
    return OpenSearchNode.shared().freshLocation(name);
  }

  @Test
  void contentSpansChunksAndOldChunksAreRemoved() throws IOException {
    Cluster cluster = new Cluster(OpenSearchOptions.parse(location, Map.of()));
    StateIndex small = new StateIndex(cluster, 10);
    StateKey key = new StateKey("prod", StateKind.CHECKPOINT, "c");
    byte[] first = new byte[35];
    new java.util.Random(3).nextBytes(first);
    small.put(key, out -> out.write(first));
    assertThat(chunks(cluster)).isEqualTo(4); // 35 bytes in chunks of 10
    try (InputStream in = small.open(key).orElseThrow()) {
      assertThat(in.readAllBytes()).isEqualTo(first);
    }
    // The default-sized repository of the store reads the same blob.
    try (InputStream in = states.open(key).orElseThrow()) {
      assertThat(in.readAllBytes()).isEqualTo(first);
    }
    small.put(key, out -> out.write(new byte[] {1, 2, 3}));
    assertThat(chunks(cluster)).isEqualTo(1);
    small.delete(key);
    assertThat(chunks(cluster)).isZero();
  }

  private static long chunks(Cluster cluster) throws IOException {
    String index = cluster.options.indexPrefix() + "-kubetrail-state";
    cluster.raw("POST", "/" + index + "/_refresh", null);
    return cluster
        .json(
            "POST",
            "/" + index + "/_count",
            Cluster.object()
                .set("query", io.kubetrail.opensearch.QueryDsl.termQuery("type", "chunk")))
        .path("count")
        .asLong();
  }
}
