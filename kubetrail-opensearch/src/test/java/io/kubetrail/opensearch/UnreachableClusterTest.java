package io.kubetrail.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.kubetrail.store.AuditStores;
import io.kubetrail.store.StoreException;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.StoreUnavailableException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A cluster that cannot be reached is a {@link StoreUnavailableException} naming its location,
 * after the small budget of {@code connectRetries}, not the retries of a cluster that answers; a
 * node that cannot be reached is passed over for the next.
 */
class UnreachableClusterTest {

  @Test
  void aClosedPortIsAnUnavailableStoreNamingTheLocationAfterItsRetryBudget() throws IOException {
    String location = "http://127.0.0.1:" + closedPort();
    assertThatThrownBy(() -> AuditStores.open(location, StoreOptions.defaults()))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageStartingWith(location + ": cannot reach the cluster: connection refused")
        .hasMessageContaining("3 tries")
        .hasMessageContaining("connectRetries=2");
    assertThatThrownBy(
            () ->
                AuditStores.open(
                    location + "?connectRetries=0", StoreOptions.builder().readOnly(true).build()))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("1 try");
  }

  @Test
  void aNodeThatCannotBeReachedIsPassedOverForTheNext() throws IOException {
    HttpServer node = server(200, "{\"ok\":true}", new AtomicInteger());
    try {
      OpenSearchOptions options =
          OpenSearchOptions.parse(
              "http://127.0.0.1:" + closedPort() + ",127.0.0.1:" + node.getAddress().getPort(),
              Map.of());
      Http http = new Http(options);
      for (int i = 0; i < 4; i++) {
        assertThat(http.get("/").text()).isEqualTo("{\"ok\":true}");
      }
    } finally {
      node.stop(0);
    }
  }

  @Test
  void aClusterThatAnswersButRefusesForNowIsNoUnavailableStore() throws IOException {
    AtomicInteger requests = new AtomicInteger();
    HttpServer node = server(503, "{\"error\":\"busy\"}", requests);
    try {
      OpenSearchOptions options =
          OpenSearchOptions.parse("http://127.0.0.1:" + node.getAddress().getPort(), Map.of())
              .withRetries(Duration.ofSeconds(10), 1, Duration.ofSeconds(5), 2);
      Http http = new Http(options);
      assertThatThrownBy(() -> http.get("/"))
          .isInstanceOf(StoreException.class)
          .isNotInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("failed 2 times; the cluster answered 503");
      assertThat(requests.get()).isEqualTo(2);
    } finally {
      node.stop(0);
    }
  }

  @Test
  void theRetryBudgetIsALocationParameterWithLimits() {
    assertThat(OpenSearchOptions.parse("http://h:9200", Map.of()).connectRetries())
        .isEqualTo(OpenSearchOptions.DEFAULT_CONNECT_RETRIES);
    assertThat(OpenSearchOptions.parse("http://h:9200?connectRetries=5", Map.of()).connectRetries())
        .isEqualTo(5);
    assertThatThrownBy(() -> OpenSearchOptions.parse("http://h:9200?connectRetries=99", Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("connectRetries=99 is not a number from 0 to 20");
  }

  /** A loopback port nothing listens on: bound, then closed. */
  static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static HttpServer server(int status, String body, AtomicInteger requests)
      throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          requests.incrementAndGet();
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status, bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        });
    server.start();
    return server;
  }
}
