package io.kubetrail.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.kubetrail.collect.Endpoint;
import io.kubetrail.server.auth.KubernetesAuth;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --auth kubernetes} against fabric8's mock API server. */
@EnableKubernetesMockClient
class KubernetesAuthTest {
  KubernetesMockServer server;
  KubernetesClient client;
  @TempDir Path dir;

  /**
   * Token → user; the users' RBAC: root reads the access log, aud all events, val one namespace.
   */
  private static final Map<String, String> USERS =
      Map.of("t-root", "root", "t-aud", "aud", "t-val", "val");

  private final List<JsonNode> reviews = new CopyOnWriteArrayList<>();

  @Test
  void tokenReviewAuthenticatesAndAccessReviewsScope() throws Exception {
    Fixture.store(dir.resolve("data"), 600, "demo");
    String namespace = busiestNamespace();
    mockApiServer(namespace);
    ServerOptions o =
        ServerOptions.defaults(dir.resolve("data")).withListen(new Endpoint("127.0.0.1", 0));
    try (KubetrailServer kt =
        KubetrailServer.start(
            o, new KubernetesAuth(client, Clock.systemUTC()), Clock.systemUTC())) {
      URI api = kt.url().resolve(KubetrailServer.BASE + "/");
      assertThat(Fixture.get(api, "events", null).status()).isEqualTo(401);
      assertThat(Fixture.get(api, "events", "t-stranger").status()).isEqualTo(401);

      assertThat(Fixture.get(api, "whoami", "t-root").json().path("role").asText())
          .isEqualTo("admin");
      assertThat(Fixture.get(api, "access-log/events", "t-root").status()).isEqualTo(200);

      assertThat(Fixture.get(api, "whoami", "t-aud").json().path("role").asText())
          .isEqualTo("auditor");
      assertThat(Fixture.get(api, "access-log/events", "t-aud").status()).isEqualTo(403);
      assertThat(Fixture.get(api, "events?namespace=kube-system", "t-aud").status()).isEqualTo(200);

      JsonNode who = Fixture.get(api, "whoami", "t-val").json();
      assertThat(who.path("role").asText()).isEqualTo("viewer");
      assertThat(who.path("namespaces").toString()).isEqualTo("[\"" + namespace + "\"]");
      JsonNode events = Fixture.get(api, "events?limit=1000", "t-val").json();
      assertThat(events.path("events")).isNotEmpty();
      events
          .path("events")
          .forEach(e -> assertThat(e.path("namespace").asText()).isEqualTo(namespace));
      assertThat(Fixture.get(api, "events?namespace=kube-system", "t-val").status()).isEqualTo(403);
    }
    // Each review asked about kubetrail's resource, with the user's groups.
    assertThat(reviews)
        .allSatisfy(
            r -> {
              assertThat(r.path("spec").path("resourceAttributes").path("group").asText())
                  .isEqualTo(KubernetesAuth.GROUP);
              assertThat(r.path("spec").path("groups").isArray()).isTrue();
            });
  }

  private String busiestNamespace() throws Exception {
    ServerOptions o =
        ServerOptions.defaults(dir.resolve("data")).withListen(new Endpoint("127.0.0.1", 0));
    try (KubetrailServer open =
        KubetrailServer.start(
            o, io.kubetrail.server.auth.Authenticator.none(), Clock.systemUTC())) {
      JsonNode facets =
          Fixture.get(open.url(), KubetrailServer.BASE + "/facets?field=namespace&limit=3", null)
              .json();
      for (JsonNode n : facets.path("facets").path("namespace")) {
        if (!n.path("value").asText().isEmpty()) {
          return n.path("value").asText();
        }
      }
    }
    throw new AssertionError("the simulation wrote no namespaced events");
  }

  private void mockApiServer(String viewerNamespace) {
    server
        .expect()
        .post()
        .withPath("/apis/authentication.k8s.io/v1/tokenreviews")
        .andReply(
            200,
            req -> {
              JsonNode body = read(req.getUtf8Body());
              String user = USERS.get(body.path("spec").path("token").asText());
              Map<String, Object> status =
                  user == null
                      ? Map.of("authenticated", false)
                      : Map.of(
                          "authenticated",
                          true,
                          "user",
                          Map.of("username", user, "groups", List.of("system:authenticated")));
              return Map.of(
                  "apiVersion",
                  "authentication.k8s.io/v1",
                  "kind",
                  "TokenReview",
                  "status",
                  status);
            })
        .always();
    server
        .expect()
        .post()
        .withPath("/apis/authorization.k8s.io/v1/subjectaccessreviews")
        .andReply(
            200,
            req -> {
              JsonNode body = read(req.getUtf8Body());
              reviews.add(body);
              JsonNode spec = body.path("spec");
              String user = spec.path("user").asText();
              String resource = spec.path("resourceAttributes").path("resource").asText();
              String ns = spec.path("resourceAttributes").path("namespace").asText("");
              boolean allowed =
                  switch (user) {
                    case "root" -> true;
                    case "aud" -> resource.equals("auditevents");
                    case "val" -> resource.equals("auditevents") && ns.equals(viewerNamespace);
                    default -> false;
                  };
              return Map.of(
                  "apiVersion",
                  "authorization.k8s.io/v1",
                  "kind",
                  "SubjectAccessReview",
                  "status",
                  Map.of("allowed", allowed));
            })
        .always();
  }

  private static JsonNode read(String json) {
    try {
      return Fixture.JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
