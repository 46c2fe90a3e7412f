package io.kubetrail.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubetrail.collect.Endpoint;
import io.kubetrail.collect.IngestListener;
import io.kubetrail.collect.IngestOptions;
import io.kubetrail.collect.Ingester;
import io.kubetrail.report.runs.ReportDefinition;
import io.kubetrail.report.runs.ReportDefinitions;
import io.kubetrail.server.auth.TokenHash;
import io.kubetrail.server.auth.UsersFile;
import io.kubetrail.simulate.Simulation;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.lucene.LuceneAuditStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One server over a simulated store and one headless Chromium for every browser test: started by
 * the first test class that uses this extension, closed when the test run ends.
 */
final class UiSite implements BeforeAllCallback {
  static final String ADMIN = "ui-admin-token";
  static final String VIEWER = "ui-viewer-token";

  /** Simulated steps stored before the server starts; live mode adds more. */
  static final int STEPS = 1500;

  private static Path dir;
  static KubetrailServer server;
  static URI base;
  static UiBrowser browser;
  static String viewerNamespace;
  private static int liveSteps;
  private static List<ReportDefinition> definitions = List.of();

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    context
        .getRoot()
        .getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(
            UiSite.class.getName(),
            k -> {
              try {
                start();
              } catch (Exception e) {
                throw new IllegalStateException("the UI test site did not start: " + e, e);
              }
              return (ExtensionContext.Store.CloseableResource) UiSite::stop;
            });
  }

  private static void start() throws Exception {
    // Fails with a clear message when Chromium is missing, before any store is built.
    UiBrowser.requireChromium();
    dir = Files.createTempDirectory("kubetrail-ui");
    Fixture.store(dir.resolve("data"), STEPS, "demo");
    Path users = dir.resolve("users.yaml");
    Files.writeString(
        users, "users:\n  - {name: ada, role: admin, tokenHash: " + TokenHash.of(ADMIN) + "}\n");
    server = start(users);
    URI api = server.url().resolve(KubetrailServer.BASE + "/");
    JsonNode facets = Fixture.get(api, "facets?field=namespace&changesOnly=true", ADMIN).json();
    for (JsonNode n : facets.path("facets").path("namespace")) {
      String ns = n.path("value").asText();
      if (!ns.isEmpty() && !ns.equals("kube-system")) {
        viewerNamespace = ns;
        break;
      }
    }
    assertThat(viewerNamespace).as("a namespace for the viewer").isNotNull();
    server.close();
    Files.writeString(
        users,
        Files.readString(users)
            + "  - {name: val, role: viewer, namespaces: ["
            + viewerNamespace
            + "], tokenHash: "
            + TokenHash.of(VIEWER)
            + "}\n");
    definitions = keepRuns(dir.resolve("data"), viewerNamespace);
    server = start(users);
    base = server.url();
    browser = UiBrowser.open(base);
  }

  /**
   * Two scheduled reports, and a run of each kept as a collector keeps them: {@code all-access}
   * over every namespace, {@code own-inventory} over the viewer's.
   */
  private static List<ReportDefinition> keepRuns(Path data, String namespace) throws Exception {
    Path file = dir.resolve("reports.yaml");
    Files.writeString(
        file,
        "kind: GlobalReport\nmetadata: {name: all-access}\n"
            + "spec: {reportType: network-access, schedule: '0,30 * * * *'}\n---\n"
            + "kind: GlobalReport\nmetadata: {name: own-inventory}\n"
            + "spec: {reportType: inventory, schedule: '0,30 * * * *',"
            + " endpoints: {namespaces: {names: ["
            + namespace
            + "]}}}\n");
    List<ReportDefinition> defs = ReportDefinitions.load(file);
    Fixture.keepRuns(data, defs, Instant.parse("2026-01-01T00:30:00Z"));
    return defs;
  }

  private static KubetrailServer start(Path users) throws Exception {
    ServerOptions o =
        ServerOptions.defaults(dir.resolve("data"))
            .withListen(new Endpoint("127.0.0.1", 0))
            .withReportDefinitions(definitions);
    return KubetrailServer.start(o, UsersFile.load(users), Clock.systemUTC());
  }

  private static void stop() throws IOException {
    try {
      if (browser != null) {
        browser.close();
      }
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  /** Stores the next {@code steps} steps of the same simulation, as a collector would. */
  static synchronized void collectMore(int steps) throws IOException {
    Simulation sim = Simulation.builder().seed(11).build();
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < STEPS + liveSteps + steps; i++) {
      List<String> step = sim.step().lines();
      if (i >= STEPS + liveSteps) {
        lines.addAll(step);
      }
    }
    liveSteps += steps;
    byte[] log = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    try (AuditStore store = LuceneAuditStore.open(dir.resolve("data"), StoreOptions.defaults())) {
      new Ingester(store, IngestOptions.builder().cluster("demo").build())
          .ingest(new ByteArrayInputStream(log), "live", IngestListener.NONE);
    }
  }

  /** The browser at 1366x768, logged in as the admin. */
  static UiBrowser asAdmin() {
    browser.size(1366, 768);
    browser.login(ADMIN);
    return browser;
  }

  /** A GET of the API as the admin, for checking what the UI shows. */
  static JsonNode api(String pathAndQuery) throws Exception {
    return Fixture.get(server.url().resolve(KubetrailServer.BASE + "/"), pathAndQuery, ADMIN)
        .json();
  }
}
