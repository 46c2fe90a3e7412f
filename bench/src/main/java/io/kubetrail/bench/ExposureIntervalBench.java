package io.kubetrail.bench;

import io.kubetrail.event.AuditEvent;
import io.kubetrail.history.HistoryOptions;
import io.kubetrail.history.ReplayStats;
import io.kubetrail.history.StateHistory;
import io.kubetrail.history.netpol.EndpointScope;
import io.kubetrail.history.netpol.ExposureEvidence;
import io.kubetrail.history.netpol.ExposureReport;
import io.kubetrail.history.netpol.NetworkAccess;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.Batch;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.StoredEvent;
import io.kubetrail.store.lucene.LuceneAuditStore;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The network-access report over a month: {@code ExposureIntervalBench CHANGES PODS DIR} builds
 * (once; kept in DIR) a store of {@link ExposureWorkload}'s changes, brings the state checkpoints
 * up to date as ingest does, then times {@link NetworkAccess#overInterval} over the whole month and
 * over its last week, three times each. A fourth argument {@code --store-only} stops once the store
 * and its checkpoints are ready (for {@code bench/reports/run.sh}, which times the reports as
 * processes).
 */
public final class ExposureIntervalBench {
  private ExposureIntervalBench() {}

  public static void main(String[] args) throws Exception {
    long changes = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
    int pods = args.length > 1 ? Integer.parseInt(args[1]) : 5_000;
    Path dir = Path.of(args.length > 2 ? args[2] : "bench/target/exposure-" + changes + "-" + pods);
    Path done = dir.resolve("complete");
    if (!Files.exists(done)) {
      build(dir, changes, pods);
      Files.writeString(dir.resolve("complete"), "");
    }
    try (AuditStore store = LuceneAuditStore.open(dir, StoreOptions.defaults())) {
      StateHistory history = StateHistory.open(store, "cluster", HistoryOptions.defaults());
      long t0 = System.nanoTime();
      ReplayStats cp = history.updateCheckpoints();
      System.out.printf(
          "checkpoints brought up to date: %d changes replayed, %d written, %d ms%n",
          cp.changesRead(), cp.checkpointsWritten(), (System.nanoTime() - t0) / 1_000_000);
      if (args.length > 3 && args[3].equals("--store-only")) {
        return;
      }
      Instant start = ExposureWorkload.START;
      Instant end = ExposureWorkload.end();
      for (int i = 0; i < 3; i++) {
        time("whole month", history, start, end);
      }
      for (int i = 0; i < 3; i++) {
        time("last week", history, end.minus(Duration.ofDays(7)), end);
      }
    }
  }

  private static void time(String what, StateHistory history, Instant start, Instant end)
      throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long cpu0 = threads.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    ExposureReport r = NetworkAccess.overInterval(history, start, end, EndpointScope.everything());
    long ms = (System.nanoTime() - t0) / 1_000_000;
    long cpuMs = (threads.getCurrentThreadCpuTime() - cpu0) / 1_000_000;
    ExposureEvidence e = r.evidence();
    System.out.printf(
        "%s: %d ms (%d ms of CPU); %d endpoints, %d namespaces, %d services; from %s + %d changes to the"
            + " start, %d changes walked, %d pod evaluations%n",
        what,
        ms,
        cpuMs,
        r.endpoints().size(),
        r.namespaces().size(),
        r.services().size(),
        e.startedFrom(),
        e.changesToStart(),
        e.changesInInterval(),
        e.podEvaluations());
  }

  private static void build(Path dir, long changes, int pods) throws Exception {
    long t0 = System.nanoTime();
    long[] n = {0};
    try (AuditStore store = LuceneAuditStore.open(dir, StoreOptions.defaults())) {
      List<StoredEvent> batch = new ArrayList<>();
      Exception[] failure = {null};
      new ExposureWorkload(changes, pods)
          .generate(
              (AuditEvent e) -> {
                batch.add(
                    new StoredEvent(
                        "cluster", e.objectRef().orElseThrow().name(), e.stageTimestamp(), e));
                n[0]++;
                if (batch.size() == 8192) {
                  flush(store, batch, failure);
                }
              });
      flush(store, batch, failure);
      if (failure[0] != null) {
        throw failure[0];
      }
    }
    System.out.printf(
        "stored %d changes in %d s%n", n[0], (System.nanoTime() - t0) / 1_000_000_000);
  }

  private static void flush(AuditStore store, List<StoredEvent> batch, Exception[] failure) {
    if (batch.isEmpty() || failure[0] != null) {
      batch.clear();
      return;
    }
    try {
      store.append(Batch.of(batch));
    } catch (Exception e) {
      failure[0] = e;
    }
    batch.clear();
  }
}
