package io.kubetrail.bench;

import io.kubetrail.event.AuditEvent;
import io.kubetrail.history.Replayer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Replay rate of the pure replay core: changes applied per second (pod creates, patches and deletes
 * with realistic bodies), store reads excluded. Run with {@code java -jar
 * bench/target/benchmarks.jar HistoryReplay}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx4g")
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
public class HistoryReplayBenchmark {
  static final int CHANGES = 50_000;

  List<AuditEvent> events;

  @Setup(Level.Trial)
  public void setUp() {
    events = new ArrayList<>(CHANGES);
    new HistoryWorkload(20_000, 42).generate(CHANGES, events::add);
  }

  @Benchmark
  @OperationsPerInvocation(CHANGES)
  public int replay() {
    Replayer r = new Replayer();
    for (AuditEvent e : events) {
      r.apply(e);
    }
    return r.size();
  }
}
