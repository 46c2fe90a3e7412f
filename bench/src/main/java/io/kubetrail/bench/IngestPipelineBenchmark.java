package io.kubetrail.bench;

import io.kubetrail.collect.IngestListener;
import io.kubetrail.collect.IngestOptions;
import io.kubetrail.collect.IngestSummary;
import io.kubetrail.collect.Ingester;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The ingest pipeline without the store: a file read, decoded, redacted and enriched into batches
 * exactly as {@code kubetrail ingest} does, with batches handed to a store that keeps nothing. Set
 * beside the end-to-end ingest it shows how much of ingest time the store takes.
 *
 * <p>One operation ingests the whole file; the auxiliary counter {@code events} is events per
 * second.
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar IngestPipelineBenchmark -p file=/tmp/audit.log
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx512m")
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
public class IngestPipelineBenchmark {

  /** A JSON Lines audit log. */
  @Param("")
  public String file;

  /** Per-operation totals that JMH turns into rates. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Rates {
    public long events;

    @Setup(Level.Iteration)
    public void clear() {
      events = 0;
    }
  }

  @Setup
  public void check() {
    if (file.isEmpty()) {
      throw new IllegalStateException("no input: pass -p file=<audit.log>");
    }
  }

  @Benchmark
  public IngestSummary pipelineWithoutStore(Rates rates) throws IOException {
    IngestSummary summary =
        new Ingester(new DiscardingStore(), IngestOptions.defaults())
            .ingest(List.of(Path.of(file)), IngestListener.NONE);
    rates.events += summary.stored();
    return summary;
  }
}
