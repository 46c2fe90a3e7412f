package io.kubetrail.bench;

import io.kubetrail.collect.IngestListener;
import io.kubetrail.collect.IngestOptions;
import io.kubetrail.collect.IngestSummary;
import io.kubetrail.collect.Ingester;
import io.kubetrail.store.AppendResult;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.Batch;
import io.kubetrail.store.EventQuery;
import io.kubetrail.store.EventStream;
import io.kubetrail.store.HistogramBucket;
import io.kubetrail.store.ObjectKey;
import io.kubetrail.store.PageCursor;
import io.kubetrail.store.PruneResult;
import io.kubetrail.store.SearchPage;
import io.kubetrail.store.SourceCheckpoint;
import io.kubetrail.store.VerifyResult;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedSet;
import java.util.TreeSet;
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

  /** Takes every batch and keeps nothing: no checkpoints, so every run reads the whole file. */
  static final class DiscardingStore implements AuditStore {
    @Override
    public AppendResult append(Batch batch) {
      long n = batch.events().size();
      return new AppendResult(n, 0, n == 0 ? OptionalLong.empty() : OptionalLong.of(1));
    }

    @Override
    public Map<String, SourceCheckpoint> checkpoints() {
      return Map.of();
    }

    @Override
    public SortedSet<String> clusters() {
      return new TreeSet<>();
    }

    @Override
    public SearchPage search(EventQuery query, int limit, Optional<PageCursor> after) {
      return new SearchPage(List.of(), Optional.empty());
    }

    @Override
    public long count(EventQuery query) {
      return 0;
    }

    @Override
    public List<HistogramBucket> histogram(EventQuery query, Duration bucket) {
      return List.of();
    }

    @Override
    public EventStream history(String cluster, ObjectKey object) {
      throw new UnsupportedOperationException("a discarding store has no history");
    }

    @Override
    public EventStream scanChanges(String cluster, Instant from, Instant to) {
      throw new UnsupportedOperationException("a discarding store has no changes");
    }

    @Override
    public VerifyResult verify() {
      return new VerifyResult(0, 0, OptionalLong.empty(), "", "");
    }

    @Override
    public PruneResult prune(Instant olderThan) {
      return new PruneResult(0, 0);
    }

    @Override
    public void close() {}
  }
}
