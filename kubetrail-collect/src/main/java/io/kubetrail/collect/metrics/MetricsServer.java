package io.kubetrail.collect.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.kubetrail.collect.Endpoint;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.concurrent.Executors;

/**
 * Serves {@code /metrics} (Prometheus text format) and {@code /healthz} (200 {@code ok}, or 503
 * while appends fail and the on-disk buffer does not take the batches instead). Beyond loopback
 * {@code /metrics} requires the bearer token in {@code tokenFile}; {@code /healthz} tells only
 * whether the collector works, so probes need no token.
 */
public final class MetricsServer implements java.io.Closeable {
  private final HttpServer server;
  private final CollectorMetrics metrics;
  private final Optional<byte[]> token;

  private MetricsServer(HttpServer server, CollectorMetrics metrics, Optional<byte[]> token) {
    this.server = server;
    this.metrics = metrics;
    this.token = token;
  }

  /**
   * Starts serving.
   *
   * @throws IllegalArgumentException when {@code listen} is beyond loopback and there is no token
   * @throws IOException when the address cannot be bound or the token file read
   */
  public static MetricsServer start(
      Endpoint listen, Optional<Path> tokenFile, CollectorMetrics metrics) throws IOException {
    if (!listen.loopback() && tokenFile.isEmpty()) {
      throw new IllegalArgumentException(
          "metrics: " + listen + " is reachable from other machines and has no tokenFile");
    }
    Optional<byte[]> token = Optional.empty();
    if (tokenFile.isPresent()) {
      String text = Files.readString(tokenFile.get()).trim();
      if (text.isEmpty()) {
        throw new IOException("metrics.tokenFile " + tokenFile.get() + " is empty");
      }
      token = Optional.of(text.getBytes(StandardCharsets.UTF_8));
    }
    HttpServer server = HttpServer.create(listen.socketAddress(), 16);
    MetricsServer m = new MetricsServer(server, metrics, token);
    server.createContext("/", m::handle);
    server.setExecutor(Executors.newFixedThreadPool(2, r -> daemon(r)));
    server.start();
    return m;
  }

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r, "kubetrail-metrics");
    t.setDaemon(true);
    return t;
  }

  /** The address it listens on (with the port chosen when 0 was asked for). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (!exchange.getRequestMethod().equals("GET")) {
        send(exchange, 405, "only GET is served\n");
      } else if (path.equals("/healthz")) {
        boolean ok = metrics.healthy();
        send(exchange, ok ? 200 : 503, ok ? "ok\n" : "appends are failing\n");
      } else if (path.equals("/metrics")) {
        if (!authorized(exchange)) {
          exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer");
          send(exchange, 401, "a valid bearer token is required\n");
          return;
        }
        exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
        send(exchange, 200, metrics.scrape());
      } else {
        send(exchange, 404, "not found: try /metrics or /healthz\n");
      }
    }
  }

  private boolean authorized(HttpExchange exchange) {
    if (token.isEmpty()) {
      return true;
    }
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    if (header == null || !header.startsWith("Bearer ")) {
      return false;
    }
    byte[] given = header.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, token.get());
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
