package io.kubetrail.collect.webhook;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.kubetrail.collect.Source;
import io.kubetrail.collect.SourceContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLParameters;

/**
 * An HTTPS endpoint for kube-apiserver's audit webhook backend ({@code
 * --audit-webhook-config-file}; see {@link WebhookKubeconfig}), or for a forwarding collector. It
 * takes {@code EventList}s ({@code audit.k8s.io/v1} or {@code v1beta1}) POSTed to {@code /} and
 * answers:
 *
 * <ul>
 *   <li>200 once every event of the list is durably stored (or was already); items that are not
 *       valid events go to the dead letters and the rest are stored. Without a body (the header
 *       {@code Kubetrail-Message} says how many were stored) unless items went to the dead letters:
 *       a body costs a client that waits for each answer 40 ms per request (see {@code
 *       WebhookHandler#respond});
 *   <li>400 for a body that is not an EventList (nothing of it is stored; it goes to the dead
 *       letters); 413 for a body over {@link WebhookOptions#maxBodyBytes()}; 415 for a compressed
 *       body;
 *   <li>401 without a valid bearer token (with {@code tokenFile}) or without a client certificate
 *       (with {@code clientCA}); 403 for a client certificate the client CA did not sign;
 *   <li>404 for another path, 405 for another method;
 *   <li>429 with {@code Retry-After} when the pipeline already holds {@link
 *       io.kubetrail.collect.IngestOptions#maxQueuedBytes()} or every worker is busy: memory stays
 *       bounded and kube-apiserver, which sends asynchronously and retries, never waits on a slow
 *       store for long;
 *   <li>503 with {@code Retry-After} when the store fails or does not commit within {@link
 *       WebhookOptions#ackTimeout()}, or the store is unreachable and the collector's on-disk
 *       buffer is full (with room in the buffer, a batch synced there is answered 200).
 * </ul>
 *
 * <p>{@code GET /healthz} answers 200 without authentication. Every answer is reported through
 * {@link io.kubetrail.collect.PipelineListener#responded}.
 *
 * <p>Memory: at most {@code threads × maxBodyBytes} of request bodies (each with its decoded
 * events) plus the pipeline's {@code maxQueuedBytes}.
 *
 * <p>A listener on an address other than loopback must use TLS and authenticate its clients ({@code
 * clientCA} or {@code tokenFile}); {@link #run} refuses to start otherwise.
 */
public final class WebhookSource implements Source {
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final WebhookOptions options;
  private final CompletableFuture<InetSocketAddress> address = new CompletableFuture<>();

  public WebhookSource(WebhookOptions options) {
    this.options = Objects.requireNonNull(options, "options");
  }

  @Override
  public String name() {
    return "webhook:" + options.listen();
  }

  /**
   * The address the listener is bound to (with the port chosen, when the options asked for port 0);
   * completes once it accepts requests, or exceptionally when it cannot start.
   */
  public CompletableFuture<InetSocketAddress> address() {
    return address;
  }

  /**
   * Listens until the pipeline stops, then waits for the requests in progress to be answered.
   *
   * @throws IOException when the listener cannot start: a certificate, key or token file that
   *     cannot be read, an address in use
   * @throws IllegalArgumentException when a non-loopback address lacks TLS or client
   *     authentication, naming the missing field
   */
  @Override
  public void run(SourceContext context) throws IOException, InterruptedException {
    HttpServer server;
    ThreadPoolExecutor workers;
    WebhookHandler handler;
    try {
      InetSocketAddress bindTo = options.address();
      options.checkExposure(bindTo);
      Optional<Tls> tls =
          options.tls()
              ? Optional.of(
                  Tls.load(options.tlsCert().get(), options.tlsKey().get(), options.clientCA()))
              : Optional.empty();
      Optional<BearerToken> token =
          options.tokenFile().isPresent()
              ? Optional.of(BearerToken.load(options.tokenFile().get()))
              : Optional.empty();
      server = tls.isPresent() ? https(bindTo, tls.get()) : HttpServer.create(bindTo, 64);
      workers = workers();
      server.setExecutor(workers);
      handler = new WebhookHandler(name(), options, context, tls, token);
      server.createContext("/", handler);
      server.start();
    } catch (IOException | RuntimeException e) {
      address.completeExceptionally(e);
      throw e;
    }
    address.complete(server.getAddress());
    try {
      while (!context.awaitStop(1000)) {
        // listening
      }
    } finally {
      // Stop accepting, let the requests in progress finish (each waits at most ackTimeout).
      handler.close(options.ackTimeout().toMillis() + 1000);
      server.stop(0);
      workers.shutdown();
      workers.awaitTermination(options.ackTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
    }
  }

  private static HttpsServer https(InetSocketAddress bindTo, Tls tls) throws IOException {
    HttpsServer server = HttpsServer.create(bindTo, 64);
    server.setHttpsConfigurator(
        new HttpsConfigurator(tls.context()) {
          @Override
          public void configure(HttpsParameters params) {
            SSLParameters ssl = tls.context().getDefaultSSLParameters();
            // Asked for, not required: a request without one is answered 401, not a TLS alert.
            ssl.setWantClientAuth(tls.requiresClientCertificate());
            params.setSSLParameters(ssl);
          }
        });
    return server;
  }

  /**
   * A fixed number of workers with a bounded queue. A request that finds both full runs on the
   * server's own thread, just long enough to be answered 429.
   */
  private ThreadPoolExecutor workers() {
    String prefix = "kubetrail-webhook-" + options.listen() + "-";
    return new ThreadPoolExecutor(
        options.threads(),
        options.threads(),
        0,
        TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(options.maxWaitingRequests()),
        task -> {
          Thread t = new Thread(task, prefix + THREADS.incrementAndGet());
          t.setDaemon(true);
          return t;
        },
        (task, executor) -> {
          WebhookHandler.OVERLOADED.set(true);
          try {
            task.run();
          } finally {
            WebhookHandler.OVERLOADED.remove();
          }
        });
  }

  @Override
  public String toString() {
    return name();
  }
}
