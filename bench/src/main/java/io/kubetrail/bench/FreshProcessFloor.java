package io.kubetrail.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.kubetrail.collect.IngestListener;
import io.kubetrail.collect.IngestOptions;
import io.kubetrail.collect.IngestSummary;
import io.kubetrail.collect.Ingester;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a fresh process does with a whole audit log when it does less than {@code kubetrail ingest}:
 * the floors under any store's end-to-end ingest rate on a machine. {@code bench/ingest/run.sh}
 * times each from process start to exit, exactly as it times {@code kubetrail ingest}, so JVM
 * start-up and JIT compilation count as they do there; the JMH figures beside them are rates of
 * warmed-up code.
 *
 * <ul>
 *   <li>{@code jackson}: one Jackson parser walking every token of the file, building nothing;
 *   <li>{@code pipeline}: kubetrail's ingest pipeline (read, decode, hash Secret values, enrich,
 *       batch, on its two threads) handing its batches to a store that keeps nothing.
 * </ul>
 *
 * <pre>
 * java -Xmx512m -cp bench/target/benchmarks.jar io.kubetrail.bench.FreshProcessFloor jackson FILE
 * </pre>
 *
 * Prints the number of events read.
 */
public final class FreshProcessFloor {
  private FreshProcessFloor() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2 || !List.of("jackson", "pipeline").contains(args[0])) {
      System.err.println("usage: FreshProcessFloor jackson|pipeline FILE");
      System.exit(2);
    }
    Path file = Path.of(args[1]);
    long events = args[0].equals("jackson") ? jackson(file) : pipeline(file);
    System.out.println(events);
  }

  private static long jackson(Path file) throws IOException {
    long events = 0;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        JsonParser p = new JsonFactory().createParser(in)) {
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (t == JsonToken.END_OBJECT && p.getParsingContext().inRoot()) {
          events++;
        }
      }
    }
    return events;
  }

  private static long pipeline(Path file) throws IOException {
    IngestSummary summary =
        new Ingester(new DiscardingStore(), IngestOptions.defaults())
            .ingest(List.of(file), IngestListener.NONE);
    return summary.stored();
  }
}
