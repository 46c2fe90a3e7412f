package io.kubetrail.bench;

import com.sun.management.OperatingSystemMXBean;
import io.kubetrail.collect.BufferOptions;
import io.kubetrail.collect.DeadLetters;
import io.kubetrail.collect.IngestListener;
import io.kubetrail.collect.IngestOptions;
import io.kubetrail.collect.Ingester;
import io.kubetrail.collect.Pipeline;
import io.kubetrail.collect.PipelineListener;
import io.kubetrail.collect.StoreConnection;
import io.kubetrail.collect.webhook.WebhookOptions;
import io.kubetrail.collect.webhook.WebhookSource;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.EventQuery;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.lucene.LuceneAuditStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The webhook against {@code ingest}, on the same JSON Lines audit log, in one process: {@code
 * ingest} of the file into a fresh Lucene store, then the same events POSTed to a {@link
 * WebhookSource} (plain HTTP on 127.0.0.1, a fresh store) in {@code audit.k8s.io/v1} EventLists of
 * {@code perRequest} events by {@code clients} concurrent clients, as kube-apiserver's batching
 * webhook sends them. Twice each, alternating, so that both run on warmed-up code once. The
 * webhook's pipeline is configured as {@code collect} configures it by default: appends retried, an
 * on-disk buffer (beside the store) for batches the store does not take.
 *
 * <p>Prints, per run: events/s, and for the webhook the acknowledgement latency of each request
 * (from sending it to its 200, which comes once its events are durable) at p50/p99/max, and the
 * requests refused (429/503) and sent again; and the process's CPU time over the run, as a share of
 * the cores (for the webhook, the clients' share included: they build the bodies from the log and
 * send them). Ends with the peak heap in use.
 *
 * <pre>
 * java -Xmx512m -cp bench/target/benchmarks.jar io.kubetrail.bench.WebhookThroughput FILE [2 [400]]
 * </pre>
 */
public final class WebhookThroughput {
  private WebhookThroughput() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1 || args.length > 3) {
      System.err.println("usage: WebhookThroughput FILE [CLIENTS [EVENTS_PER_REQUEST]]");
      System.exit(2);
    }
    Path file = Path.of(args[0]);
    int clients = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    int perRequest = args.length > 2 ? Integer.parseInt(args[2]) : 400;
    // The stores go beside the log, on the same disk.
    Path work = Files.createTempDirectory(file.toAbsolutePath().getParent(), "webhook-bench");
    try {
      for (int round = 1; round <= 2; round++) {
        ingest(file, work.resolve("ingest-" + round));
        webhook(file, work.resolve("webhook-" + round), clients, perRequest);
      }
      System.out.printf(
          "heap: max %d MB; the pools' peaks added up %d MB (each peaks at its own time)%n",
          Runtime.getRuntime().maxMemory() >> 20, peakHeap() >> 20);
    } finally {
      delete(work);
    }
  }

  private static void ingest(Path file, Path dir) throws IOException {
    long start = System.nanoTime();
    long cpu = processCpu();
    long stored;
    try (AuditStore store = LuceneAuditStore.open(dir, StoreOptions.defaults())) {
      stored =
          new Ingester(store, IngestOptions.defaults())
              .ingest(List.of(file), IngestListener.NONE)
              .stored();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "ingest:  %d events in %.2f s, %.0f events/s; %s%n",
        stored, seconds, stored / seconds, cpuUse(cpu, seconds));
  }

  private static void webhook(Path file, Path dir, int clients, int perRequest) throws Exception {
    try (AuditStore store = LuceneAuditStore.open(dir, StoreOptions.defaults());
        Pipeline pipeline =
            new Pipeline(
                StoreConnection.open(() -> store, Optional.empty()),
                IngestOptions.builder().retryAppends(true).build(),
                PipelineListener.NONE,
                DeadLetters.NONE,
                Optional.of(
                    new BufferOptions(
                        dir.resolveSibling(dir.getFileName() + "-buffer"),
                        BufferOptions.DEFAULT_MAX_BYTES)));
        InputStream log = Files.newInputStream(file)) {
      Lines lines = new Lines(log);
      WebhookSource source = new WebhookSource(WebhookOptions.listen("127.0.0.1:0"));
      Thread server =
          new Thread(
              () -> {
                try {
                  pipeline.run(source);
                } catch (IOException | InterruptedException e) {
                  throw new IllegalStateException(e);
                }
              },
              "webhook");
      server.start();
      InetSocketAddress address = source.address().get(30, TimeUnit.SECONDS);
      URI uri = URI.create("http://127.0.0.1:" + address.getPort() + "/");
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      AtomicLong refused = new AtomicLong();
      List<Long> latencies = new ArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      long start = System.nanoTime();
      long cpu = processCpu();
      List<Future<long[]>> results = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        results.add(pool.submit(() -> client(http, uri, lines, perRequest, refused)));
      }
      long events = 0;
      for (Future<long[]> f : results) {
        long[] r = f.get();
        events += r[0];
        for (int i = 1; i < r.length; i++) {
          latencies.add(r[i]);
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      String cpuUsed = cpuUse(cpu, seconds);
      pool.shutdown();
      pipeline.stop();
      server.join();
      long stored = store.count(EventQuery.all());
      latencies.sort(Comparator.naturalOrder());
      System.out.printf(
          "webhook: %d events in %.2f s, %.0f events/s; %d requests of %d events by %d clients,"
              + " acknowledged in p50 %.1f ms, p99 %.1f ms, max %.1f ms; %d refused and sent"
              + " again; %d stored; %s%n",
          events,
          seconds,
          events / seconds,
          latencies.size(),
          perRequest,
          clients,
          percentile(latencies, 0.50),
          percentile(latencies, 0.99),
          latencies.get(latencies.size() - 1) / 1e6,
          refused.get(),
          stored,
          cpuUsed);
    }
  }

  /** Posts bodies until the file ends; returns {events, latency ns of each request…}. */
  private static long[] client(
      HttpClient http, URI uri, Lines lines, int perRequest, AtomicLong refused) throws Exception {
    List<Long> latencies = new ArrayList<>();
    long events = 0;
    for (Optional<Body> body = lines.next(perRequest);
        body.isPresent();
        body = lines.next(perRequest)) {
      HttpRequest request =
          HttpRequest.newBuilder(uri)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(body.get().bytes()))
              .build();
      while (true) {
        long sent = System.nanoTime();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          latencies.add(System.nanoTime() - sent);
          break;
        }
        if (response.statusCode() != 429 && response.statusCode() != 503) {
          throw new IOException("answered " + response.statusCode() + ": " + response.body());
        }
        refused.incrementAndGet();
        Thread.sleep(100);
      }
      events += body.get().events();
    }
    long[] result = new long[latencies.size() + 1];
    result[0] = events;
    for (int i = 0; i < latencies.size(); i++) {
      result[i + 1] = latencies.get(i);
    }
    return result;
  }

  private record Body(byte[] bytes, int events) {}

  /**
   * The log's lines as EventLists of up to {@code max} lines each, copied as bytes: the clients'
   * work runs on the same cores as the webhook's, so it is kept small.
   */
  private static final class Lines {
    private final InputStream in;
    private final byte[] buffer = new byte[1 << 16];
    private int pos;
    private int limit;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(1 << 14);

    Lines(InputStream in) {
      this.in = in;
    }

    synchronized Optional<Body> next(int max) throws IOException {
      ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
      out.writeBytes(
          "{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"metadata\":{},\"items\":["
              .getBytes(StandardCharsets.US_ASCII));
      int n = 0;
      while (n < max && readLine()) {
        if (blank()) {
          continue;
        }
        if (n > 0) {
          out.write(',');
        }
        line.writeTo(out);
        n++;
      }
      if (n == 0) {
        return Optional.empty();
      }
      out.writeBytes("]}".getBytes(StandardCharsets.US_ASCII));
      return Optional.of(new Body(out.toByteArray(), n));
    }

    /** Reads the next line (without its end) into {@link #line}; false at the end of the log. */
    private boolean readLine() throws IOException {
      line.reset();
      boolean any = false;
      while (true) {
        if (pos == limit) {
          limit = in.read(buffer);
          pos = 0;
          if (limit <= 0) {
            limit = 0;
            return any;
          }
        }
        any = true;
        int start = pos;
        while (pos < limit && buffer[pos] != '\n') {
          pos++;
        }
        line.write(buffer, start, pos - start);
        if (pos < limit) {
          pos++;
          return true;
        }
      }
    }

    private boolean blank() {
      for (byte b : line.toByteArray()) {
        if (b != ' ' && b != '\t' && b != '\r') {
          return false;
        }
      }
      return true;
    }
  }

  private static double percentile(List<Long> sorted, double p) {
    int i = (int) Math.ceil(p * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i))) / 1e6;
  }

  private static long processCpu() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /**
   * The process's CPU time since {@code since}, and its share of the cores over {@code seconds}.
   */
  private static String cpuUse(long since, double seconds) {
    double cpu = (processCpu() - since) / 1e9;
    int cores = Runtime.getRuntime().availableProcessors();
    return String.format("CPU %.1f s, %.0f%% of %d cores", cpu, 100 * cpu / seconds / cores, cores);
  }

  private static long peakHeap() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak;
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
