package io.kubetrail.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.collect.config.CollectorConfig;
import io.kubetrail.collect.metrics.CollectorStatus;
import io.kubetrail.simulate.Simulation;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.AuditStores;
import io.kubetrail.store.StoreOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A collector's run as a front end drives it: open, run on a thread of its own, stop, close. */
class CollectorRunTest {
  @TempDir Path dir;

  private final List<String> log = new CopyOnWriteArrayList<>();

  /** A store location is the directory itself, as {@code --store DIR} has it. */
  private static final CollectorRun.Stores DIRECTORIES =
      new CollectorRun.Stores() {
        @Override
        public Path directory(String location) {
          return Path.of(location);
        }

        @Override
        public AuditStore openForWriting(String location) throws IOException {
          return AuditStores.open(location, StoreOptions.defaults());
        }
      };

  @Test
  void collectsIntoTheStoreUntilStoppedAndWritesItsLastStatus() throws Exception {
    List<String> lines = new ArrayList<>();
    Simulation sim = Simulation.builder().seed(3).build();
    for (int i = 0; i < 200; i++) {
      lines.addAll(sim.step().lines());
    }
    Files.write(dir.resolve("kube-audit.log"), lines, StandardCharsets.UTF_8);
    Path data = dir.resolve("data");
    CollectorConfig cfg =
        config(
            "store: "
                + data
                + "\ncluster: test\nsources:\n  - file: {path: kube-audit.log, pollMillis: 50}\n");
    Path statusFile = data.resolve("collector").resolve(CollectorStatus.FILE);

    CollectorRun.Summary summary;
    try (CollectorRun run =
        CollectorRun.open(
            new CollectorRun.Setup(cfg, Optional.empty(), List.of()), DIRECTORIES, log::add)) {
      assertThat(run.storeLocation()).contains(data.toString());
      CompletableFuture<CollectorRun.Summary> running = runOnAThread(run);
      await("every event is stored", () -> stored(statusFile) == lines.size());
      assertThat(CollectorStatus.read(statusFile).orElseThrow().stopped()).isFalse();
      run.stop();
      summary = running.get(60, TimeUnit.SECONDS);
    }
    assertThat(summary.stored()).isEqualTo(lines.size());
    assertThat(summary.duplicates()).isZero();
    assertThat(CollectorStatus.read(statusFile).orElseThrow().stopped()).isTrue();
    assertThat(log)
        .contains("1 source into store " + data + " for cluster test; stop with SIGTERM or Ctrl-C");
    try (AuditStore store = AuditStores.open(data.toString(), StoreOptions.defaults())) {
      assertThat(store.checkpoints()).isNotEmpty();
    }
  }

  @Test
  void aCollectorThatForwardsHasNoStoreAndWritesItsStatusBesideItsPositions() throws Exception {
    Files.createFile(dir.resolve("kube-audit.log"));
    CollectorConfig cfg =
        config(
            "cluster: test\nforward: {url: 'https://127.0.0.1:9/', positions: fwd/positions.json}\n"
                + "sources:\n  - file: {path: kube-audit.log, pollMillis: 50}\n");
    try (CollectorRun run =
        CollectorRun.open(
            new CollectorRun.Setup(cfg, Optional.empty(), List.of()), DIRECTORIES, log::add)) {
      assertThat(run.storeLocation()).isEmpty();
      CompletableFuture<CollectorRun.Summary> running = runOnAThread(run);
      Path statusFile = dir.resolve("fwd").resolve(CollectorStatus.FILE);
      await("the status is written", () -> Files.exists(statusFile));
      run.stop();
      assertThat(running.get(60, TimeUnit.SECONDS).stored()).isZero();
    }
    assertThat(log).anyMatch(l -> l.startsWith("1 source into forward to https://127.0.0.1:9/"));
  }

  private CollectorConfig config(String yaml) throws Exception {
    return CollectorConfig.load(Files.writeString(dir.resolve("collect.yaml"), yaml));
  }

  private static CompletableFuture<CollectorRun.Summary> runOnAThread(CollectorRun run) {
    CompletableFuture<CollectorRun.Summary> done = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try {
                done.complete(run.run());
              } catch (Exception | Error e) {
                done.completeExceptionally(e);
              }
            },
            "collector-run");
    t.setDaemon(true);
    t.start();
    return done;
  }

  private static long stored(Path statusFile) {
    try {
      return CollectorStatus.read(statusFile).stream()
          .flatMap(s -> s.sources().stream())
          .mapToLong(CollectorStatus.Source::stored)
          .sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what + "; the collector said " + log);
      }
      Thread.sleep(100);
    }
  }
}
