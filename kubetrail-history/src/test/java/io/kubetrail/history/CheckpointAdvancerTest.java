package io.kubetrail.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.AuditEventReader;
import io.kubetrail.event.DecodeLimits;
import io.kubetrail.simulate.Simulation;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.Batch;
import io.kubetrail.store.StateRepository;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.StoredEvent;
import io.kubetrail.store.lucene.LuceneAuditStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints advanced from committed batches agree with a replay from the store. */
class CheckpointAdvancerTest {
  private static final HistoryOptions EVERY_50 =
      HistoryOptions.builder().checkpointInterval(50).build();

  @TempDir Path dir;

  private static List<StoredEvent> simulated(long seed, int steps) throws Exception {
    Simulation sim = Simulation.builder().seed(seed).build();
    List<StoredEvent> events = new ArrayList<>();
    for (int i = 0; i < steps; i++) {
      for (String line : sim.step().lines()) {
        AuditEvent e =
            AuditEventReader.decode(line.getBytes(StandardCharsets.UTF_8), DecodeLimits.defaults());
        events.add(StoreBackedHistoryTest.stored("prod", e));
      }
    }
    return events;
  }

  /** Appends the events in batches of {@code size}, telling the advancer of each. */
  private static void appendAll(
      AuditStore store, CheckpointAdvancer advancer, List<StoredEvent> events, int size)
      throws IOException {
    for (int i = 0; i < events.size(); i += size) {
      List<StoredEvent> batch = events.subList(i, Math.min(events.size(), i + size));
      store.append(Batch.of(batch));
      advancer.committed(batch);
    }
  }

  private static long checkpointFiles(Path storeDir) throws IOException {
    Path checkpoints = storeDir.resolve("history/prod/checkpoints");
    if (!Files.isDirectory(checkpoints)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(checkpoints)) {
      return files.count();
    }
  }

  /** The state at random times, from checkpoints, equals a replay that uses none. */
  private void assertAgreesWithFullReplay(AuditStore store, List<StoredEvent> events, long seed)
      throws IOException {
    StateHistory withCheckpoints = StateHistory.open(store, "prod", EVERY_50);
    // Its own, empty repository: no checkpoint of the other serves it.
    StateHistory without =
        new StateHistory(
            new StoreChangeLog(store, "prod"),
            StateRepository.inDirectory(dir.resolve("elsewhere")),
            "prod",
            HistoryOptions.builder().checkpoints(false).build());
    Random random = new Random(seed);
    Instant first = events.get(0).event().stageTimestamp();
    Instant last = events.get(events.size() - 1).event().stageTimestamp();
    long span = last.toEpochMilli() - first.toEpochMilli();
    boolean usedACheckpoint = false;
    for (int i = 0; i < 8; i++) {
      Instant t = first.plusMillis((long) (random.nextDouble() * span * 1.1));
      ClusterState fast = withCheckpoints.stateAt(t);
      usedACheckpoint |= withCheckpoints.lastReplay().startedFrom().startsWith("checkpoint");
      assertThat(StateHistoryTest.bodies(fast))
          .as("state at %s", t)
          .isEqualTo(StateHistoryTest.bodies(without.stateAt(t)));
    }
    assertThat(usedACheckpoint).as("some query started from a checkpoint").isTrue();
  }

  @Test
  void writesCheckpointsAsBatchesAreCommitted() throws Exception {
    List<StoredEvent> events = simulated(11, 800);
    try (AuditStore store = LuceneAuditStore.open(dir, StoreOptions.defaults())) {
      CheckpointAdvancer advancer = StateHistory.open(store, "prod", EVERY_50).advancer();
      appendAll(store, advancer, events, 97);
      advancer.close();

      assertThat(advancer.notes()).isEmpty();
      assertThat(advancer.checkpointsWritten()).isGreaterThan(3);
      assertThat(checkpointFiles(dir)).isEqualTo(advancer.checkpointsWritten());
      // Nothing is left to replay: the newest checkpoint is still true.
      StateHistory h = StateHistory.open(store, "prod", EVERY_50);
      assertThat(h.updateCheckpoints().checkpointsWritten()).isZero();
      assertAgreesWithFullReplay(store, events, 11);
    }
  }

  @Test
  void aLogReadAfterAnotherIsReplayedFromTheStore() throws Exception {
    List<StoredEvent> events = simulated(12, 800);
    // Two API servers' logs: every other event in each, the second read after the first.
    List<StoredEvent> serverA = new ArrayList<>();
    List<StoredEvent> serverB = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      (i % 2 == 0 ? serverA : serverB).add(events.get(i));
    }
    try (AuditStore store = LuceneAuditStore.open(dir, StoreOptions.defaults())) {
      CheckpointAdvancer advancer = StateHistory.open(store, "prod", EVERY_50).advancer();
      appendAll(store, advancer, serverA, 101);
      appendAll(store, advancer, serverB, 101);
      advancer.close();

      assertAgreesWithFullReplay(store, events, 12);
    }
  }

  /** The first events of the list that hold {@code changes} changes. */
  private static List<StoredEvent> withChanges(List<StoredEvent> events, int changes) {
    int seen = 0;
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i).isChange() && ++seen == changes) {
        return events.subList(0, i + 1);
      }
    }
    throw new IllegalArgumentException("fewer than " + changes + " changes");
  }

  /** A store's change log that counts the reads of its changes. */
  private static final class CountingLog implements ChangeLog {
    private final ChangeLog log;
    private int reads;

    CountingLog(AuditStore store) {
      this.log = new StoreChangeLog(store, "prod");
    }

    @Override
    public Changes changes(Instant from, Instant to) throws IOException {
      reads++;
      return log.changes(from, to);
    }

    @Override
    public long fingerprint(Instant t) throws IOException {
      return log.fingerprint(t);
    }
  }

  /**
   * Stores {@code before} without an advancer, then makes one that reads the store by {@code log}.
   */
  private static CheckpointAdvancer advancerAfter(
      AuditStore store, List<StoredEvent> before, CountingLog log, HistoryOptions options)
      throws IOException {
    store.append(Batch.of(before));
    return new StateHistory(log, store.states(), "prod", options).advancer();
  }

  @Test
  void theStateStartsAfterASixteenthOfTheInterval() {
    assertThat(CheckpointAdvancer.startAfter(50_000, 0)).isEqualTo(3_125);
    assertThat(CheckpointAdvancer.startAfter(50_000, 48_000)).isEqualTo(2_000);
    assertThat(CheckpointAdvancer.startAfter(50_000, 49_999)).isEqualTo(1);
    assertThat(CheckpointAdvancer.startAfter(10, 0)).isEqualTo(1);
  }

  @Test
  void anIngestOfFewChangesReadsNoneAgain() throws Exception {
    HistoryOptions every800 = HistoryOptions.builder().checkpointInterval(800).build();
    List<StoredEvent> all = simulated(14, 3000);
    List<StoredEvent> before = withChanges(all, 300);
    // 300 changes after the newest checkpoint (there is none), and 49 more: the 50th would start
    // the state.
    List<StoredEvent> events = withChanges(all, 349);
    try (AuditStore store = LuceneAuditStore.open(dir, StoreOptions.defaults())) {
      CountingLog log = new CountingLog(store);
      CheckpointAdvancer advancer = advancerAfter(store, before, log, every800);
      appendAll(store, advancer, events.subList(before.size(), events.size()), 10);
      advancer.close();

      assertThat(advancer.notes()).isEmpty();
      assertThat(advancer.checkpointsWritten()).isZero();
      assertThat(checkpointFiles(dir)).isZero();
      assertThat(log.reads).as("replays from the store").isZero();
    }
  }

  @Test
  void theStateStartsFromTheStoreOnceEnoughChangesCame() throws Exception {
    List<StoredEvent> all = simulated(15, 3000);
    List<StoredEvent> before = withChanges(all, 30);
    List<StoredEvent> events = withChanges(all, 330);
    try (AuditStore store = LuceneAuditStore.open(dir, StoreOptions.defaults())) {
      CountingLog log = new CountingLog(store);
      CheckpointAdvancer advancer = advancerAfter(store, before, log, EVERY_50);
      assertThat(log.reads).as("replays before the batches").isZero();
      appendAll(store, advancer, events.subList(before.size(), events.size()), 1);
      advancer.close();

      assertThat(log.reads).as("replays from the store").isEqualTo(1);
      assertThat(advancer.notes()).isEmpty();
      assertThat(advancer.checkpointsWritten()).isGreaterThan(3);
      assertAgreesWithFullReplay(store, events, 15);
    }
  }

  @Test
  void startsFromWhatTheStoreAlreadyHolds() throws Exception {
    List<StoredEvent> events = simulated(13, 800);
    int half = events.size() / 2;
    try (AuditStore store = LuceneAuditStore.open(dir, StoreOptions.defaults())) {
      store.append(Batch.of(events.subList(0, half)));
      CheckpointAdvancer advancer = StateHistory.open(store, "prod", EVERY_50).advancer();
      appendAll(store, advancer, events.subList(half, events.size()), 150);
      advancer.close();

      assertThat(advancer.checkpointsWritten()).isGreaterThan(1);
      assertAgreesWithFullReplay(store, events, 13);
    }
  }
}
