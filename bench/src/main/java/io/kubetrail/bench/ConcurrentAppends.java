package io.kubetrail.bench;

import io.kubetrail.event.AuditDecodeException;
import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.AuditEventReader;
import io.kubetrail.event.DecodeLimits;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.Batch;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.StoredEvent;
import io.kubetrail.store.lucene.LuceneAuditStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The embedded store's appends alone, from one thread and from several at once: a JSON Lines audit
 * log is decoded first, cut into batches of {@code perBatch} events (as a webhook's EventLists
 * arrive), and appended to a fresh Lucene store by 1 thread, then by {@code threads} threads taking
 * the next batch in turn. Prints events/s and each append's latency (its acknowledgement: blocks
 * and batch record synced) at p50/p99, for each.
 *
 * <pre>
 * java -Xmx512m -cp bench/target/benchmarks.jar io.kubetrail.bench.ConcurrentAppends FILE [2 [400]]
 * </pre>
 */
public final class ConcurrentAppends {
  private ConcurrentAppends() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1 || args.length > 3) {
      System.err.println("usage: ConcurrentAppends FILE [THREADS [EVENTS_PER_BATCH]]");
      System.exit(2);
    }
    Path file = Path.of(args[0]);
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    int perBatch = args.length > 2 ? Integer.parseInt(args[2]) : 400;
    List<Batch> batches = batches(file, perBatch);
    Path work = Files.createTempDirectory(file.toAbsolutePath().getParent(), "appends-bench");
    try {
      for (int round = 1; round <= 2; round++) {
        run(batches, work.resolve(round + "-1"), 1);
        run(batches, work.resolve(round + "-" + threads), threads);
      }
    } finally {
      try (Stream<Path> paths = Files.walk(work)) {
        for (Path p : paths.sorted(Collections.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static List<Batch> batches(Path file, int perBatch)
      throws IOException, AuditDecodeException {
    List<Batch> batches = new ArrayList<>();
    List<StoredEvent> batch = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        AuditEvent e =
            AuditEventReader.decode(line.getBytes(StandardCharsets.UTF_8), DecodeLimits.defaults());
        String name = e.objectRef().map(r -> r.name()).orElse("");
        batch.add(new StoredEvent("bench", name, e.stageTimestamp(), e));
        if (batch.size() == perBatch) {
          batches.add(Batch.of(batch));
          batch = new ArrayList<>();
        }
      }
    }
    if (!batch.isEmpty()) {
      batches.add(Batch.of(batch));
    }
    return batches;
  }

  private static void run(List<Batch> batches, Path dir, int threads) throws Exception {
    AtomicInteger next = new AtomicInteger();
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    long events = 0;
    long start = System.nanoTime();
    try (AuditStore store = LuceneAuditStore.open(dir, StoreOptions.defaults())) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<Long>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          results.add(
              pool.submit(
                  () -> {
                    long stored = 0;
                    for (int i = next.getAndIncrement();
                        i < batches.size();
                        i = next.getAndIncrement()) {
                      long began = System.nanoTime();
                      stored += store.append(batches.get(i)).stored();
                      latencies.add(System.nanoTime() - began);
                    }
                    return stored;
                  }));
        }
        for (Future<Long> r : results) {
          events += r.get();
        }
      } finally {
        pool.shutdown();
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    List<Long> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    System.out.printf(
        "%d thread(s): %d events in %.2f s, %.0f events/s; %d appends acknowledged in p50 %.1f"
            + " ms, p99 %.1f ms%n",
        threads,
        events,
        seconds,
        events / seconds,
        sorted.size(),
        percentile(sorted, 0.50),
        percentile(sorted, 0.99));
  }

  private static double percentile(List<Long> sorted, double p) {
    if (sorted.isEmpty()) {
      return 0;
    }
    int i = Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1);
    return sorted.get(Math.max(0, i)) / 1e6;
  }
}
