package io.kubetrail.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubetrail.collect.Endpoint;
import io.kubetrail.server.auth.Authenticator;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OpenAPI document describes exactly the routes the server has. */
class OpenApiTest {
  @TempDir Path dir;

  @Test
  void describesEveryRouteAndNoOther() throws Exception {
    Fixture.store(dir.resolve("data"), 10, "demo");
    ServerOptions o =
        ServerOptions.defaults(dir.resolve("data")).withListen(new Endpoint("127.0.0.1", 0));
    try (KubetrailServer server =
        KubetrailServer.start(o, Authenticator.none(), Clock.systemUTC())) {
      Fixture.Response r = Fixture.get(server.url(), KubetrailServer.BASE + "/openapi.json", null);
      assertThat(r.status()).isEqualTo(200);
      JsonNode paths = r.json().path("paths");
      List<String> described = new ArrayList<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> path = it.next();
        path.getValue()
            .fieldNames()
            .forEachRemaining(m -> described.add(m.toUpperCase(Locale.ROOT) + " " + path.getKey()));
      }
      assertThat(described).containsExactlyInAnyOrderElementsOf(server.routes());
      // Every filter the events routes read is described for each of them.
      for (String route : List.of("/events", "/events/export", "/histogram", "/facets")) {
        List<String> names = new ArrayList<>();
        paths
            .path(KubetrailServer.BASE + route)
            .path("get")
            .path("parameters")
            .forEach(p -> names.add(p.path("name").asText()));
        assertThat(names).as(route).containsAll(Filters.NAMES);
      }
    }
  }
}
