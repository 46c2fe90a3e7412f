package io.kubetrail.cli;

import io.kubetrail.collect.metrics.CollectorStatus;
import io.kubetrail.collect.metrics.StatusReport;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.StoreUnavailableException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code kubetrail status}: the store and the collector writing to it. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show the store, how far each source got, and its collector.",
      "The store: events, clusters, newest event, size on disk; each source's position; and,"
          + " when 'kubetrail collect' writes to it, each source's counts, lag and dead letters,"
          + " and its on-disk buffer of batches the store did not take yet.",
      "Works while a collector is running."
    })
final class StatusCommand implements Callable<Integer> {
  @Mixin StoreOptionsMixin store;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    Path statusFile = store.directory.resolve("collector").resolve(CollectorStatus.FILE);
    StatusReport report;
    List<String> notes;
    Optional<CollectorStatus> collector = CollectorStatus.read(statusFile);
    try (AuditStore s = store.openReadOnly()) {
      if (store.remote()) {
        // A collector on any machine keeps its status in the cluster; an older one, locally.
        Optional<CollectorStatus> shared = CollectorStatus.read(s.states());
        collector = shared.isPresent() ? shared : collector;
      }
      report = StatusReport.of(s, size(store.directory), collector, Instant.now());
      notes = s.notes();
    } catch (UsageException e) {
      Optional<StoreUnavailableException> unreachable =
          Main.cause(e, StoreUnavailableException.class);
      if (unreachable.isEmpty()) {
        throw e;
      }
      // What the collector last said still shows: its buffer holds what the store does not.
      out.println("store " + unreachable.get().getMessage());
      printCollector(out, collector, StatusReport.running(collector, Instant.now()));
      out.flush();
      return ExitCodes.UNAVAILABLE;
    }
    out.printf(
        Locale.ROOT,
        "store %s: %,d events, %s on disk, clusters: %s, newest event: %s%n",
        store.directory,
        report.events(),
        bytes(report.sizeBytes()),
        report.clusters().isEmpty() ? "none" : String.join(", ", report.clusters()),
        report.newestEvent().map(Instant::toString).orElse("none"));
    notes.forEach(n -> out.println("note: " + n));
    printCollector(out, report.collector(), report.collectorRunning());
    if (!report.positions().isEmpty()) {
      StoreTable positions = new StoreTable("POSITION OF", "REACHED");
      report.positions().forEach(positions::add);
      positions.print(out);
    }
    out.flush();
    return ExitCodes.OK;
  }

  private static void printCollector(
      PrintWriter out, Optional<CollectorStatus> collector, boolean running) {
    if (collector.isEmpty()) {
      out.println("collector: none has run on this store");
    } else {
      CollectorStatus c = collector.get();
      Duration age = Duration.between(Instant.parse(c.updated()), Instant.now());
      out.printf(
          Locale.ROOT,
          "collector: %s (pid %d, last report %d s ago), %s queued, %,d failed appends%s%n",
          running ? "running" : "not running",
          c.pid(),
          Math.max(0, age.toSeconds()),
          bytes(c.queuedBytes()),
          c.appendFailures(),
          c.lastError().isEmpty() ? "" : " (last: " + c.lastError() + ")");
      if (c.bufferBatches() == 0) {
        out.println("buffer: empty");
      } else {
        Duration waited = Duration.between(Instant.parse(c.bufferOldest()), Instant.now());
        out.printf(
            Locale.ROOT,
            "buffer: %,d batches, %s on disk, the oldest since %s (%d s): not in the store yet,"
                + " appended %s%n",
            c.bufferBatches(),
            bytes(c.bufferBytes()),
            c.bufferOldest(),
            Math.max(0, waited.toSeconds()),
            running ? "once it takes them" : "when the collector starts again");
      }
      if (!c.storeUnreachable().isEmpty()) {
        out.println("store: the collector cannot reach it: " + c.storeUnreachable());
      }
      StoreTable table =
          new StoreTable("SOURCE", "READ", "STORED", "MALFORMED", "DEAD-LETTERED", "NEWEST", "LAG");
      for (CollectorStatus.Source src : c.sources()) {
        table.add(
            src.name(),
            String.format(Locale.ROOT, "%,d", src.read()),
            String.format(Locale.ROOT, "%,d", src.stored()),
            String.format(Locale.ROOT, "%,d", src.malformed()),
            String.format(Locale.ROOT, "%,d", src.deadLettered()),
            src.newestEvent().isEmpty() ? "-" : src.newestEvent(),
            String.format(Locale.ROOT, "%.1f s", src.lagSeconds()));
      }
      table.print(out);
    }
  }

  private static long size(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0; // a cluster's store read from a machine that keeps no local state of it
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .mapToLong(
              f -> {
                try {
                  return Files.size(f);
                } catch (IOException e) {
                  return 0; // removed meanwhile (a merge)
                }
              })
          .sum();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private static String bytes(long n) {
    if (n < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
    }
    if (n < 1024L * 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
    }
    return String.format(Locale.ROOT, "%.2f GiB", n / (1024.0 * 1024 * 1024));
  }
}
