package io.kubetrail.store.lucene;

import static io.kubetrail.store.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubetrail.store.AppendResult;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.Batch;
import io.kubetrail.store.EventQuery;
import io.kubetrail.store.PageCursor;
import io.kubetrail.store.SearchPage;
import io.kubetrail.store.SourceCheckpoint;
import io.kubetrail.store.StoreException;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.StoredEvent;
import io.kubetrail.store.TestSeed;
import io.kubetrail.store.VerifyResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.apache.lucene.index.SerialMergeScheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Appends under injected faults (a full disk, I/O errors creating, syncing and renaming files): a
 * failed append throws, leaves nothing half-written, and the store stays usable; after reopening,
 * every acknowledged batch is there and the chain verifies.
 */
class FaultInjectionTest {
  @TempDir Path tmp;

  private FaultyDirectory faults;

  private AuditStore open(Path dir) throws IOException {
    // Merges run in the thread that indexes, so that faults hit it, not merge threads.
    return LuceneStore.open(
        dir,
        StoreOptions.defaults(),
        LuceneOptions.defaults().withRamBufferMb(1),
        d -> faults = new FaultyDirectory(d),
        c -> c.setMergeScheduler(new SerialMergeScheduler()),
        // A full disk is full for the block files too (appends write them, the index follows).
        (op, file, at, data) -> faults.blockOperations().before(op, file, at, data),
        true);
  }

  @Test
  void randomFaultsNeverLoseAcknowledgedBatchesNorLeaveHalfBatches() throws IOException {
    long seed = TestSeed.of("randomFaultsNeverLoseAcknowledgedBatchesNorLeaveHalfBatches");
    Random random = new Random(seed);
    Path dir = tmp.resolve("store");
    Map<Integer, List<StoredEvent>> batches = new LinkedHashMap<>();
    Set<Integer> acknowledged = new HashSet<>();
    int rounds = 25;
    // The auditIDs the store held after the previous round: what a re-sent batch duplicates.
    Set<String> present = new HashSet<>();
    AuditStore store = open(dir);
    try {
      for (int round = 0; round < rounds; round++) {
        List<StoredEvent> events = new ArrayList<>();
        int size = 1 + random.nextInt(120);
        String payload = "x".repeat(random.nextInt(8000));
        for (int i = 0; i < size; i++) {
          events.add(event("r" + round + "-" + i).at(round).extraField(payload).build());
        }
        batches.put(round, events);
        List<StoredEvent> toAppend = new ArrayList<>(events);
        if (round > 0 && random.nextBoolean()) {
          // Re-send an earlier batch's events, as a source does after a failure.
          toAppend.addAll(batches.get(random.nextInt(round)));
        }
        long fresh = 0;
        for (StoredEvent e : toAppend) {
          fresh += present.contains(e.event().auditID()) ? 0 : 1;
        }
        boolean armed = arm(random);
        try {
          AppendResult result =
              store.append(
                  Batch.of(toAppend, "src", new SourceCheckpoint(Integer.toString(round))));
          acknowledged.add(round);
          assertThat(result.stored()).as("stored of round %d", round).isEqualTo(fresh);
          assertThat(result.duplicates()).isEqualTo(toAppend.size() - fresh);
        } catch (StoreException e) {
          assertThat(armed).as("an append failed with no fault armed: %s", e).isTrue();
          assertThat(e.getMessage()).contains(dir.toString());
        } finally {
          // A query while the fault is armed: its refresh may fail, and must lose nothing.
          store.count(EventQuery.all());
          faults.disarm();
        }
        present = checkAllOrNothing(store, batches, acknowledged);
      }
      assertThat(faults.fired()).as("faults actually injected").isPositive();
    } finally {
      store.close();
    }
    try (AuditStore reopened = LuceneAuditStore.open(dir, StoreOptions.defaults())) {
      checkAllOrNothing(reopened, batches, acknowledged);
    }
  }

  /** Arms one random fault, or none; returns whether one was armed. */
  private boolean arm(Random random) {
    switch (random.nextInt(6)) {
      case 0:
        faults.diskFullAfter(random.nextInt(600_000));
        return true;
      case 1:
        faults.failCreateAfter(random.nextInt(12));
        return true;
      case 2:
        faults.failSyncAfter(random.nextInt(12));
        return true;
      case 3:
        faults.failRenameAfter(0);
        return true;
      default:
        return false;
    }
  }

  /**
   * Every acknowledged batch is wholly present; every other batch is wholly present (it failed
   * after its commit) or wholly absent; the checkpoint is the newest batch present; the chain
   * verifies. Returns the auditIDs present.
   */
  private static Set<String> checkAllOrNothing(
      AuditStore store, Map<Integer, List<StoredEvent>> batches, Set<Integer> acknowledged)
      throws IOException {
    Set<String> present = new HashSet<>();
    Optional<PageCursor> cursor = Optional.empty();
    do {
      SearchPage page = store.search(EventQuery.all(), 1000, cursor);
      page.events().forEach(e -> present.add(e.event().auditID()));
      cursor = page.next();
    } while (cursor.isPresent());
    int newestPresent = -1;
    long total = 0;
    for (Map.Entry<Integer, List<StoredEvent>> b : batches.entrySet()) {
      long found = b.getValue().stream().filter(e -> present.contains(e.event().auditID())).count();
      if (acknowledged.contains(b.getKey())) {
        assertThat(found).as("acknowledged batch %s", b.getKey()).isEqualTo(b.getValue().size());
      } else {
        assertThat(found)
            .as("failed batch %s is all or nothing", b.getKey())
            .isIn(0L, (long) b.getValue().size());
      }
      if (found > 0) {
        newestPresent = b.getKey();
      }
      total += found;
    }
    assertThat(present).hasSize((int) total);
    if (newestPresent >= 0) {
      // A batch's checkpoint is committed with it; a later all-duplicate batch may advance it.
      int checkpoint = Integer.parseInt(store.checkpoints().get("src").position());
      assertThat(checkpoint).isGreaterThanOrEqualTo(newestPresent);
    }
    VerifyResult verify = store.verify();
    assertThat(verify.ok()).as(verify.toString()).isTrue();
    return present;
  }

  @Test
  void aFullDiskFailsAppendsUntilSpaceIsFreedAndQueriesKeepWorking() throws IOException {
    Path dir = tmp.resolve("full");
    try (AuditStore store = open(dir)) {
      StoredEvent first = event("first").build();
      store.append(Batch.of(List.of(first), "src", new SourceCheckpoint("1")));
      // A query makes the index show the first batch, which then needs no more writing.
      assertThat(store.count(EventQuery.all())).isEqualTo(1);
      faults.diskFullAfter(0);
      // More than the 1 MB indexing buffer holds, so that the append has to write the index.
      List<StoredEvent> second = new ArrayList<>();
      for (int i = 0; i < 5_000; i++) {
        second.add(event("second-" + i).at(1).build());
      }
      Batch batch = Batch.of(second, "src", new SourceCheckpoint("2"));
      assertThatThrownBy(() -> store.append(batch))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining(dir.toString())
          .hasMessageContaining("No space left on device")
          .hasMessageContaining("nothing of it is stored");
      assertThatThrownBy(() -> store.append(batch)).isInstanceOf(StoreException.class);
      assertThat(store.count(EventQuery.all())).isEqualTo(1);
      assertThat(store.checkpoints()).containsEntry("src", new SourceCheckpoint("1"));

      faults.disarm();
      assertThat(store.append(batch).stored()).isEqualTo(second.size());
      assertThat(store.count(EventQuery.all())).isEqualTo(1 + second.size());
      assertThat(store.checkpoints()).containsEntry("src", new SourceCheckpoint("2"));
      assertThat(store.verify().ok()).isTrue();
    }
  }

  @Test
  void anAppendAfterTheTimedIndexCommitMetAFullDiskSaysNothingOfItIsStored() throws Exception {
    Path dir = tmp.resolve("full-commit");
    try (AuditStore store = open(dir)) {
      store.append(Batch.of(List.of(event("first").build()), "src", new SourceCheckpoint("1")));
      faults.diskFullAfter(0);
      // The first batch waits for its index commit, which the indexer tries within the interval.
      Thread.sleep(Indexer.COMMIT_INTERVAL.toMillis() * 3);
      Batch batch =
          Batch.of(List.of(event("second").at(1).build()), "src", new SourceCheckpoint("2"));
      assertThatThrownBy(() -> store.append(batch))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining(dir.toString())
          .hasMessageContaining("No space left on device")
          .hasMessageContaining("nothing of it is stored");
      faults.disarm();
      assertThat(store.append(batch).stored()).isEqualTo(1);
      assertThat(store.count(EventQuery.all())).isEqualTo(2);
      assertThat(store.checkpoints()).containsEntry("src", new SourceCheckpoint("2"));
      assertThat(store.verify().ok()).isTrue();
    }
  }

  @Test
  void aFailedPruneRemovesNothing() throws IOException {
    Path dir = tmp.resolve("prune");
    try (AuditStore store = open(dir)) {
      store.append(Batch.of(List.of(event("old").at(0).build())));
      store.append(Batch.of(List.of(event("new").at(100).build())));
      faults.failSyncAfter(0);
      assertThatThrownBy(() -> store.prune(io.kubetrail.store.TestEvents.T0.plusSeconds(50)))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("nothing of it is stored");
      faults.disarm();
      assertThat(store.count(EventQuery.all())).isEqualTo(2);
      assertThat(store.verify().ok()).isTrue();
      assertThat(store.prune(io.kubetrail.store.TestEvents.T0.plusSeconds(50)).events())
          .isEqualTo(1);
      assertThat(store.verify().ok()).isTrue();
    }
  }
}
