package io.kubetrail.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.kubetrail.event.AuditEventReader;
import io.kubetrail.event.DecodeLimits;
import io.kubetrail.event.DecodeResult;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Decoding throughput of a JSON Lines audit log held in memory, against Jackson's parse-only rate
 * over the same bytes.
 *
 * <p>One operation reads the whole file. Besides operations per second, each benchmark reports the
 * auxiliary rates {@code events} (events per second) and {@code bytes} (bytes per second; divide by
 * 10^6 for MB/s).
 *
 * <p>The file is the {@code file} parameter, or by default the system property {@code
 * kubetrail.bench.file}:
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar DecodeBenchmark -p file=/tmp/audit.log
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Threads(1)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 2, time = 5)
public class DecodeBenchmark {

  /** A JSON Lines audit log; empty means the system property {@code kubetrail.bench.file}. */
  @Param("")
  public String file;

  private byte[] data;
  private int lines;
  private final JsonFactory jackson = new JsonFactory();

  /** Per-operation totals that JMH turns into rates. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Rates {
    public long events;
    public long bytes;

    @Setup(Level.Iteration)
    public void clear() {
      events = 0;
      bytes = 0;
    }
  }

  @Setup
  public void load() throws IOException {
    String name = file.isEmpty() ? System.getProperty("kubetrail.bench.file", "") : file;
    if (name.isEmpty()) {
      throw new IllegalStateException(
          "no input: pass -p file=<audit.log> or -jvmArgsAppend -Dkubetrail.bench.file=<audit.log>");
    }
    data = Files.readAllBytes(Path.of(name));
    for (byte b : data) {
      if (b == '\n') {
        lines++;
      }
    }
    System.out.printf("%n%s: %d bytes, %d lines%n", name, data.length, lines);
  }

  /** kubetrail's reader: every record decoded into an AuditEvent with its raw JSON. */
  @Benchmark
  public void reader(Rates rates, Blackhole bh) throws IOException {
    long events = 0;
    try (AuditEventReader reader =
        AuditEventReader.of(new ByteArrayInputStream(data), "bench", DecodeLimits.defaults())) {
      Optional<DecodeResult> r;
      while ((r = reader.read()).isPresent()) {
        DecodeResult result = r.get();
        if (result instanceof DecodeResult.Decoded) {
          events++;
        }
        bh.consume(result);
      }
    }
    rates.events += events;
    rates.bytes += data.length;
  }

  /** The baseline: one Jackson parser walking every token of the file, nothing built. */
  @Benchmark
  public void jacksonParseOnly(Rates rates, Blackhole bh) throws IOException {
    long events = 0;
    try (JsonParser p = jackson.createParser(data)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (t == JsonToken.END_OBJECT && p.getParsingContext().inRoot()) {
          events++;
        }
        bh.consume(t);
      }
    }
    rates.events += events;
    rates.bytes += data.length;
  }

  /** As {@link #jacksonParseOnly}, with a fresh parser per line as a line-oriented reader has. */
  @Benchmark
  public void jacksonParseOnlyPerLine(Rates rates, Blackhole bh) throws IOException {
    long events = 0;
    int start = 0;
    for (int i = 0; i <= data.length; i++) {
      if (i == data.length || data[i] == '\n') {
        if (i > start) {
          try (JsonParser p = jackson.createParser(data, start, i - start)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
              bh.consume(t);
            }
          }
          events++;
        }
        start = i + 1;
      }
    }
    rates.events += events;
    rates.bytes += data.length;
  }
}
