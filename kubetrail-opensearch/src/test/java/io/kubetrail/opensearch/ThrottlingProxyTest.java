package io.kubetrail.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.kubetrail.store.AppendResult;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.Batch;
import io.kubetrail.store.EventQuery;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.StoredEvent;
import io.kubetrail.store.TestEvents;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A cluster that refuses requests for now (429) and answers bulk writes with some items refused:
 * every event is still stored exactly once and the chain verifies.
 */
class ThrottlingProxyTest {
  private static final long SEED = Long.getLong("tests.seed", 20261205L);

  @Test
  void refusedRequestsAndItemsAreRetriedUntilEveryEventIsStoredOnce() throws Exception {
    OpenSearchNode node = OpenSearchNode.shared();
    Random random = new Random(SEED);
    AtomicInteger refused = new AtomicInteger();
    AtomicInteger refusedItems = new AtomicInteger();
    HttpClient client = HttpClient.newHttpClient();
    HttpServer proxy =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    proxy.createContext(
        "/",
        exchange -> {
          try {
            forward(exchange, node.url(), client, random, refused, refusedItems);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            exchange.close();
          }
        });
    proxy.start();
    String location =
        "http://127.0.0.1:"
            + proxy.getAddress().getPort()
            + "?prefix="
            + "throttled"
            + Long.toHexString(System.nanoTime());
    List<StoredEvent> sent = new ArrayList<>();
    try (AuditStore store =
        OpenSearchAuditStore.open(
            OpenSearchOptions.parse(location, Map.of()), StoreOptions.defaults())) {
      long stored = 0;
      for (int b = 0; b < 12; b++) {
        List<StoredEvent> batch = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
          StoredEvent e = TestEvents.event("ev-" + b + "-" + i).at(b * 60L + i).build();
          batch.add(e);
        }
        // Every third batch repeats half of the one before: those are duplicates, not new events.
        if (b % 3 == 2) {
          batch.addAll(sent.subList(sent.size() - 20, sent.size()));
        }
        AppendResult r = store.append(Batch.of(batch));
        stored += r.stored();
        sent.addAll(batch.subList(0, 40));
      }
      assertThat(refused.get()).as("requests refused with 429").isPositive();
      assertThat(refusedItems.get()).as("bulk items refused with 429").isPositive();
      assertThat(stored).isEqualTo(sent.size());
      assertThat(store.count(EventQuery.all())).isEqualTo(sent.size());
      assertThat(store.verify().ok()).isTrue();
    } finally {
      proxy.stop(0);
    }
  }

  /**
   * Forwards a request; one in four is refused with 429 outright, and a bulk request's answer has
   * its first item refused with 429 one time in three (the write of that item undone first).
   */
  private static void forward(
      HttpExchange exchange,
      String target,
      HttpClient client,
      Random random,
      AtomicInteger refused,
      AtomicInteger refusedItems)
      throws IOException, InterruptedException {
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readAllBytes();
    }
    boolean refuse;
    boolean refuseItem;
    synchronized (random) {
      refuse = random.nextInt(4) == 0;
      refuseItem = random.nextInt(3) == 0;
    }
    if (refuse) {
      refused.incrementAndGet();
      reply(
          exchange,
          429,
          "{\"error\":\"too many requests (injected)\"}".getBytes(StandardCharsets.UTF_8));
      return;
    }
    String path = exchange.getRequestURI().toString();
    boolean bulk = path.startsWith("/_bulk") && exchange.getRequestMethod().equals("POST");
    if (bulk && refuseItem) {
      // Send all but the first item; answer as though the first was refused.
      String[] lines = new String(body, StandardCharsets.UTF_8).split("\n");
      if (lines.length > 2 && lines[0].startsWith("{\"index\"")) {
        String rest =
            String.join("\n", java.util.Arrays.copyOfRange(lines, 2, lines.length)) + "\n";
        HttpResponse<String> r =
            send(client, target, exchange, path, rest.getBytes(StandardCharsets.UTF_8));
        String answer = r.body();
        String refusedItem =
            "{\"index\":{\"_index\":\"x\",\"_id\":\"x\",\"status\":429,\"error\":{\"type\":\"es_rejected_execution_exception\"}}}";
        answer =
            answer
                .replaceFirst("\"errors\":false", "\"errors\":true")
                .replaceFirst("\"items\":\\[", "\"items\":[" + refusedItem + ",");
        refusedItems.incrementAndGet();
        reply(exchange, r.statusCode(), answer.getBytes(StandardCharsets.UTF_8));
        return;
      }
    }
    HttpResponse<String> r = send(client, target, exchange, path, body);
    reply(exchange, r.statusCode(), r.body().getBytes(StandardCharsets.UTF_8));
  }

  private static HttpResponse<String> send(
      HttpClient client, String target, HttpExchange exchange, String path, byte[] body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(target + path))
            .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    if (type != null) {
      b.header("Content-Type", type);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void reply(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
