package io.kubetrail.collect;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.store.StoredEvent;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ChunkTest {
  private static final StoredEvent EVENT =
      new StoredEvent("c", "n", Instant.EPOCH, TestEvents.event("", "pods", "{}"));

  private static Chunk chunk(String source, int events, long bytes, boolean independent) {
    return new Chunk(
        source,
        Collections.nCopies(events, EVENT),
        Map.of(),
        bytes,
        independent,
        new CompletableFuture<>());
  }

  @Test
  void aBatchTakesChunksWhileTheyKeepWithinItsLimits() {
    ArrayDeque<Chunk> queue =
        new ArrayDeque<>(
            List.of(chunk("a", 4, 10, false), chunk("a", 5, 10, false), chunk("a", 2, 10, false)));
    List<Chunk> batch = Chunk.pollBatch(queue, 10, 1_000);
    assertThat(batch).extracting(c -> c.events().size()).containsExactly(4, 5);
    assertThat(queue).hasSize(1);
    assertThat(Chunk.pollBatch(queue, 1_000, 15)).hasSize(1);
    assertThat(queue).isEmpty();
    assertThat(Chunk.pollBatch(queue, 10, 10)).isEmpty();
  }

  @Test
  void theBytesLimitEndsABatchToo() {
    ArrayDeque<Chunk> queue =
        new ArrayDeque<>(List.of(chunk("a", 1, 600, false), chunk("a", 1, 600, false)));
    assertThat(Chunk.pollBatch(queue, 100, 1_000)).hasSize(1);
    assertThat(queue).hasSize(1);
  }

  @Test
  void oneChunkOverTheLimitsIsStillTakenWhole() {
    ArrayDeque<Chunk> queue = new ArrayDeque<>(List.of(chunk("a", 50, 5_000, false)));
    assertThat(Chunk.pollBatch(queue, 10, 100)).singleElement().matches(c -> c.bytes() == 5_000);
  }

  @Test
  void independentChunksAreBatchedOnlyWithIndependentOnes() {
    ArrayDeque<Chunk> queue =
        new ArrayDeque<>(
            List.of(
                chunk("hook", 1, 1, true),
                chunk("hook", 1, 1, true),
                chunk("file", 1, 1, false),
                chunk("hook", 1, 1, true)));
    assertThat(Chunk.pollBatch(queue, 100, 100))
        .extracting(Chunk::source)
        .containsExactly("hook", "hook");
    // A batch led by a chunk in order may take the independent ones behind it.
    assertThat(Chunk.pollBatch(queue, 100, 100))
        .extracting(Chunk::source)
        .containsExactly("file", "hook");
  }
}
