package io.kubetrail.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubetrail.collect.Endpoint;
import io.kubetrail.server.auth.UsersFile;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The read API over a simulated store, with users of each role. */
class ApiTest {
  static final String ADMIN = "admin-token";
  static final String AUDITOR = "auditor-token";
  static final String VIEWER = "viewer-token";

  /** Every read route with parameters that make it answer 200 for an admin. */
  static List<String> reads() {
    return List.of(
        "events",
        "events/export",
        "histogram",
        "facets",
        "history?object=" + viewerObject,
        "state?at=2026-01-01T00:20:00Z",
        "state/object?at=2026-01-01T00:20:00Z&object=" + viewerObject,
        "changes?start=2026-01-01T00:00:00Z&end=2026-01-01T00:10:00Z",
        "reports/inventory?start=2026-01-01T00:00:00Z&end=2026-01-01T00:10:00Z",
        "reports",
        "clusters",
        "whoami",
        "requests/demo/" + viewerRequest);
  }

  @TempDir static Path dir;
  static KubetrailServer server;
  static URI api;
  static String viewerNamespace;

  /** An object of the viewer's namespace that exists at 00:20, as RESOURCE/NAMESPACE/NAME. */
  static String viewerObject;

  /** The audit ID of a request in the viewer's namespace. */
  static String viewerRequest;

  /** The audit ID of a request in kube-system. */
  static String systemRequest;

  @BeforeAll
  static void start() throws Exception {
    Fixture.store(dir.resolve("data"), 1500, "demo");
    Path users = dir.resolve("users.yaml");
    Files.writeString(users, Fixture.users(ADMIN, AUDITOR, VIEWER, "NS"));
    // The viewer's namespace: the busiest one of the simulation.
    server = start(UsersFile.load(users));
    api = server.url().resolve(KubetrailServer.BASE + "/");
    JsonNode facets = Fixture.get(api, "facets?field=namespace", ADMIN).json();
    for (JsonNode n : facets.path("facets").path("namespace")) {
      if (!n.path("value").asText().isEmpty() && !n.path("value").asText().equals("kube-system")) {
        viewerNamespace = n.path("value").asText();
        break;
      }
    }
    server.close();
    Files.writeString(users, Files.readString(users).replace("[NS]", "[" + viewerNamespace + "]"));
    server = start(UsersFile.load(users));
    api = server.url().resolve(KubetrailServer.BASE + "/");
    JsonNode pods =
        Fixture.get(api, "state?at=2026-01-01T00:20:00Z&namespace=" + viewerNamespace, ADMIN)
            .json()
            .path("objects")
            .path("pods");
    viewerObject = "pods/" + pods.get(0).asText();
    viewerRequest =
        Fixture.get(api, "events?limit=1&namespace=" + viewerNamespace, ADMIN)
            .json()
            .path("events")
            .get(0)
            .path("auditID")
            .asText();
    systemRequest =
        Fixture.get(api, "events?limit=1&namespace=kube-system", ADMIN)
            .json()
            .path("events")
            .get(0)
            .path("auditID")
            .asText();
  }

  static KubetrailServer start(io.kubetrail.server.auth.Authenticator auth) throws Exception {
    ServerOptions o =
        ServerOptions.defaults(dir.resolve("data")).withListen(new Endpoint("127.0.0.1", 0));
    return KubetrailServer.start(o, auth, Clock.systemUTC());
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void everyReadNeedsAToken() throws Exception {
    for (String route : reads()) {
      Fixture.Response r = Fixture.get(api, route, null);
      assertThat(r.status()).as(route).isEqualTo(401);
      assertThat(r.json().path("message").asText()).as(route).contains("authentication required");
      assertThat(Fixture.get(api, route, "wrong").status()).as(route).isEqualTo(401);
    }
  }

  @Test
  void adminAndAuditorReadEverything() throws Exception {
    for (String route : reads()) {
      assertThat(Fixture.get(api, route, ADMIN).status()).as(route).isEqualTo(200);
      assertThat(Fixture.get(api, route, AUDITOR).status()).as(route).isEqualTo(200);
    }
  }

  @Test
  void searchShowsOneLinePerRequestAndPagesWithoutACeiling() throws Exception {
    Set<String> seen = new HashSet<>();
    String cursor = null;
    int pages = 0;
    do {
      Fixture.Response r =
          Fixture.get(
              api, "events?limit=500" + (cursor == null ? "" : "&cursor=" + cursor), AUDITOR);
      assertThat(r.status()).isEqualTo(200);
      for (JsonNode e : r.json().path("events")) {
        assertThat(seen.add(e.path("cluster").asText() + "/" + e.path("auditID").asText()))
            .as("a request shown twice: %s", e)
            .isTrue();
      }
      cursor = r.json().path("next").isMissingNode() ? null : r.json().path("next").asText();
      pages++;
    } while (cursor != null);
    assertThat(pages).isGreaterThan(2);
    long total = Fixture.get(api, "facets?field=verb", AUDITOR).json().path("total").asLong();
    assertThat((long) seen.size()).isGreaterThanOrEqualTo(total);
  }

  @Test
  void viewerSeesOnlyItsNamespace() throws Exception {
    Fixture.Response events = Fixture.get(api, "events?limit=1000", VIEWER);
    assertThat(events.status()).isEqualTo(200);
    assertThat(events.json().path("events")).isNotEmpty();
    for (JsonNode e : events.json().path("events")) {
      assertThat(e.path("namespace").asText()).isEqualTo(viewerNamespace);
    }
    JsonNode facets = Fixture.get(api, "facets", VIEWER).json();
    assertThat(facets.path("facets").path("namespace")).hasSize(1);
    assertThat(facets.path("facets").path("namespace").get(0).path("value").asText())
        .isEqualTo(viewerNamespace);
    long viewerTotal = facets.path("total").asLong();
    long histogramTotal = Fixture.get(api, "histogram", VIEWER).json().path("total").asLong();
    assertThat(histogramTotal).isEqualTo(viewerTotal);
    long all = Fixture.get(api, "histogram", AUDITOR).json().path("total").asLong();
    assertThat(viewerTotal).isPositive().isLessThan(all);
    JsonNode state = Fixture.get(api, "state?at=2026-01-01T00:20:00Z", VIEWER).json();
    state
        .path("objects")
        .forEach(
            list ->
                list.forEach(
                    name ->
                        assertThat(
                                name.asText().startsWith(viewerNamespace + "/")
                                    || name.asText().equals(viewerNamespace))
                            .as(name.asText())
                            .isTrue()));
    // A Namespace object belongs to itself: the viewer's own namespace is readable.
    assertThat(Fixture.get(api, "history?object=namespaces/" + viewerNamespace, VIEWER).status())
        .isEqualTo(200);
    assertThat(Fixture.get(api, "events?object=namespaces/" + viewerNamespace, VIEWER).status())
        .isEqualTo(200);
    Fixture.Response own = Fixture.get(api, "requests/demo/" + viewerRequest, VIEWER);
    assertThat(own.status()).isEqualTo(200);
    assertThat(own.json().path("events").get(0).path("objectRef").path("namespace").asText())
        .isEqualTo(viewerNamespace);
    // Another namespace's request is not there for the viewer; its existence is not told.
    assertThat(Fixture.get(api, "requests/demo/" + systemRequest, VIEWER).status()).isEqualTo(404);
    assertThat(Fixture.get(api, "requests/demo/" + systemRequest, AUDITOR).status()).isEqualTo(200);
    String export = Fixture.get(api, "events/export", VIEWER).body();
    for (String line : export.split("\n")) {
      JsonNode e = Fixture.JSON.readTree(line);
      assertThat(e.path("objectRef").path("namespace").asText()).isEqualTo(viewerNamespace);
    }
    JsonNode changes =
        Fixture.get(api, "changes?start=2026-01-01T00:00:00Z&end=2026-01-01T00:30:00Z", VIEWER)
            .json();
    for (JsonNode o : changes.path("objects")) {
      assertThat(o.path("namespace").asText()).isIn(viewerNamespace, "");
    }
    JsonNode report =
        Fixture.get(
                api,
                "reports/network-access?start=2026-01-01T00:00:00Z&end=2026-01-01T00:30:00Z",
                VIEWER)
            .json();
    for (JsonNode ep : report.path("endpoints")) {
      assertThat(ep.path("namespace").asText()).isEqualTo(viewerNamespace);
    }
  }

  @Test
  void viewerIsForbiddenOutsideItsNamespace() throws Exception {
    List<String> outside = new ArrayList<>();
    outside.add("events?namespace=kube-system");
    outside.add("events/export?namespace=kube-system");
    outside.add("histogram?namespace=kube-system");
    outside.add("facets?namespace=kube-system");
    outside.add("history?object=namespaces/kube-system");
    outside.add("state?namespace=kube-system");
    outside.add("state/object?object=namespaces/kube-system");
    outside.add("changes?start=2026-01-01T00:00:00Z&namespaces=kube-system");
    outside.add("reports/inventory?start=2026-01-01T00:00:00Z&namespaces=kube-system");
    outside.add("access-log/events");
    for (String route : outside) {
      Fixture.Response r = Fixture.get(api, route, VIEWER);
      assertThat(r.status()).as(route).isEqualTo(403);
    }
    assertThat(Fixture.get(api, "access-log/events", AUDITOR).status()).isEqualTo(403);
    assertThat(Fixture.get(api, "access-log/events", ADMIN).status()).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "events?cursor=garbage",
        "events?cursor=cjFuYWJj",
        "events?cursor=" + "%00%01",
        "events?since=yesterday",
        "events?until=2026-13-01T00:00:00Z",
        "events?cluster=nope",
        "events?code=abc",
        "events?code=999",
        "events?level=Loud",
        "events?stage=Nope",
        "events?sort=sideways",
        "events?limit=0",
        "events?limit=100000",
        "events?excludeDryRun=maybe",
        "events?object=pods",
        "events?resource=.apps",
        "histogram?bucket=soon",
        "histogram?bucket=0s",
        "facets?field=color",
        "history",
        "history?object=pods/a/b&cluster=nope",
        "history?object=pods/a/b&diff=loud",
        "state?at=noon",
        "state?resource=a.b.",
        "changes",
        "changes?start=2026-01-01T00:10:00Z&end=2026-01-01T00:00:00Z",
        "reports/inventory?start=2026-01-01T00:00:00Z&format=pdf",
        "reports/inventory?start=2026-01-01T00:00:00Z&endpointsSelector=app+in+%28"
      })
  void badParametersAre400NamingTheParameter(String route) throws Exception {
    Fixture.Response r = Fixture.get(api, route, ADMIN);
    assertThat(r.status()).as(route + ": " + r.body()).isEqualTo(400);
    assertThat(r.json().path("message").asText()).isNotEmpty();
    assertThat(r.json().has("parameter")).isTrue();
  }

  @Test
  void cursorOfAnotherOrderIsRefused() throws Exception {
    String next = Fixture.get(api, "events?limit=5", ADMIN).json().path("next").asText();
    Fixture.Response r = Fixture.get(api, "events?sort=oldest&cursor=" + next, ADMIN);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().path("parameter").asText()).isEqualTo("cursor");
  }

  @Test
  void historyDiffsAreQuietByDefault() throws Exception {
    String object = URLEncoder.encode(viewerObject, StandardCharsets.UTF_8);
    JsonNode quiet = Fixture.get(api, "history?object=" + object, ADMIN).json();
    JsonNode full = Fixture.get(api, "history?object=" + object + "&diff=full", ADMIN).json();
    assertThat(quiet.path("revisions")).isNotEmpty();
    assertThat(quiet.path("cluster").asText()).isEqualTo("demo");
    for (JsonNode r : quiet.path("revisions")) {
      assertThat(r.path("diff").asText()).doesNotContain("resourceVersion:");
    }
    assertThat(full.path("revisions").toString()).contains("resourceVersion:");
  }

  @Test
  void readsAreInTheAccessLogForAdminsOnly() throws Exception {
    String marker = "readsAreLogged";
    assertThat(Fixture.get(api, "events?limit=3&name=" + marker, VIEWER).status()).isEqualTo(200);
    Fixture.get(api, "history?object=" + viewerObject, AUDITOR);
    JsonNode found = null;
    for (int i = 0; i < 100 && found == null; i++) {
      JsonNode page =
          Fixture.get(api, "access-log/events?user=val&full=true&limit=1000", ADMIN).json();
      for (JsonNode e : page.path("events")) {
        if (e.path("requestURI").asText().contains(marker)) {
          found = e;
        }
      }
      Thread.sleep(50);
    }
    assertThat(found).as("the viewer's search in the access log").isNotNull();
    JsonNode event = found.path("event");
    assertThat(event.path("user").path("username").asText()).isEqualTo("val");
    assertThat(event.path("annotations").path("kubetrail.io/query").asText()).isEqualTo("search");
    assertThat(event.path("annotations").path("kubetrail.io/rows").asText()).isEqualTo("0");
    assertThat(event.path("objectRef").path("resource").asText()).isEqualTo("events");
    JsonNode history =
        Fixture.get(api, "access-log/events?user=aud&resource=history&full=true", ADMIN).json();
    for (int i = 0; i < 100 && history.path("events").isEmpty(); i++) {
      Thread.sleep(50);
      history =
          Fixture.get(api, "access-log/events?user=aud&resource=history&full=true", ADMIN).json();
    }
    assertThat(history.path("events").get(0).path("event").path("annotations").toString())
        .contains(viewerObject.substring(viewerObject.lastIndexOf('/') + 1));
    assertThat(Fixture.get(api, "access-log/events", VIEWER).status()).isEqualTo(403);
  }

  @Test
  void policyCheckAnswersErrorsOrCoverage() throws Exception {
    Fixture.Response bad =
        Fixture.post(api, "policy/check", AUDITOR, "apiVersion: audit.k8s.io/v1\nkind: Policy\n");
    assertThat(bad.status()).isEqualTo(200);
    assertThat(bad.json().path("valid").asBoolean()).isFalse();
    assertThat(bad.json().path("errors")).isNotEmpty();
    Fixture.Response good =
        Fixture.post(
            api,
            "policy/check",
            VIEWER,
            "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: RequestResponse\n");
    assertThat(good.json().path("valid").asBoolean()).isTrue();
    assertThat(good.json().path("coverage")).isNotEmpty();
    assertThat(Fixture.post(api, "policy/check", null, "x").status()).isEqualTo(401);
  }
}
