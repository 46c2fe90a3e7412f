package io.kubetrail.bench;

import io.kubetrail.event.AuditEvent;
import io.kubetrail.history.ClusterState;
import io.kubetrail.history.HistoryOptions;
import io.kubetrail.history.StateHistory;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.Batch;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.StoredEvent;
import io.kubetrail.store.lucene.LuceneAuditStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Latency of {@code state --at T} for a random T over a stored history of {@code changes} pod
 * changes ({@code objects} live pods), through the embedded store, once checkpoints exist (the
 * first query over a range writes them; that cold replay is reported by the set-up). Run with
 * {@code java -jar bench/target/benchmarks.jar HistoryStateAt -p changes=1000000}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx4g")
@Warmup(iterations = 1, time = 10)
@Measurement(iterations = 3, time = 10)
public class HistoryStateAtBenchmark {
  @Param("200000")
  public long changes;

  @Param("20000")
  public int objects;

  @Param("50000")
  public int checkpointInterval;

  Path dir;
  AuditStore store;
  StateHistory history;
  final Random random = new Random(7);

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("kubetrail-bench-history");
    try (AuditStore s = LuceneAuditStore.open(dir, StoreOptions.defaults())) {
      List<StoredEvent> batch = new ArrayList<>();
      HistoryWorkload w = new HistoryWorkload(objects, 42);
      for (long i = 0; i < changes; i++) {
        AuditEvent e = w.next();
        batch.add(HistoryWorkload.stored(e));
        if (batch.size() == 10_000) {
          s.append(Batch.of(batch));
          batch.clear();
        }
      }
      if (!batch.isEmpty()) {
        s.append(Batch.of(batch));
      }
    }
    store = LuceneAuditStore.open(dir, StoreOptions.builder().readOnly(true).build());
    history =
        StateHistory.open(
            store,
            "cluster",
            HistoryOptions.builder().checkpointInterval(checkpointInterval).build());
    long t0 = System.nanoTime();
    ClusterState s = history.stateAt(HistoryWorkload.timeOf(changes));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.printf(
        "%ncold replay of %d changes: %d ms (%.0f changes/s), %d live objects, %d checkpoints%n",
        changes,
        ms,
        changes * 1000.0 / Math.max(1, ms),
        s.size(),
        history.lastReplay().checkpointsWritten());
  }

  @Benchmark
  public int stateAtRandomTime() throws IOException {
    Instant t = HistoryWorkload.timeOf((long) (random.nextDouble() * changes));
    return history.stateAt(t).size();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    store.close();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
