package io.kubetrail.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubetrail.collect.IngestListener;
import io.kubetrail.collect.IngestOptions;
import io.kubetrail.collect.Ingester;
import io.kubetrail.history.HistoryOptions;
import io.kubetrail.report.ReportSource;
import io.kubetrail.report.runs.EmbeddedReportRuns;
import io.kubetrail.report.runs.ReportDefinition;
import io.kubetrail.report.runs.ReportRun;
import io.kubetrail.report.runs.ReportScheduler;
import io.kubetrail.server.auth.TokenHash;
import io.kubetrail.simulate.Simulation;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.lucene.LuceneAuditStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A store of simulated events and HTTP calls to a server over it. */
final class Fixture {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();

  private Fixture() {}

  /** Simulates {@code steps} steps of a cluster and stores them under each cluster name. */
  static void store(Path dir, int steps, String... clusters) throws IOException {
    Simulation sim = Simulation.builder().seed(11).build();
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < steps; i++) {
      lines.addAll(sim.step().lines());
    }
    byte[] log = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    Files.createDirectories(dir);
    try (AuditStore store = LuceneAuditStore.open(dir, StoreOptions.defaults())) {
      for (String cluster : clusters) {
        new Ingester(store, IngestOptions.builder().cluster(cluster).build())
            .ingest(new ByteArrayInputStream(log), "sim", IngestListener.NONE);
      }
    }
  }

  /** A users file with an admin, an auditor and a viewer of one namespace, by their tokens. */
  static String users(String admin, String auditor, String viewer, String namespace) {
    return "users:\n"
        + "  - {name: ada, role: admin, tokenHash: "
        + TokenHash.of(admin)
        + "}\n"
        + "  - {name: aud, role: auditor, tokenHash: "
        + TokenHash.of(auditor)
        + "}\n"
        + "  - {name: val, role: viewer, namespaces: ["
        + namespace
        + "], tokenHash: "
        + TokenHash.of(viewer)
        + "}\n";
  }

  /**
   * Makes the scheduled reports' periods complete at {@code complete} and keeps their runs in the
   * store, as a collector does.
   */
  static List<ReportRun> keepRuns(Path data, List<ReportDefinition> definitions, Instant complete)
      throws IOException {
    try (AuditStore store =
        LuceneAuditStore.open(data, StoreOptions.builder().readOnly(true).build())) {
      return new ReportScheduler(
              new ReportSource(store, "demo", HistoryOptions.defaults()),
              definitions,
              EmbeddedReportRuns.in(data),
              Optional.empty(),
              Clock.systemUTC())
          .runDue(complete, note -> {});
    }
  }

  record Response(int status, JsonNode json, String body, HttpResponse<byte[]> raw) {}

  static Response get(URI base, String pathAndQuery, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(pathAndQuery)).GET();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return send(b.build());
  }

  static Response post(URI base, String path, String token, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path)).POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return send(b.build());
  }

  static Response send(HttpRequest request) throws Exception {
    HttpResponse<byte[]> r = HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
    String body = new String(r.body(), StandardCharsets.UTF_8);
    JsonNode json = null;
    if (r.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) {
      json = JSON.readTree(r.body());
    }
    return new Response(r.statusCode(), json, body, r);
  }
}
