package io.kubetrail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.collect.metrics.CollectorStatus;
import io.kubetrail.simulate.Simulation;
import io.kubetrail.simulate.Step;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kubetrail collect} as a process: configured, followed, stopped by SIGTERM. */
class CollectCommandTest {
  @TempDir Path dir;

  private static List<String> lines(long seed, int steps) {
    Simulation sim = Simulation.builder().seed(seed).build();
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < steps; i++) {
      Step step = sim.step();
      lines.addAll(step.lines());
    }
    return lines;
  }

  private static void append(Path file, List<String> lines) throws IOException {
    Files.write(
        file, lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private void await(Process collector, String what, BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline || !collector.isAlive()) {
        throw new AssertionError(
            "timed out waiting until "
                + what
                + "; the collector said:\n"
                + Files.readString(dir.resolve("err.txt")));
      }
      Thread.sleep(100);
    }
  }

  /** {@code kubetrail collect} in a process of its own, its output in out.txt and err.txt. */
  private Process collect(Path config) throws IOException {
    return collect(config, Map.of());
  }

  private Process collect(Path config, Map<String, String> env) throws IOException {
    return kubetrail(env, "collect", "--config", config.toString())
        .redirectOutput(dir.resolve("out.txt").toFile())
        .redirectError(dir.resolve("err.txt").toFile())
        .start();
  }

  /** A kubetrail command to run in a process of its own, with more environment. */
  private static ProcessBuilder kubetrail(Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder b = new ProcessBuilder(command);
    b.environment().putAll(env);
    return b;
  }

  @Test
  void startsWhileItsClusterCannotBeReachedAndKeepsWhatItReadsInItsBuffer() throws Exception {
    Path log = dir.resolve("kube-audit.log");
    append(log, lines(5, 200));
    int metricsPort = freePort();
    String url = "http://127.0.0.1:" + freePort();
    Map<String, String> env = Map.of("KUBETRAIL_STATE_DIR", dir.resolve("state").toString());
    Path config =
        Files.writeString(
            dir.resolve("collect.yaml"),
            "store: "
                + url
                + "\ncluster: test\nmetrics: 127.0.0.1:"
                + metricsPort
                + "\nsources:\n  - file: {path: kube-audit.log, pollMillis: 50}\n");
    Process collect = collect(config, env);
    try {
      HttpClient http = HttpClient.newHttpClient();
      await(
          collect,
          "batches are buffered",
          () -> metric(http, metricsPort, "kubetrail_buffer_batches") > 0);
      assertThat(metric(http, metricsPort, "kubetrail_store_reachable")).isZero();
      assertThat(metric(http, metricsPort, "kubetrail_source_stored_total")).isZero();
      assertThat(Files.readString(dir.resolve("err.txt")))
          .contains("warning: " + url + ": cannot reach the cluster: connection refused");
      // The status is written every few seconds: wait for one that shows the buffer.
      Path statusFile = dir.resolve("state/collector").resolve(CollectorStatus.FILE);
      await(collect, "the status shows the buffer", () -> showsBufferedBatches(statusFile));

      Process status = kubetrail(env, "status", "--store", url).redirectErrorStream(true).start();
      String said = new String(status.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(status.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(status.exitValue()).as(said).isEqualTo(ExitCodes.UNAVAILABLE);
      assertThat(said)
          .startsWith("store " + url + ": cannot reach the cluster")
          .contains("collector: running")
          .contains("not in the store yet, appended once it takes them")
          .contains("store: the collector cannot reach it: " + url);

      collect.destroy(); // SIGTERM: the buffer stays for the next start
      assertThat(collect.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(collect.exitValue()).as(Files.readString(dir.resolve("err.txt"))).isZero();
    } finally {
      collect.destroyForcibly();
    }
    assertThat(dir.resolve("state/collector/buffer")).isDirectoryContaining("glob:**.spool");
  }

  private static boolean showsBufferedBatches(Path statusFile) {
    try {
      return CollectorStatus.read(statusFile).map(st -> st.bufferBatches() > 0).orElse(false);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static int freePort() throws IOException {
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void followsTheLogServesMetricsAndStopsCleanlyOnSigterm() throws Exception {
    Path log = dir.resolve("logs/kube-audit.log");
    Files.createDirectories(log.getParent());
    List<String> events = lines(5, 400);
    append(log, events.subList(0, events.size() / 2));
    int port = freePort();
    Path config =
        Files.writeString(
            dir.resolve("collect.yaml"),
            "store: data\n"
                + "cluster: test\n"
                + "metrics: 127.0.0.1:"
                + port
                + "\n"
                + "deadLetter: dead.jsonl\n"
                + "sources:\n"
                + "  - file: {path: logs/kube-audit.log, pollMillis: 50}\n");
    Process collect = collect(config);
    try {
      HttpClient http = HttpClient.newHttpClient();
      await(
          collect,
          "the first half is stored",
          () -> metric(http, port, "kubetrail_source_stored_total") >= events.size() / 2);
      append(log, events.subList(events.size() / 2, events.size()));
      append(log, List.of("{not an event"));
      await(
          collect,
          "everything is stored",
          () -> metric(http, port, "kubetrail_source_stored_total") >= events.size());
      assertThat(metric(http, port, "kubetrail_source_dead_lettered_total")).isEqualTo(1);
      assertThat(metric(http, port, "kubetrail_buffer_batches")).isZero();
      assertThat(metric(http, port, "kubetrail_buffer_bytes")).isZero();
      assertThat(dir.resolve("data/collector/buffer")).isDirectory();

      // Every read command works while the collector writes.
      String store = dir.resolve("data").toString();
      assertThat(CliRunner.run("verify", "--store", store).exitCode()).isZero();
      CliRunner.Result count = CliRunner.run("search", "--store", store, "--limit", "5");
      assertThat(count.exitCode()).as(count.toString()).isZero();
      CliRunner.Result state =
          CliRunner.run(
              "state", "--store", store, "--cluster", "test", "--at", "2027-01-01T00:00:00Z");
      assertThat(state.exitCode()).as(state.toString()).isZero();
      CliRunner.Result running = CliRunner.run("status", "--store", store);
      assertThat(running.stdout()).contains("collector: running").contains("buffer: empty");

      collect.destroy(); // SIGTERM
      assertThat(collect.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(collect.exitValue()).as(Files.readString(dir.resolve("err.txt"))).isZero();
    } finally {
      collect.destroyForcibly();
    }
    assertThat(Files.readString(dir.resolve("out.txt")))
        .contains(
            "stopped: "
                + String.format(java.util.Locale.ROOT, "%,d", events.size())
                + " events stored");
    assertThat(Files.readString(dir.resolve("dead.jsonl")))
        .contains("\"position\":\"" + log + ":" + (events.size() + 1) + "\"");

    CliRunner.Result status = CliRunner.run("status", "--store", dir.resolve("data").toString());
    assertThat(status.exitCode()).as(status.toString()).isZero();
    assertThat(status.stdout())
        .contains(String.format(java.util.Locale.ROOT, "%,d events", events.size()))
        .contains("collector: not running")
        .contains("file:" + log);
    CliRunner.Result search =
        CliRunner.run(
            "search", "--store", dir.resolve("data").toString(), "--limit", "1", "-o", "json");
    assertThat(search.stdout()).contains("\"cluster\":\"test\"");
  }

  @Test
  void statusShowsWhatTheCollectorHoldsInItsBuffer() throws Exception {
    Path log = dir.resolve("kube-audit.log");
    append(log, lines(5, 50));
    String store = dir.resolve("data").toString();
    assertThat(CliRunner.run("ingest", "--store", store, log.toString()).exitCode()).isZero();
    java.time.Instant now = java.time.Instant.now();
    new CollectorStatus(
            now.toString(),
            ProcessHandle.current().pid(),
            List.of(),
            0,
            3L << 20,
            7,
            now.minusSeconds(90).toString(),
            12,
            "http://127.0.0.1:9200: unreachable",
            false,
            "")
        .write(dir.resolve("data/collector").resolve(CollectorStatus.FILE));

    CliRunner.Result status = CliRunner.run("status", "--store", store);
    assertThat(status.exitCode()).as(status.toString()).isZero();
    assertThat(status.stdout())
        .contains("collector: running")
        .contains("buffer: 7 batches, 3.0 MiB on disk, the oldest since " + now.minusSeconds(90))
        .contains("not in the store yet, appended once it takes them");
  }

  @Test
  void makesScheduledReportsOnceTheirPeriodHasArrivedAndReadsThemBack() throws Exception {
    Path log = dir.resolve("kube-audit.log");
    append(log, lines(5, 400));
    Files.writeString(
        dir.resolve("reports.yaml"),
        "apiVersion: projectcalico.org/v3\n"
            + "kind: GlobalReport\n"
            + "metadata: {name: hourly}\n"
            + "spec: {reportType: changes, schedule: '@hourly'}\n");
    Path config =
        Files.writeString(
            dir.resolve("collect.yaml"),
            "store: data\ncluster: test\nreports: reports.yaml\n"
                + "sources:\n  - file: {path: kube-audit.log, pollMillis: 50}\n");
    Process collect = collect(config);
    String store = dir.resolve("data").toString();
    // The simulated log starts at 2026-01-01T00:00Z: the hour before it is the latest complete.
    String id = "test.hourly-20260101T000000Z";
    try {
      await(
          collect,
          "the report is made",
          () -> CliRunner.run("report", "list", "--store", store).stdout().contains(id));
      collect.destroy();
      assertThat(collect.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      collect.destroyForcibly();
    }
    assertThat(Files.readString(dir.resolve("err.txt"))).contains("report " + id + " made");
    CliRunner.Result list = CliRunner.run("report", "list", "--store", store, "-o", "json");
    assertThat(list.exitCode()).as(list.toString()).isZero();
    assertThat(list.stdout().strip()).startsWith("[").endsWith("]").contains("\"" + id + "\"");
    CliRunner.Result show = CliRunner.run("report", "show", "--store", store, id);
    assertThat(show.exitCode()).as(show.toString()).isZero();
    assertThat(show.stdout())
        .contains("\"reportType\" : \"changes\"")
        .contains("\"startTime\" : \"2025-12-31T23:00:00Z\"");
    CliRunner.Result download =
        CliRunner.run(
            "report",
            "download",
            "--store",
            store,
            id,
            "--format",
            "html",
            "--out",
            dir.toString());
    assertThat(download.exitCode()).as(download.toString()).isZero();
    assertThat(Files.readString(dir.resolve(id + ".html"))).contains("<!DOCTYPE html>");
    CliRunner.Result missing = CliRunner.run("report", "show", "--store", store, "nothing");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.stderr()).contains("no report run nothing");
  }

  /** The sum of a metric's samples, or -1 while the collector does not answer. */
  private static double metric(HttpClient http, int port, String name) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      double sum = 0;
      for (String line : r.body().split("\n")) {
        if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      return sum;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
