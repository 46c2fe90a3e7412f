package io.kubetrail.bench;

import io.kubetrail.cloud.EksCloudwatchSource;
import io.kubetrail.cloud.FakeCloudwatchLogs;
import io.kubetrail.collect.DeadLetters;
import io.kubetrail.collect.IngestOptions;
import io.kubetrail.collect.Pipeline;
import io.kubetrail.collect.PipelineListener;
import io.kubetrail.collect.Sink;
import io.kubetrail.collect.config.CollectorConfig;
import io.kubetrail.store.AppendResult;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.StoredEvent;
import io.kubetrail.store.lucene.LuceneAuditStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The EKS CloudWatch source against the fake CloudWatch Logs server on loopback, into a fresh
 * Lucene store: first the drain of a backlog spread over many streams (events per second from the
 * source's start to the last event committed), then the lag once caught up: events published at a
 * steady rate, each timed from its publication to the commit that makes it searchable.
 *
 * <p>Arguments: JSON Lines audit log, streams, fetch interval in ms, lag phase events per second,
 * lag phase seconds, work directory.
 */
public final class CloudwatchDrain {
  private static final Pattern AUDIT_ID = Pattern.compile("\"auditID\":\"[^\"]*\"");
  private static final long BASE_MILLIS = 1_780_000_000_000L;

  private CloudwatchDrain() {}

  public static void main(String[] args) throws Exception {
    Path log = Path.of(args[0]);
    int streams = Integer.parseInt(args[1]);
    long intervalMillis = Long.parseLong(args[2]);
    int rate = Integer.parseInt(args[3]);
    int lagSeconds = Integer.parseInt(args[4]);
    Path work = Path.of(args[5]);
    List<String> events = Files.readAllLines(log, StandardCharsets.UTF_8);
    long bytes = events.stream().mapToLong(String::length).sum();
    String group = "/aws/eks/bench/cluster";
    String prefix = "kube-apiserver-audit-";
    Path secret =
        Files.writeString(work.resolve("secret.yaml"), "data: {aws-id: YQ==, aws-key: Yg==}\n");
    Path storeDir = work.resolve("store-" + System.nanoTime());
    try (FakeCloudwatchLogs fake = FakeCloudwatchLogs.start(group, 42)) {
      // The backlog: round-robin over the streams, each stream in time order.
      List<List<String>> perStream = new ArrayList<>();
      for (int s = 0; s < streams; s++) {
        perStream.add(new ArrayList<>());
      }
      for (int i = 0; i < events.size(); i++) {
        perStream.get(i % streams).add(events.get(i));
      }
      for (int s = 0; s < streams; s++) {
        List<String> mine = perStream.get(s);
        for (int i = 0; i < mine.size(); i++) {
          fake.put(prefix + s, BASE_MILLIS + i, List.of(mine.get(i)));
        }
      }
      AtomicLong committed = new AtomicLong();
      long[] published = new long[rate * lagSeconds];
      long[] lags = new long[published.length];
      AtomicLong lagged = new AtomicLong();
      PipelineListener listener =
          new PipelineListener() {
            @Override
            public void committed(
                List<StoredEvent> batch,
                AppendResult result,
                List<SourceCommit> sources,
                long appendNanos) {
              long now = System.nanoTime();
              for (StoredEvent e : batch) {
                String id = e.event().auditID();
                if (id.startsWith("lag-")) {
                  int n = Integer.parseInt(id.substring(4));
                  lags[(int) lagged.getAndIncrement()] = now - published[n];
                }
              }
              committed.addAndGet(batch.size());
            }
          };
      CollectorConfig.EksCloudwatchLog config =
          new CollectorConfig.EksCloudwatchLog(
              "us-west-2", group, prefix, 1, Optional.of(secret), Optional.of(fake.endpoint()));
      EksCloudwatchSource source =
          EksCloudwatchSource.of(
              config,
              EksCloudwatchSource.Options.of(config)
                  .withFetchInterval(Duration.ofMillis(intervalMillis)));
      try (AuditStore store = LuceneAuditStore.open(storeDir, StoreOptions.defaults())) {
        Pipeline pipeline =
            new Pipeline(
                Sink.of(store),
                IngestOptions.builder().cluster("bench").build(),
                listener,
                DeadLetters.NONE);
        long start = System.nanoTime();
        long callsBefore = fake.calls();
        Thread reading =
            new Thread(
                () -> {
                  try {
                    pipeline.run(source);
                  } catch (Exception e) {
                    e.printStackTrace();
                  }
                });
        reading.start();
        while (committed.get() < events.size()) {
          Thread.sleep(1);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
            Locale.ROOT,
            "drain: %,d events (%,d bytes) in %d streams: %.2f s, %,.0f events/s, %.1f MB/s,"
                + " %,d CloudWatch calls%n",
            events.size(),
            bytes,
            streams,
            seconds,
            events.size() / seconds,
            bytes / seconds / 1e6,
            fake.calls() - callsBefore);

        // Caught up: publish at a steady rate, round-robin over the streams.
        long lagStart = System.nanoTime();
        for (int n = 0; n < published.length; n++) {
          long due = lagStart + (long) n * 1_000_000_000L / rate;
          while (System.nanoTime() < due) {
            Thread.sleep(0, 200_000);
          }
          Matcher m = AUDIT_ID.matcher(events.get(n % events.size()));
          String message = m.replaceFirst("\"auditID\":\"lag-" + n + "\"");
          published[n] = System.nanoTime();
          fake.put(prefix + (n % streams), BASE_MILLIS + events.size() + n, List.of(message));
        }
        while (lagged.get() < published.length) {
          Thread.sleep(5);
        }
        pipeline.stop();
        reading.join();
        pipeline.close();
        long[] sorted = Arrays.copyOf(lags, (int) lagged.get());
        Arrays.sort(sorted);
        System.out.printf(
            Locale.ROOT,
            "lag once caught up (%d events/s for %d s, fetch interval %d ms, publication to"
                + " searchable): median %.0f ms, p99 %.0f ms, max %.0f ms%n",
            rate,
            lagSeconds,
            intervalMillis,
            sorted[sorted.length / 2] / 1e6,
            sorted[(int) (sorted.length * 0.99)] / 1e6,
            sorted[sorted.length - 1] / 1e6);
      }
    }
  }
}
