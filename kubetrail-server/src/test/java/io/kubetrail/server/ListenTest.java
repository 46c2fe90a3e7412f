package io.kubetrail.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubetrail.collect.Endpoint;
import io.kubetrail.collect.webhook.TestPki;
import io.kubetrail.server.auth.Authenticator;
import io.kubetrail.server.auth.Caller;
import io.kubetrail.server.auth.Role;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a server listens: loopback without auth, HTTPS with a certificate, sessions by cookie. */
class ListenTest {
  @TempDir Path dir;

  private ServerOptions options() throws Exception {
    Fixture.store(dir.resolve("data"), 20, "demo");
    return ServerOptions.defaults(dir.resolve("data")).withListen(new Endpoint("127.0.0.1", 0));
  }

  @Test
  void withoutAuthOnlyLoopback() throws Exception {
    ServerOptions o = options().withListen(new Endpoint("0.0.0.0", 0));
    assertThatThrownBy(() -> KubetrailServer.start(o, Authenticator.none(), Clock.systemUTC()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0.0.0.0:0 is reachable from other machines")
        .hasMessageContaining("--auth");
  }

  @Test
  void servesHttpsWithTheGivenCertificate() throws Exception {
    TestPki.Issued ca = TestPki.ca("kubetrail-test-ca");
    TestPki.Issued leaf = TestPki.leaf("127.0.0.1", TestPki.rsa(), ca);
    Path cert = TestPki.writeCertificate(dir.resolve("tls.crt"), leaf.certificate());
    Path key = TestPki.writeKey(dir.resolve("tls.key"), leaf.keys(), TestPki.KeyFormat.PKCS8);
    ServerOptions o = options().withTls(new ServerOptions.Tls(cert, key));
    try (KubetrailServer server =
        KubetrailServer.start(o, Authenticator.none(), Clock.systemUTC())) {
      assertThat(server.url().getScheme()).isEqualTo("https");
      HttpClient https =
          HttpClient.newBuilder().sslContext(TestPki.clientContext(ca, Optional.empty())).build();
      HttpResponse<String> r =
          https.send(
              HttpRequest.newBuilder(server.url().resolve(KubetrailServer.BASE + "/whoami"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("\"role\":\"admin\"");
    }
  }

  @Test
  void aBrowserLogsInOnceAndCarriesAnHttpOnlyStrictCookie() throws Exception {
    Caller ada = Caller.of("ada", Role.AUDITOR, Set.of());
    Authenticator auth = token -> token.equals("secret") ? Optional.of(ada) : Optional.empty();
    try (KubetrailServer server = KubetrailServer.start(options(), auth, Clock.systemUTC())) {
      URI api = server.url().resolve(KubetrailServer.BASE + "/");
      assertThat(Fixture.post(api, "login", null, "{\"token\":\"wrong\"}").status()).isEqualTo(401);
      assertThat(Fixture.post(api, "login", null, "not json").status()).isEqualTo(400);
      Fixture.Response login = Fixture.post(api, "login", null, "{\"token\":\"secret\"}");
      assertThat(login.status()).isEqualTo(200);
      String setCookie = login.raw().headers().firstValue("Set-Cookie").orElseThrow();
      assertThat(setCookie)
          .startsWith("kubetrail_session=")
          .containsIgnoringCase("HttpOnly")
          .containsIgnoringCase("SameSite=Strict");
      String cookie = setCookie.substring(0, setCookie.indexOf(';'));
      HttpRequest withCookie =
          HttpRequest.newBuilder(api.resolve("whoami")).header("Cookie", cookie).build();
      Fixture.Response who = Fixture.send(withCookie);
      assertThat(who.status()).isEqualTo(200);
      assertThat(who.json().path("name").asText()).isEqualTo("ada");
      Fixture.send(
          HttpRequest.newBuilder(api.resolve("logout"))
              .header("Cookie", cookie)
              .POST(HttpRequest.BodyPublishers.noBody())
              .build());
      assertThat(Fixture.send(withCookie).status()).isEqualTo(401);
    }
  }

  @Test
  void pagesAddedBesideTheApiLearnTheCaller() throws Exception {
    Caller ada = Caller.of("ada", Role.VIEWER, Set.of("a"));
    Authenticator auth = token -> token.equals("secret") ? Optional.of(ada) : Optional.empty();
    try (KubetrailServer server =
        KubetrailServer.start(
            options(),
            auth,
            Clock.systemUTC(),
            config ->
                config.routes.get(
                    "/page",
                    ctx ->
                        ctx.result(
                            KubetrailServer.callerOf(ctx)
                                .map(Caller::name)
                                .orElse("anonymous"))))) {
      assertThat(Fixture.get(server.url(), "page", null).body()).isEqualTo("anonymous");
      assertThat(Fixture.get(server.url(), "page", "secret").body()).isEqualTo("ada");
      assertThat(Fixture.get(server.url(), "page", "wrong").body()).isEqualTo("anonymous");
      assertThat(Fixture.get(server.url(), KubetrailServer.BASE + "/whoami", null).status())
          .isEqualTo(401);
    }
  }
}
