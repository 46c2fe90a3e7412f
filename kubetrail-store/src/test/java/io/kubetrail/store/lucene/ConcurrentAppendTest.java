package io.kubetrail.store.lucene;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubetrail.store.AppendResult;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.Batch;
import io.kubetrail.store.EventQuery;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.StoredEvent;
import io.kubetrail.store.TestEvents;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Appends from several threads at once: they build their blocks at the same time and share syncs
 * ({@link GroupCommit}). Power loss under concurrent appends is in {@link CrashTest}.
 */
class ConcurrentAppendTest {
  @TempDir Path tmp;

  /**
   * Pairs of threads append the same batches at the same moment: each event is stored once, every
   * append is acknowledged, the duplicates are counted, and the chain verifies.
   */
  @Test
  void concurrentAppendsOfTheSameBatchesStoreEachEventOnce() throws Exception {
    int pairs = 2;
    int batches = 20;
    int events = 40;
    try (AuditStore store = LuceneAuditStore.open(tmp.resolve("store"), StoreOptions.defaults())) {
      CyclicBarrier together = new CyclicBarrier(2 * pairs);
      List<Callable<long[]>> appenders = new ArrayList<>();
      for (int t = 0; t < 2 * pairs; t++) {
        int pair = t / 2;
        appenders.add(
            () -> {
              long stored = 0;
              long duplicates = 0;
              for (int b = 0; b < batches; b++) {
                together.await(30, TimeUnit.SECONDS);
                AppendResult result = store.append(batch(pair, b, events));
                stored += result.stored();
                duplicates += result.duplicates();
              }
              return new long[] {stored, duplicates};
            });
      }
      long stored = 0;
      long duplicates = 0;
      for (long[] r : runAll(appenders)) {
        stored += r[0];
        duplicates += r[1];
      }
      long distinct = (long) pairs * batches * events;
      assertThat(stored).isEqualTo(distinct);
      assertThat(duplicates).isEqualTo(distinct);
      assertThat(store.count(EventQuery.all())).isEqualTo(distinct);
      assertThat(store.verify().ok()).as("%s", store.verify()).isTrue();
    }
  }

  /** The store reopened after concurrent appends holds each acknowledged batch whole. */
  @Test
  void concurrentAppendsAreWholeAfterReopening() throws Exception {
    Path dir = tmp.resolve("store");
    int threads = 4;
    int batches = 15;
    try (AuditStore store = LuceneAuditStore.open(dir, StoreOptions.defaults())) {
      List<Callable<long[]>> appenders = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        appenders.add(
            () -> {
              for (int b = 0; b < batches; b++) {
                store.append(batch(thread, b, 1 + (b * 7 + thread) % 60));
              }
              return new long[0];
            });
      }
      runAll(appenders);
    }
    try (AuditStore store = LuceneAuditStore.open(dir, StoreOptions.defaults())) {
      for (int t = 0; t < threads; t++) {
        for (int b = 0; b < batches; b++) {
          for (StoredEvent e : batch(t, b, 1 + (b * 7 + t) % 60).events()) {
            assertThat(store.count(EventQuery.builder().auditID(e.event().auditID()).build()))
                .as("event %s", e.event().auditID())
                .isEqualTo(1);
          }
        }
      }
      assertThat(store.verify().ok()).as("%s", store.verify()).isTrue();
    }
  }

  /**
   * Batches written while a sync is under way share the next one, and none is acknowledged before a
   * sync that began after it was written has ended.
   */
  @Test
  void noBatchIsAcknowledgedBeforeItsSync() throws Exception {
    AtomicLong syncedThrough = new AtomicLong();
    AtomicInteger syncs = new AtomicInteger();
    List<Long> acknowledged = Collections.synchronizedList(new ArrayList<>());
    GroupCommit group =
        new GroupCommit(
            (file, end) -> {
              syncs.incrementAndGet();
              sleep(3);
              syncedThrough.accumulateAndGet(end, Math::max);
            },
            batch -> {
              assertThat((long) batch.events()).isLessThanOrEqualTo(syncedThrough.get());
              acknowledged.add((long) batch.events());
            });
    Object turn = new Object();
    AtomicLong end = new AtomicLong();
    int threads = 4;
    int each = 30;
    List<Callable<long[]>> appenders = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      appenders.add(
          () -> {
            for (int i = 0; i < each; i++) {
              long ticket;
              long mine;
              synchronized (turn) {
                mine = end.incrementAndGet();
                ticket = group.add(1, mine, pending((int) mine));
              }
              group.await(ticket);
              assertThat(acknowledged).contains(mine);
              assertThat(syncedThrough.get()).isGreaterThanOrEqualTo(mine);
            }
            return new long[0];
          });
    }
    runAll(appenders);
    List<Long> inOrder = new ArrayList<>(acknowledged);
    Collections.sort(inOrder);
    assertThat(acknowledged).hasSize(threads * each).isEqualTo(inOrder);
    assertThat(syncs.get()).as("syncs shared").isLessThan(threads * each);
  }

  /**
   * A failed sync fails every batch written and not acknowledged, and no later batch syncs until
   * the appender abandons them; then syncs go on.
   */
  @Test
  void aFailedSyncFailsEveryBatchNotYetAcknowledged() throws Exception {
    AtomicInteger failNext = new AtomicInteger(1);
    List<Integer> acknowledged = new ArrayList<>();
    GroupCommit group =
        new GroupCommit(
            (file, end) -> {
              if (failNext.getAndSet(0) == 1) {
                throw new IOException("Input/output error (injected)");
              }
            },
            batch -> acknowledged.add(batch.events()));
    long first = group.add(1, 10, pending(1));
    long second = group.add(1, 20, pending(2));
    assertThatThrownBy(() -> group.await(first)).hasMessageContaining("injected");
    assertThatThrownBy(() -> group.await(second)).hasMessageContaining("injected");
    long third = group.add(1, 30, pending(3));
    assertThatThrownBy(() -> group.await(third)).hasMessageContaining("injected");
    assertThat(group.failure()).isPresent();
    group.abandon(new IOException("cut off"));
    assertThat(group.failure()).isEmpty();
    assertThatThrownBy(() -> group.await(third)).isInstanceOf(IOException.class);
    long fourth = group.add(1, 10, pending(4));
    group.await(fourth);
    assertThat(acknowledged).containsExactly(4);
  }

  private static Indexer.Pending pending(int id) {
    return new Indexer.Pending(BatchDocuments.NONE, CommitState.empty(), id);
  }

  private static Batch batch(int thread, int b, int events) {
    List<StoredEvent> list = new ArrayList<>();
    for (int i = 0; i < events; i++) {
      list.add(
          TestEvents.event("t" + thread + "-b" + b + "-e" + i)
              .at(b)
              .verb("update")
              .code(200)
              .build());
    }
    return Batch.of(list);
  }

  private static List<long[]> runAll(List<Callable<long[]>> tasks) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
    try {
      List<Future<long[]>> futures = new ArrayList<>();
      for (Callable<long[]> task : tasks) {
        futures.add(pool.submit(task));
      }
      List<long[]> results = new ArrayList<>();
      for (Future<long[]> f : futures) {
        results.add(f.get(120, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
