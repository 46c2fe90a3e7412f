package io.kubetrail.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.store.AuditStore;
import io.kubetrail.store.Batch;
import io.kubetrail.store.EventQuery;
import io.kubetrail.store.SourceCheckpoint;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.StoredEvent;
import io.kubetrail.store.TestEvents;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The cluster killed and restarted while a writer appends, retrying a failed batch as the collector
 * does: every event is stored once, the checkpoints match, the chain verifies.
 */
class OpenSearchRestartTest {
  private static final int BATCHES = 24;
  private static final int PER_BATCH = 50;

  @Test
  void aWriterThatRetriesLosesNothingAndStoresNothingTwiceAcrossAKilledCluster() throws Exception {
    OpenSearchNode node = OpenSearchNode.shared();
    String location = node.freshLocation("restart");
    AtomicInteger appended = new AtomicInteger();
    CountDownLatch killed = new CountDownLatch(1);
    try (AuditStore store =
        OpenSearchAuditStore.open(
            OpenSearchOptions.parse(location, Map.of()), StoreOptions.defaults())) {
      CompletableFuture<Void> writer =
          CompletableFuture.runAsync(
              () -> {
                for (int b = 0; b < BATCHES; b++) {
                  if (b == 4) {
                    // The rest is appended while the cluster is down, then after it is back.
                    await(killed);
                  }
                  Batch batch = batch(b);
                  long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
                  while (true) {
                    try {
                      store.append(batch);
                      appended.incrementAndGet();
                      break;
                    } catch (IOException e) {
                      if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the cluster did not come back", e);
                      }
                      sleep(500);
                    }
                  }
                }
              });
      while (appended.get() < 4 && !writer.isDone()) {
        sleep(50);
      }
      node.kill();
      killed.countDown();
      sleep(2_000);
      node.restart();
      writer.get();
      assertThat(store.count(EventQuery.all())).isEqualTo((long) BATCHES * PER_BATCH);
      assertThat(store.checkpoints())
          .containsEntry("log", new SourceCheckpoint(String.valueOf(BATCHES - 1)));
      assertThat(store.verify().ok()).isTrue();
    }
    try (AuditStore reopened =
        OpenSearchAuditStore.open(
            OpenSearchOptions.parse(location, Map.of()), StoreOptions.defaults())) {
      assertThat(reopened.count(EventQuery.all())).isEqualTo((long) BATCHES * PER_BATCH);
      assertThat(reopened.verify().ok()).isTrue();
    }
  }

  private static Batch batch(int b) {
    List<StoredEvent> events = new ArrayList<>();
    for (int i = 0; i < PER_BATCH; i++) {
      events.add(TestEvents.event("restart-" + b + "-" + i).at(b * 100L + i).build());
    }
    return Batch.of(events, "log", new SourceCheckpoint(String.valueOf(b)));
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
