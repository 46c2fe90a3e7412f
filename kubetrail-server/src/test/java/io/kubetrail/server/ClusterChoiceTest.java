package io.kubetrail.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.collect.Endpoint;
import io.kubetrail.server.auth.Authenticator;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The routes about one cluster need it named only when the store holds several. */
class ClusterChoiceTest {
  @TempDir Path dir;

  @Test
  void severalClustersMustBeNamed() throws Exception {
    Fixture.store(dir.resolve("data"), 200, "east", "west");
    ServerOptions o =
        ServerOptions.defaults(dir.resolve("data")).withListen(new Endpoint("127.0.0.1", 0));
    try (KubetrailServer server =
        KubetrailServer.start(o, Authenticator.none(), Clock.systemUTC())) {
      URI api = server.url().resolve(KubetrailServer.BASE + "/");
      for (String route :
          new String[] {
            "state", "history?object=namespaces/default", "changes?start=2026-01-01T00:00:00Z"
          }) {
        Fixture.Response r = Fixture.get(api, route, null);
        assertThat(r.status()).as(route).isEqualTo(400);
        assertThat(r.json().path("parameter").asText()).isEqualTo("cluster");
        assertThat(r.json().path("message").asText()).contains("east").contains("west");
        String named = route + (route.contains("?") ? "&" : "?") + "cluster=west";
        assertThat(Fixture.get(api, named, null).status()).as(named).isEqualTo(200);
      }
      assertThat(Fixture.get(api, "events", null).status()).isEqualTo(200);
      assertThat(Fixture.get(api, "state?cluster=north", null).json().path("message").asText())
          .contains("no events stored for cluster north");
    }
  }
}
