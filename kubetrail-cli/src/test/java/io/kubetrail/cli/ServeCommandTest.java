package io.kubetrail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubetrail.server.auth.TokenHash;
import io.kubetrail.simulate.Simulation;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kubetrail serve --config} as a process: collects, serves what it stored, stops. */
class ServeCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void collectsAndServesInOneProcess() throws Exception {
    Path log = dir.resolve("kube-audit.log");
    Simulation sim = Simulation.builder().seed(3).build();
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      lines.addAll(sim.step().lines());
    }
    Files.write(log, lines, StandardCharsets.UTF_8);
    Path config =
        Files.writeString(
            dir.resolve("collect.yaml"),
            "store: data\ncluster: one\nreports: reports.yaml\n"
                + "sources:\n  - file: {path: kube-audit.log, pollMillis: 50}\n");
    Files.writeString(
        dir.resolve("reports.yaml"),
        "kind: GlobalReport\nmetadata: {name: daily}\n"
            + "spec: {reportType: inventory, schedule: '@daily', suspend: true}\n");
    Path users =
        Files.writeString(
            dir.resolve("users.yaml"),
            "users:\n  - {name: ada, role: auditor, tokenHash: " + TokenHash.of("t") + "}\n");
    Process serve =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "serve",
                "--config",
                config.toString(),
                "--listen",
                "127.0.0.1:0",
                "--auth",
                users.toString())
            .redirectOutput(dir.resolve("out.txt").toFile())
            .redirectError(dir.resolve("err.txt").toFile())
            .start();
    try {
      await(serve, "the URL is printed", () -> read("out.txt").contains("open http://"));
      String out = read("out.txt");
      URI url = URI.create(out.substring(out.indexOf("http://")).trim().split("\\s")[0]);
      HttpClient http = HttpClient.newHttpClient();
      await(serve, "events are served", () -> total(http, url) > 0);
      long before = total(http, url);
      List<String> more = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        more.addAll(sim.step().lines());
      }
      Files.write(log, more, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
      await(serve, "new events are served", () -> total(http, url) > before);
      // The configuration's scheduled reports are listed.
      assertThat(
              JSON.readTree(get(http, url, "/api/v1/report-definitions"))
                  .path("definitions")
                  .get(0)
                  .path("name")
                  .asText())
          .isEqualTo("daily");
      serve.destroy(); // SIGTERM
      assertThat(serve.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(serve.exitValue()).as(read("err.txt")).isZero();
    } finally {
      serve.destroyForcibly();
    }
    assertThat(read("err.txt")).contains("access log in");
    assertThat(read("out.txt")).contains("stopped:");
  }

  private static byte[] get(HttpClient http, URI url, String path)
      throws IOException, InterruptedException {
    HttpResponse<byte[]> r =
        http.send(
            HttpRequest.newBuilder(url.resolve(path)).header("Authorization", "Bearer t").build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new IOException(path + ": " + r.statusCode());
    }
    return r.body();
  }

  private long total(HttpClient http, URI url) {
    try {
      return JSON.readTree(get(http, url, "/api/v1/facets?field=verb")).path("total").asLong();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private String read(String file) {
    try {
      return Files.exists(dir.resolve(file)) ? Files.readString(dir.resolve(file)) : "";
    } catch (IOException e) {
      return "";
    }
  }

  private void await(Process p, String what, BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline || !p.isAlive()) {
        throw new AssertionError(
            "timed out waiting until "
                + what
                + "; serve said:\n"
                + read("err.txt")
                + read("out.txt"));
      }
      Thread.sleep(100);
    }
  }
}
