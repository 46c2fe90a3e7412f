package io.kubetrail.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubetrail.collect.Endpoint;
import io.kubetrail.report.runs.ReportDefinition;
import io.kubetrail.report.runs.ReportDefinitions;
import io.kubetrail.report.runs.ReportRun;
import io.kubetrail.server.auth.UsersFile;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.EventQuery;
import io.kubetrail.store.FacetCount;
import io.kubetrail.store.FacetField;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.lucene.LuceneAuditStore;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Scheduled reports in the API (definitions, kept runs, run now), the CSV export and one object
 * compared at two times, with users of each role.
 */
class ReportRunsApiTest {
  static final String ADMIN = "admin-token";
  static final String AUDITOR = "auditor-token";
  static final String VIEWER = "viewer-token";
  static final String PERIOD = "start=2026-01-01T00:00:00Z&end=2026-01-01T00:10:00Z";

  @TempDir static Path dir;
  static KubetrailServer server;
  static URI api;
  static String viewerNamespace;
  static String allRun;
  static String ownRun;
  static String viewerObject;

  @BeforeAll
  static void start() throws Exception {
    Path data = dir.resolve("data");
    Fixture.store(data, 1500, "demo");
    try (AuditStore store =
        LuceneAuditStore.open(data, StoreOptions.builder().readOnly(true).build())) {
      for (FacetCount c : store.facet(EventQuery.all(), FacetField.NAMESPACE, 100)) {
        if (!c.value().isEmpty() && !c.value().equals("kube-system")) {
          viewerNamespace = c.value();
          break;
        }
      }
    }
    Path reports = dir.resolve("reports.yaml");
    Files.writeString(
        reports,
        definition("all-access", "network-access", "")
            + "---\n"
            + definition("own-inventory", "inventory", viewerNamespace)
            + "---\n"
            + definition("system-inventory", "inventory", "kube-system"));
    List<ReportDefinition> definitions = ReportDefinitions.load(reports);
    List<ReportRun> made =
        Fixture.keepRuns(data, definitions, Instant.parse("2026-01-01T00:30:00Z"));
    assertThat(made).hasSize(3);
    for (ReportRun r : made) {
      if (r.report().equals("all-access")) {
        allRun = r.id();
      } else if (r.report().equals("own-inventory")) {
        ownRun = r.id();
      }
    }
    Path users = dir.resolve("users.yaml");
    Files.writeString(users, Fixture.users(ADMIN, AUDITOR, VIEWER, viewerNamespace));
    ServerOptions o =
        ServerOptions.defaults(data)
            .withListen(new Endpoint("127.0.0.1", 0))
            .withReportDefinitions(definitions);
    server = KubetrailServer.start(o, UsersFile.load(users), Clock.systemUTC());
    api = server.url().resolve(KubetrailServer.BASE + "/");
    JsonNode pods =
        get("state?at=2026-01-01T00:20:00Z&namespace=" + viewerNamespace, ADMIN)
            .json()
            .path("objects")
            .path("pods");
    viewerObject = "pods/" + pods.get(0).asText();
  }

  private static String definition(String name, String type, String namespace) {
    return "apiVersion: projectcalico.org/v3\nkind: GlobalReport\nmetadata: {name: "
        + name
        + "}\nspec:\n  reportType: "
        + type
        + "\n  schedule: 0,30 * * * *\n"
        + (namespace.isEmpty() ? "" : "  endpoints: {namespaces: {names: [" + namespace + "]}}\n");
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static Fixture.Response get(String route, String token) throws Exception {
    return Fixture.get(api, route, token);
  }

  /** Every new read route with parameters that make it answer 200 for an admin. */
  static List<String> reads() {
    return List.of(
        "report-definitions",
        "report-definitions/all-access/run?" + PERIOD,
        "report-runs",
        "report-runs/" + allRun,
        "report-runs/" + allRun + "/download?format=csv",
        "state/diff?from=2026-01-01T00:10:00Z&to=2026-01-01T00:20:00Z&object=" + viewerObject,
        "events/export?format=csv");
  }

  @Test
  void everyNewReadNeedsATokenAndAdminsAndAuditorsMayReadIt() throws Exception {
    for (String route : reads()) {
      Fixture.Response none = get(route, null);
      assertThat(none.status()).as(route).isEqualTo(401);
      assertThat(none.json().path("message").asText()).contains("authentication required");
      assertThat(get(route, "wrong").status()).as(route).isEqualTo(401);
      assertThat(get(route, ADMIN).status()).as(route).isEqualTo(200);
      assertThat(get(route, AUDITOR).status()).as(route).isEqualTo(200);
    }
  }

  @Test
  void definitionsAndKeptRunsAreListed() throws Exception {
    JsonNode defs = get("report-definitions", VIEWER).json().path("definitions");
    assertThat(defs).hasSize(3);
    assertThat(defs.get(0).path("name").asText()).isEqualTo("all-access");
    assertThat(defs.get(0).path("reportType").asText()).isEqualTo("network-access");
    assertThat(defs.get(0).path("schedule").asText()).isEqualTo("0,30 * * * *");
    assertThat(defs.get(1).path("endpoints").path("namespaces").get(0).asText())
        .isEqualTo(viewerNamespace);
    JsonNode runs = get("report-runs", AUDITOR).json();
    assertThat(runs.path("runs")).hasSize(3);
    assertThat(runs.has("hidden")).isFalse();
    for (JsonNode r : runs.path("runs")) {
      assertThat(r.path("startTime").asText()).isEqualTo("2026-01-01T00:00:00Z");
      assertThat(r.path("endTime").asText()).isEqualTo("2026-01-01T00:30:00Z");
      assertThat(r.path("evidence").path("eventsReplayed").asLong()).isPositive();
    }
    assertThat(get("report-runs?report=all-access", ADMIN).json().path("runs")).hasSize(1);
    assertThat(get("report-runs?type=inventory", ADMIN).json().path("runs")).hasSize(2);
    assertThat(get("report-runs?limit=1", ADMIN).json().path("runs")).hasSize(1);
    assertThat(get("report-runs?from=2026-01-01T00:31:00Z", ADMIN).json().path("runs")).isEmpty();
    JsonNode one = get("report-runs/" + allRun, ADMIN).json();
    assertThat(one.path("report").asText()).isEqualTo("all-access");
    assertThat(get("report-runs/demo.nope-20260101T002000Z", ADMIN).status()).isEqualTo(404);
  }

  @Test
  void keptRunsDownloadInEveryFormat() throws Exception {
    String base = "report-runs/" + allRun + "/download?format=";
    Fixture.Response json = get(base + "json", ADMIN);
    assertThat(json.json().path("reportType").asText()).isEqualTo("network-access");
    assertThat(json.json().path("endpoints")).isNotEmpty();
    assertThat(json.raw().headers().firstValue("Content-Disposition").orElse(""))
        .contains(allRun + ".json");
    assertThat(get(base + "yaml", ADMIN).body()).contains("reportType:", "network-access");
    Fixture.Response html = get(base + "html", ADMIN);
    assertThat(html.raw().headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(html.body()).contains("<html");
    Fixture.Response csv = get(base + "csv", ADMIN);
    assertThat(csv.raw().body()[0]).isEqualTo((byte) 'P');
    assertThat(csv.raw().body()[1]).isEqualTo((byte) 'K');
    assertThat(csv.raw().headers().firstValue("Content-Disposition").orElse(""))
        .contains(allRun + ".csv.zip");
  }

  @Test
  void viewerSeesOnlyRunsWithinItsNamespacesAndRunsReportsForThem() throws Exception {
    // The run of every namespace is hidden; a run with rows of the viewer's namespace only, or
    // with no rows at all (kube-system has no pods), is shown.
    JsonNode runs = get("report-runs", VIEWER).json();
    List<String> shown = new ArrayList<>();
    runs.path("runs").forEach(r -> shown.add(r.path("id").asText()));
    assertThat(shown).contains(ownRun).doesNotContain(allRun);
    assertThat(runs.path("hidden").asInt()).isEqualTo(3 - shown.size());
    for (String id : shown) {
      JsonNode report = get("report-runs/" + id + "/download?format=json", VIEWER).json();
      for (JsonNode e : report.path("endpoints")) {
        assertThat(e.path("namespace").asText()).isEqualTo(viewerNamespace);
      }
    }
    assertThat(get("report-runs/" + ownRun, VIEWER).status()).isEqualTo(200);
    assertThat(
            get("report-runs/" + ownRun + "/download?format=json", VIEWER).json().path("endpoints"))
        .isNotEmpty();
    for (String route :
        List.of(
            "report-runs/" + allRun,
            "report-runs/" + allRun + "/download?format=csv",
            "report-runs/" + allRun + "/download?format=html",
            "report-definitions/system-inventory/run?" + PERIOD)) {
      Fixture.Response r = get(route, VIEWER);
      assertThat(r.status()).as(route).isEqualTo(403);
      assertThat(r.json().path("message").asText()).as(route).contains(viewerNamespace);
    }
    // Run now, the definition of every namespace covers only the viewer's.
    JsonNode now = get("report-definitions/all-access/run?" + PERIOD, VIEWER).json();
    assertThat(now.path("endpoints")).isNotEmpty();
    for (JsonNode e : now.path("endpoints")) {
      assertThat(e.path("namespace").asText()).isEqualTo(viewerNamespace);
    }
    JsonNode all = get("report-definitions/all-access/run?" + PERIOD, ADMIN).json();
    assertThat(all.path("endpoints").size()).isGreaterThan(now.path("endpoints").size());
    assertThat(get("report-definitions/nope/run", ADMIN).status()).isEqualTo(404);
  }

  @Test
  void runNowCoversTheCurrentPeriodSoFar() throws Exception {
    Instant before = Instant.now();
    JsonNode r = get("report-definitions/own-inventory/run", ADMIN).json();
    assertThat(r.path("reportType").asText()).isEqualTo("inventory");
    Instant start = Instant.parse(r.path("startTime").asText());
    Instant end = Instant.parse(r.path("endTime").asText());
    assertThat(end).isBetween(before.minusSeconds(1), Instant.now());
    assertThat(start).isBefore(end).isAfterOrEqualTo(end.minus(Duration.ofMinutes(30)));
    assertThat(start.getEpochSecond() % 1800).isZero();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "report-runs?limit=0",
        "report-runs?limit=many",
        "report-runs?type=weekly",
        "report-runs?from=yesterday",
        "report-runs?to=2026-13-01T00:00:00Z",
        "report-runs/demo.x/download?format=pdf",
        "report-definitions/all-access/run?format=pdf",
        "report-definitions/all-access/run?start=2026-01-01T00:10:00Z&end=2026-01-01T00:00:00Z",
        "report-definitions/all-access/run?start=soon",
        "report-definitions/all-access/run?cluster=nope",
        "state/diff",
        "state/diff?object=pods/a/b",
        "state/diff?object=pods/a/b&from=noon",
        "state/diff?object=pods/a/b&from=1h&diff=loud",
        "state/diff?object=pods&from=1h",
        "events/export?format=xml"
      })
  void badParametersAre400NamingTheParameter(String route) throws Exception {
    Fixture.Response r = get(route, ADMIN);
    assertThat(r.status()).as(route + ": " + r.body()).isEqualTo(400);
    assertThat(r.json().path("message").asText()).isNotEmpty();
    assertThat(r.json().has("parameter")).isTrue();
  }

  @Test
  void csvExportHasExactlyTheFilteredRows() throws Exception {
    String filter = "namespace=" + viewerNamespace + "&verb=create,update,patch,delete";
    String csv = get("events/export?format=csv&" + filter, VIEWER).body();
    String[] lines = csv.split("\r\n");
    assertThat(lines[0]).startsWith("time,cluster,auditID,stage,level,verb,");
    String jsonLines = get("events/export?format=json&" + filter, VIEWER).body();
    List<String> ids = new ArrayList<>();
    for (String l : jsonLines.split("\n")) {
      ids.add(Fixture.JSON.readTree(l).path("auditID").asText());
    }
    assertThat(lines).hasSize(ids.size() + 1);
    for (int i = 1; i < lines.length; i++) {
      String[] cells = lines[i].split(",", -1);
      assertThat(cells[2]).isEqualTo(ids.get(i - 1));
      assertThat(cells[5]).isIn("create", "update", "patch", "delete");
      assertThat(cells[9]).isEqualTo(viewerNamespace);
    }
    // The viewer's unfiltered CSV holds its namespace only.
    for (String l : get("events/export?format=csv", VIEWER).body().split("\r\n")) {
      if (!l.startsWith("time,")) {
        assertThat(l.split(",", -1)[9]).isEqualTo(viewerNamespace);
      }
    }
  }

  @Test
  void anObjectIsComparedAtTwoTimesAsItsHistoryComparesRevisions() throws Exception {
    String object = null;
    JsonNode revisions = null;
    for (JsonNode e :
        get("events?changesOnly=true&verb=update,patch&resource=deployments&limit=200", ADMIN)
            .json()
            .path("events")) {
      String key = e.path("objectKey").asText();
      JsonNode revs =
          get("history?object=" + URLEncoder.encode(key, StandardCharsets.UTF_8), ADMIN)
              .json()
              .path("revisions");
      int n = revs.size();
      if (n >= 2
          && revs.get(n - 1).path("changed").asBoolean()
          && !revs.get(n - 1).path("time").asText().equals(revs.get(n - 2).path("time").asText())) {
        object = key;
        revisions = revs;
        break;
      }
    }
    assertThat(object).as("an updated deployment").isNotNull();
    int n = revisions.size();
    String q = "state/diff?object=" + URLEncoder.encode(object, StandardCharsets.UTF_8);
    JsonNode d =
        get(
                q
                    + "&from="
                    + revisions.get(n - 2).path("time").asText()
                    + "&to="
                    + revisions.get(n - 1).path("time").asText(),
                ADMIN)
            .json();
    assertThat(d.path("from").path("exists").asBoolean()).isTrue();
    assertThat(d.path("to").path("exists").asBoolean()).isTrue();
    assertThat(hunks(d.path("diff").asText()))
        .isNotEmpty()
        .isEqualTo(hunks(revisions.get(n - 1).path("diff").asText()));
    String t = revisions.get(n - 1).path("time").asText();
    assertThat(get(q + "&from=" + t + "&to=" + t, ADMIN).json().path("diff").asText()).isEmpty();
    JsonNode born = get(q + "&from=2025-12-31T00:00:00Z&to=" + t, ADMIN).json();
    assertThat(born.path("from").path("exists").asBoolean()).isFalse();
    assertThat(born.path("diff").asText()).startsWith("--- /dev/null");
    assertThat(get("state/diff?from=1h&object=namespaces/kube-system", VIEWER).status())
        .isEqualTo(403);
  }

  /** A unified diff without its two header lines, which name the sides. */
  private static String hunks(String diff) {
    int at = diff.indexOf("\n@@");
    return at < 0 ? "" : diff.substring(at + 1);
  }

  @Test
  void readsOfKeptRunsAreInTheAccessLog() throws Exception {
    assertThat(get("report-runs?report=own-inventory", VIEWER).status()).isEqualTo(200);
    assertThat(get("report-runs/" + ownRun + "/download?format=yaml", VIEWER).status())
        .isEqualTo(200);
    List<String> queries = new ArrayList<>();
    for (int i = 0; i < 100 && queries.size() < 2; i++) {
      queries.clear();
      for (JsonNode e :
          get("access-log/events?user=val&full=true&limit=1000", ADMIN).json().path("events")) {
        String what = e.path("event").path("annotations").path("kubetrail.io/query").asText();
        if (what.equals("report runs") || what.equals("report run " + ownRun + " yaml")) {
          queries.add(what);
        }
      }
      Thread.sleep(50);
    }
    assertThat(queries).contains("report runs", "report run " + ownRun + " yaml");
  }
}
