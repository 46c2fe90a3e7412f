package io.kubetrail.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.collect.Endpoint;
import io.kubetrail.server.auth.TokenHash;
import io.kubetrail.server.auth.UsersFile;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the UI's routes serve, without a browser: pages, assets, headers, and what they refuse. */
class WebUiTest {
  @TempDir static Path dir;
  static KubetrailServer server;
  static final HttpClient HTTP =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  @BeforeAll
  static void start() throws Exception {
    Fixture.store(dir.resolve("data"), 20, "demo");
    Path users = dir.resolve("users.yaml");
    Files.writeString(
        users, "users:\n  - {name: ada, role: admin, tokenHash: " + TokenHash.of("t") + "}\n");
    server =
        KubetrailServer.start(
            ServerOptions.defaults(dir.resolve("data")).withListen(new Endpoint("127.0.0.1", 0)),
            UsersFile.load(users),
            Clock.systemUTC());
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(server.url().resolve(path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theRootLeadsToTheTimeline() throws Exception {
    HttpResponse<String> r = get("/");
    assertThat(r.statusCode()).isEqualTo(302);
    assertThat(r.headers().firstValue("Location")).contains("/ui/timeline");
  }

  @ParameterizedTest
  @ValueSource(strings = {"timeline", "object", "state", "reports", "policy", "login"})
  void everyPageIsTheShellWithAStrictContentSecurityPolicy(String page) throws Exception {
    HttpResponse<String> r = get("/ui/" + page);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(r.headers().firstValue("Content-Security-Policy"))
        .hasValueSatisfying(
            c -> assertThat(c).contains("script-src 'self'").doesNotContain("unsafe"));
    assertThat(r.body()).contains("<main id=\"app\">").doesNotContain("<script>");
  }

  @Test
  void assetsAndUplotAreServedWithTheirTypes() throws Exception {
    assertThat(get("/ui/static/app.css").headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/css"));
    HttpResponse<String> js = get("/ui/static/timeline.js");
    assertThat(js.statusCode()).isEqualTo(200);
    assertThat(js.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
    HttpResponse<String> uplot = get("/ui/lib/uPlot.iife.min.js");
    assertThat(uplot.statusCode()).isEqualTo(200);
    assertThat(uplot.body()).contains("uPlot");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/ui/nope",
        "/ui/static/missing.js",
        "/ui/static/..%2fWebUi.class",
        "/ui/lib/uPlot.d.ts",
        "/ui/lib/..%2f..%2fpackage.json"
      })
  void unknownPagesAndFilesAre404(String path) throws Exception {
    assertThat(get(path).statusCode()).isEqualTo(404);
  }

  @Test
  void pagesNeedNoSessionButTheirDataDoes() throws Exception {
    assertThat(get("/ui/timeline").statusCode()).isEqualTo(200);
    assertThat(get("/api/v1/events").statusCode()).isEqualTo(401);
  }
}
