package io.kubetrail.bench;

import io.kubetrail.collect.DeadLetters;
import io.kubetrail.collect.FollowedFileSource;
import io.kubetrail.collect.IngestOptions;
import io.kubetrail.collect.Pipeline;
import io.kubetrail.collect.PipelineListener;
import io.kubetrail.collect.Sink;
import io.kubetrail.simulate.Simulation;
import io.kubetrail.store.AppendResult;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.EventQuery;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.StoredEvent;
import io.kubetrail.store.lucene.LuceneAuditStore;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

/**
 * The lag of a followed audit log: from the moment a line is written to the file to the moment its
 * batch is committed and searchable (a query made once an append returns sees its events, since the
 * store's searchers refresh when a query needs them to, and the pipeline tells its listener after
 * the append returns). Simulated events are written at a steady rate, one write per event as
 * kube-apiserver's log backend does, and the file is rotated as lumberjack does (renamed at a size;
 * optionally gzipped on another thread). The events are simulated ahead (a pool of 50,000, written
 * again with new auditIDs when used up), so that writing costs little. A {@link FollowedFileSource}
 * with its default poll interval feeds a pipeline into a fresh Lucene store on the same machine.
 *
 * <p>With {@code discard} as its last argument, the store keeps nothing: the lag is then the
 * source's and the pipeline's alone, without the store's commit and refresh.
 *
 * <p>Usage: {@code FollowLag DIR [EVENTS_PER_SECOND=10000] [SECONDS=60] [ROTATE_MB=64] [GZIP=0]
 * [lucene|discard]}; the first 5 seconds are a warm-up and are not counted. Prints p50, p90, p99
 * and max lag, and the CPU time of the writing ({@code main}: simulating and writing), reading and
 * appending threads.
 */
public final class FollowLag {
  private static final int WARMUP_SECONDS = 5;
  private static final int POOL = 50_000;
  private static final DateTimeFormatter BACKUP_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss.SSS").withZone(ZoneOffset.UTC);

  private FollowLag() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int rate = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 60;
    long rotateBytes = (args.length > 3 ? Long.parseLong(args[3]) : 64) << 20;
    boolean gzip = args.length > 4 && args[4].equals("1");
    boolean discard = args.length > 5 && args[5].equals("discard");
    Files.createDirectories(dir.resolve("logs"));
    Path log = dir.resolve("logs/kube-audit.log");

    Map<String, Long> writtenAt = new ConcurrentHashMap<>();
    long[] lags = new long[rate * (seconds + 1)];
    int[] measured = {0};
    long[] committed = {0};
    List<Long> appends = new ArrayList<>();
    Writer writer = new Writer(log, rate, rotateBytes, gzip, writtenAt);
    long countFrom = System.nanoTime() + TimeUnit.SECONDS.toNanos(WARMUP_SECONDS);
    PipelineListener listener =
        new PipelineListener() {
          @Override
          public void committed(
              List<StoredEvent> events,
              AppendResult result,
              List<SourceCommit> sources,
              long appendNanos) {
            long now = System.nanoTime();
            synchronized (lags) {
              committed[0] += events.size();
              if (now >= countFrom) {
                appends.add(appendNanos);
              }
              for (StoredEvent e : events) {
                Long at = writtenAt.remove(e.event().auditID() + "/" + e.event().stage().name());
                if (at != null && at >= countFrom && measured[0] < lags.length) {
                  lags[measured[0]++] = now - at;
                }
              }
            }
          }
        };

    try (AuditStore store =
        discard
            ? new DiscardingStore()
            : LuceneAuditStore.open(dir.resolve("store"), StoreOptions.defaults())) {
      Pipeline pipeline =
          new Pipeline(
              Sink.of(store),
              IngestOptions.builder().retryAppends(true).build(),
              listener,
              DeadLetters.NONE);
      Thread following =
          new Thread(
              () -> {
                try {
                  pipeline.run(FollowedFileSource.of(log));
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "follow");
      following.start();

      long written = writer.run(Duration.ofSeconds(seconds));
      // Catching up may take long on a busy machine: wait while it gets anywhere.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      for (long seen = 0, now; (now = committedSoFar(lags, committed)) < written; seen = now) {
        if (now > seen) {
          deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        } else if (System.nanoTime() > deadline) {
          break;
        }
        Thread.sleep(20);
      }
      String cpu = threadCpu();
      pipeline.stop();
      following.join();
      pipeline.close();
      writer.awaitCompression();

      long stored = discard ? committedSoFar(lags, committed) : store.count(EventQuery.all());
      long[] sorted;
      synchronized (lags) {
        sorted = Arrays.copyOf(lags, measured[0]);
      }
      Arrays.sort(sorted);
      System.out.printf(
          Locale.ROOT,
          "wrote %,d events in %d s (%,.0f events/s, %d rotations%s), stored %,d%n",
          written,
          seconds,
          written / (double) seconds,
          writer.rotations,
          gzip ? ", backups gzipped" : "",
          stored);
      System.out.printf(
          Locale.ROOT,
          "lag from write to searchable, %,d events after a %d s warm-up: p50 %s  p90 %s  p99 %s"
              + "  max %s%n",
          sorted.length,
          WARMUP_SECONDS,
          ms(sorted, 0.50),
          ms(sorted, 0.90),
          ms(sorted, 0.99),
          ms(sorted, 1.0));
      long[] appendTimes;
      synchronized (lags) {
        appendTimes = appends.stream().mapToLong(Long::longValue).sorted().toArray();
      }
      System.out.printf(
          Locale.ROOT,
          "%,d appends (commit and refresh included): p50 %s  p99 %s  max %s%n",
          appendTimes.length,
          ms(appendTimes, 0.50),
          ms(appendTimes, 0.99),
          ms(appendTimes, 1.0));
      System.out.println("CPU by thread: " + cpu);
      if (stored != written) {
        System.out.println("MISMATCH: stored " + stored + " of " + written + " events");
        System.exit(1);
      }
    }
  }

  private static long committedSoFar(Object lock, long[] committed) {
    synchronized (lock) {
      return committed[0];
    }
  }

  /** CPU seconds of the writing, reading and appending threads, and of all threads. */
  private static String threadCpu() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    StringBuilder text = new StringBuilder();
    long total = 0;
    for (long id : threads.getAllThreadIds()) {
      ThreadInfo info = threads.getThreadInfo(id);
      long nanos = threads.getThreadCpuTime(id);
      if (info == null || nanos < 0) {
        continue;
      }
      total += nanos;
      String name = info.getThreadName();
      if (name.equals("main") || name.equals("follow") || name.startsWith("kubetrail-append")) {
        text.append(String.format(Locale.ROOT, "%s %.1f s, ", name, nanos / 1e9));
      }
    }
    return text.append(String.format(Locale.ROOT, "all threads %.1f s", total / 1e9)).toString();
  }

  private static String ms(long[] sorted, double quantile) {
    if (sorted.length == 0) {
      return "-";
    }
    int i = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
    return String.format(Locale.ROOT, "%.1f ms", sorted[Math.max(0, i)] / 1e6);
  }

  /** Writes simulated events at a steady rate, rotating by rename at a size. */
  private static final class Writer {
    private final Path log;
    private final int rate;
    private final long rotateBytes;
    private final boolean gzip;
    private final Map<String, Long> writtenAt;
    private final ArrayDeque<Thread> compressions = new ArrayDeque<>();
    private final List<String> pool = new ArrayList<>();
    private int next;
    private Instant backupTime = Instant.parse("2026-01-01T00:00:00Z");
    int rotations;

    Writer(Path log, int rate, long rotateBytes, boolean gzip, Map<String, Long> writtenAt) {
      this.log = log;
      this.rate = rate;
      this.rotateBytes = rotateBytes;
      this.gzip = gzip;
      this.writtenAt = writtenAt;
      // Simulated ahead, so that the writer costs little CPU beside the collector.
      Simulation simulation = Simulation.builder().seed(7).build();
      while (pool.size() < POOL) {
        pool.addAll(simulation.step().lines());
      }
    }

    long run(Duration duration) throws IOException, InterruptedException {
      long start = System.nanoTime();
      long end = start + duration.toNanos();
      long written = 0;
      long size = 0;
      OutputStream out = open();
      for (long now = start; now < end; now = System.nanoTime()) {
        long due = (now - start) * rate / 1_000_000_000L;
        for (; written < due; written++) {
          byte[] line = (next() + "\n").getBytes(StandardCharsets.UTF_8);
          writtenAt.put(key(line), System.nanoTime());
          out.write(line); // one write per event, as the log backend does
          size += line.length;
          if (size >= rotateBytes) {
            out.close();
            rotate();
            out = open();
            size = 0;
          }
        }
        Thread.sleep(1);
      }
      out.close();
      return written;
    }

    /** The pool's events again and again, each round with auditIDs of its own. */
    private String next() {
      String line = pool.get(next % pool.size());
      int round = next++ / pool.size();
      if (round == 0) {
        return line;
      }
      int at = line.indexOf("\"auditID\":\"") + 11;
      int end = line.indexOf('"', at);
      return line.substring(0, end) + "-" + round + line.substring(end);
    }

    /** The event's auditID and stage: a request has an event per stage. */
    private static String key(byte[] line) {
      String text = new String(line, 0, Math.min(line.length, 600), StandardCharsets.UTF_8);
      return field(text, "auditID") + "/" + field(text, "stage");
    }

    private static String field(String text, String name) {
      int at = text.indexOf("\"" + name + "\":\"") + name.length() + 4;
      return text.substring(at, text.indexOf('"', at));
    }

    private OutputStream open() throws IOException {
      return Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private void rotate() throws IOException {
      backupTime = backupTime.plusSeconds(1);
      Path backup = log.resolveSibling("kube-audit-" + BACKUP_TIME.format(backupTime) + ".log");
      Files.move(log, backup);
      rotations++;
      if (gzip) {
        Thread t = new Thread(() -> compress(backup), "gzip-" + backup.getFileName());
        t.start();
        compressions.add(t);
      }
    }

    private static void compress(Path file) {
      Path gz = file.resolveSibling(file.getFileName() + ".gz");
      try {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
          Files.copy(file, out);
        }
        Files.delete(file);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    void awaitCompression() throws InterruptedException {
      for (Thread t : compressions) {
        t.join();
      }
    }
  }
}
