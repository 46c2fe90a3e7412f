package io.kubetrail.collect.webhook;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsExchange;
import io.kubetrail.collect.IngestFailedException;
import io.kubetrail.collect.SourceContext;
import io.kubetrail.collect.SourceWriter;
import io.kubetrail.event.AuditDecodeException;
import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.AuditEventReader;
import io.kubetrail.event.DecodeLimits;
import io.kubetrail.event.SourcePosition;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Answers one request. Every outcome is a status with a reason, as a Kubernetes {@code Status}
 * object so that kube-apiserver's client logs the reason (a 200 that stored every item has its
 * reason in a header instead, see {@link #respond}); none is a 500.
 *
 * <p>kube-apiserver's audit webhook retries <em>every</em> failed request ({@code
 * k8s.io/apiserver/plugin/pkg/audit/webhook/webhook.go}: {@code retryOnError} returns true for any
 * error) with exponential backoff from {@code --audit-webhook-initial-backoff} (10 s), 5 steps,
 * then drops the batch; client-go's request also waits and retries by itself on a 429 or 5xx that
 * carries {@code Retry-After} ({@code k8s.io/client-go/rest}, {@code checkWait}). So: a full
 * pipeline is 429 and a failing store (or a full on-disk buffer) 503, both with Retry-After, and
 * only a batch durable in the store or the buffer is 200. A 4xx for bad input is retried as well,
 * harmlessly: nothing of it was stored.
 */
final class WebhookHandler implements HttpHandler {
  /** Set while a request runs on the server's own thread because every worker is busy. */
  static final ThreadLocal<Boolean> OVERLOADED = ThreadLocal.withInitial(() -> false);

  private static final JsonFactory JSON = new JsonFactory();

  /** The reason of an answer without a body: {@code stored N events} for a 200. */
  static final String MESSAGE_HEADER = "Kubetrail-Message";

  /** How much of a request body left unread is read before answering, to keep the connection. */
  static final int DRAIN_BYTES = 64 * 1024;

  private final String name;
  private final WebhookOptions options;
  private final SourceContext context;
  private final Optional<Tls> tls;
  private final Optional<BearerToken> token;
  private final AtomicLong requests = new AtomicLong();
  private final Object idle = new Object();
  private int active;
  private volatile boolean closing;

  WebhookHandler(
      String name,
      WebhookOptions options,
      SourceContext context,
      Optional<Tls> tls,
      Optional<BearerToken> token) {
    this.name = name;
    this.options = options;
    this.context = context;
    this.tls = tls;
    this.token = token;
  }

  /**
   * A response: status, reason, and whether to ask for a retry later.
   *
   * @param headersOnly true to answer without a body, the reason in {@link #MESSAGE_HEADER}
   */
  record Answer(int status, String reason, boolean headersOnly) {
    Answer(int status, String reason) {
      this(status, reason, false);
    }

    boolean retryLater() {
      return status == 429 || status == 503;
    }
  }

  /**
   * Refuses new requests (503) and waits up to {@code millis} for those in progress to be answered.
   */
  void close(long millis) throws InterruptedException {
    closing = true;
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    synchronized (idle) {
      long left;
      while (active > 0 && (left = deadline - System.nanoTime()) > 0) {
        TimeUnit.NANOSECONDS.timedWait(idle, left);
      }
    }
  }

  @Override
  public void handle(HttpExchange exchange) {
    synchronized (idle) {
      active++;
    }
    try {
      handleCounted(exchange);
    } finally {
      synchronized (idle) {
        active--;
        idle.notifyAll();
      }
    }
  }

  private void handleCounted(HttpExchange exchange) {
    Answer answer;
    try {
      answer = closing ? new Answer(503, "shutting down") : answer(exchange);
    } catch (IOException e) {
      // The client went away mid-request: nothing was handed over, and no one hears an answer.
      answer = new Answer(400, "the request body could not be read: " + e.getMessage());
    } catch (RuntimeException e) {
      // No 500: kube-apiserver retries whatever fails, and a 503 says "later" most honestly.
      answer = new Answer(503, "cannot take the request now: " + e);
    }
    try {
      if (!drainBody(exchange)) {
        exchange.getResponseHeaders().set("Connection", "close");
      }
      respond(exchange, answer);
    } catch (IOException e) {
      // The client is gone; the response code is still counted below.
    } finally {
      exchange.close();
      context.listener().responded(name, answer.status());
    }
  }

  /**
   * Reads what is left of the request body (one answered before reading it, a 401 say), up to
   * {@link #DRAIN_BYTES}; false when more is left, and the connection must close after the answer.
   * Otherwise the JDK's server reads the rest after the answer has gone, and over TLS those reads
   * can take in the client's next request on the connection, which it then never handles: the
   * client waits until the idle connection is closed, about 30 to 40 s later, with no answer.
   */
  private static boolean drainBody(HttpExchange exchange) {
    byte[] skip = new byte[8192];
    try {
      InputStream in = exchange.getRequestBody();
      for (long left = DRAIN_BYTES; left > 0; ) {
        int n = in.read(skip, 0, (int) Math.min(skip.length, left));
        if (n < 0) {
          return true;
        }
        left -= n;
      }
      return in.read() < 0;
    } catch (IOException e) {
      return false;
    }
  }

  private Answer answer(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String method = exchange.getRequestMethod();
    if (path.equals("/healthz")) {
      if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        return new Answer(405, "method " + method + " not allowed on /healthz; use GET");
      }
      return new Answer(200, "ok");
    }
    if (OVERLOADED.get()) {
      return new Answer(
          429,
          "all "
              + options.threads()
              + " workers are busy and "
              + options.maxWaitingRequests()
              + " requests wait (threads, maxWaitingRequests)");
    }
    Optional<Answer> denied = authenticate(exchange);
    if (denied.isPresent()) {
      return denied.get();
    }
    if (!path.equals("/")) {
      return new Answer(404, "no such path: " + path + "; POST audit EventLists to /");
    }
    if (!method.equals("POST")) {
      exchange.getResponseHeaders().set("Allow", "POST");
      return new Answer(405, "method " + method + " not allowed; POST an audit EventList to /");
    }
    String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
    if (encoding != null && !encoding.equalsIgnoreCase("identity")) {
      return new Answer(415, "Content-Encoding " + encoding + " is not supported; send plain JSON");
    }
    Optional<byte[]> body = readBody(exchange);
    if (body.isEmpty()) {
      return new Answer(
          413,
          "the request body is over the limit of "
              + options.maxBodyBytes()
              + " bytes (maxBodyBytes); lower --audit-webhook-batch-max-size");
    }
    return store(body.get());
  }

  private Optional<Answer> authenticate(HttpExchange exchange) {
    if (tls.isPresent() && tls.get().requiresClientCertificate()) {
      X509Certificate[] chain;
      try {
        Certificate[] peer = ((HttpsExchange) exchange).getSSLSession().getPeerCertificates();
        chain = Arrays.copyOf(peer, peer.length, X509Certificate[].class);
      } catch (SSLPeerUnverifiedException | ClassCastException | ArrayStoreException e) {
        return Optional.of(new Answer(401, "a client certificate is required (clientCA is set)"));
      }
      Optional<String> untrusted = tls.get().checkClient(chain);
      if (untrusted.isPresent()) {
        return Optional.of(new Answer(403, untrusted.get()));
      }
    }
    if (token.isPresent()) {
      Optional<String> invalid =
          token
              .get()
              .check(Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization")));
      if (invalid.isPresent()) {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
        return Optional.of(new Answer(401, invalid.get()));
      }
    }
    return Optional.empty();
  }

  /** The body, or empty when it is over {@link WebhookOptions#maxBodyBytes()}. */
  private Optional<byte[]> readBody(HttpExchange exchange) throws IOException {
    long max = options.maxBodyBytes();
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    long declared = -1;
    if (length != null) {
      try {
        declared = Long.parseLong(length.trim());
      } catch (NumberFormatException e) {
        declared = -1;
      }
      if (declared > max) {
        return Optional.empty();
      }
    }
    // Not closed here: closing reads what is left, which drainBody does before the answer.
    InputStream in = exchange.getRequestBody();
    if (declared >= 0) {
      // The length is known: read straight into the body, without a copy.
      byte[] body = new byte[(int) declared];
      int n = in.readNBytes(body, 0, body.length);
      if (n < body.length) {
        throw new IOException("the body ended after " + n + " of its " + declared + " bytes");
      }
      return Optional.of(body);
    }
    // A chunked body has no length: count while reading, and stop one byte past the limit.
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
      total += n;
      if (total > max) {
        return Optional.empty();
      }
      out.write(buffer, 0, n);
    }
    return Optional.of(out.toByteArray());
  }

  /**
   * Stores an EventList's events. A body that is not an EventList is refused whole (400) and kept
   * in the dead letters. An EventList with some bad items stores the rest and answers 200: the bad
   * items would be bad on every retry, so refusing the whole list would only lose the good ones
   * after kube-apiserver gave up; the bad items go to the dead letters with their reasons.
   */
  private Answer store(byte[] body) throws IOException {
    long request = requests.incrementAndGet();
    String where = name + " request " + request;
    EventListBody.Checked checked =
        EventListBody.check(body, context.options().limits().maxNestingDepth());
    if (checked instanceof EventListBody.Malformed malformed) {
      SourceWriter writer = context.writer();
      writer.reject(
          new SourcePosition(where, 1),
          malformed.reason(),
          Optional.of(new String(body, StandardCharsets.UTF_8)));
      writer.discard();
      return new Answer(400, malformed.reason());
    }
    EventListBody list = ((EventListBody.Valid) checked).body();
    DecodeLimits limits = context.options().limits();
    // Each item decoded where it lies: the check found them, so the list is not walked again.
    SourceWriter writer = context.requestWriter();
    List<Rejection> rejected = new ArrayList<>();
    int decoded = 0;
    for (int i = 0; i < list.items(); i++) {
      AuditEvent event;
      try {
        event =
            AuditEventReader.decodeListItem(
                list.bytes(), list.start(i), list.end(i), list.apiVersion(), limits);
      } catch (AuditDecodeException e) {
        rejected.add(new Rejection(i, "items[" + i + "]: " + e.getMessage()));
        continue;
      }
      writer.accept(event);
      decoded++;
    }
    Optional<CompletableFuture<Void>> handed;
    try {
      handed = writer.tryFlush();
    } catch (IngestFailedException e) {
      return new Answer(503, "the store is failing: " + e.getMessage());
    } catch (IllegalStateException e) {
      return new Answer(503, "the pipeline is shutting down");
    }
    if (handed.isEmpty()) {
      writer.discard();
      if (context.buffer().full()) {
        return new Answer(
            503,
            "the store is unreachable and the on-disk buffer is full ("
                + context.buffer().bytes()
                + " bytes, buffer.maxBytes); resending later is safe");
      }
      return new Answer(
          429,
          "the pipeline is full ("
              + context.options().maxQueuedBytes()
              + " bytes queued for the store, maxQueuedBytes)");
    }
    for (Rejection bad : rejected) {
      writer.reject(
          new SourcePosition(where + " item", bad.index() + 1L),
          bad.reason(),
          list.item(bad.index()));
    }
    return await(handed.get(), decoded, rejected.size());
  }

  /** An item of the list that is not a valid event. */
  private record Rejection(int index, String reason) {}

  private Answer await(CompletableFuture<Void> done, int events, int rejected) {
    try {
      done.get(options.ackTimeout().toMillis(), TimeUnit.MILLISECONDS);
      if (rejected == 0) {
        return new Answer(200, "stored " + events + " events", true);
      }
      return new Answer(
          200,
          "stored " + events + " events; " + rejected + " invalid items went to the dead letters");
    } catch (TimeoutException e) {
      return new Answer(
          503,
          "the store did not commit within "
              + options.ackTimeout().toMillis()
              + " ms (ackTimeout); resending is safe, nothing is stored twice");
    } catch (ExecutionException e) {
      return new Answer(503, "the store failed: " + e.getCause().getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(503, "shutting down; resending is safe, nothing is stored twice");
    }
  }

  private void respond(HttpExchange exchange, Answer answer) throws IOException {
    if (answer.headersOnly()) {
      // One write: the JDK's server (17) sends the headers on their own, and a body written after
      // them waits (Nagle's algorithm) for the client's delayed ACK of the headers, 40 ms on Linux:
      // most of a batch's acknowledgement, and with a client that sends one batch at a time, of
      // its throughput. kube-apiserver reads no body from a 200.
      exchange.getResponseHeaders().set(MESSAGE_HEADER, answer.reason());
      exchange.sendResponseHeaders(answer.status(), -1);
      return;
    }
    byte[] body = status(answer);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    if (answer.retryLater()) {
      exchange
          .getResponseHeaders()
          .set("Retry-After", Integer.toString(options.retryAfterSeconds()));
    }
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.sendResponseHeaders(answer.status(), -1);
      return;
    }
    exchange.sendResponseHeaders(answer.status(), body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** A Kubernetes {@code meta/v1 Status}, which client-go reads and logs the message of. */
  static byte[] status(Answer answer) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.createGenerator(bytes)) {
      g.writeStartObject();
      g.writeStringField("kind", "Status");
      g.writeStringField("apiVersion", "v1");
      g.writeObjectFieldStart("metadata");
      g.writeEndObject();
      g.writeStringField("status", answer.status() == 200 ? "Success" : "Failure");
      g.writeStringField("message", answer.reason());
      g.writeStringField("reason", reason(answer.status()));
      g.writeNumberField("code", answer.status());
      g.writeEndObject();
    }
    bytes.write('\n');
    return bytes.toByteArray();
  }

  private static String reason(int status) {
    switch (status) {
      case 200:
        return "";
      case 400:
        return "BadRequest";
      case 401:
        return "Unauthorized";
      case 403:
        return "Forbidden";
      case 404:
        return "NotFound";
      case 405:
        return "MethodNotAllowed";
      case 413:
        return "RequestEntityTooLarge";
      case 415:
        return "UnsupportedMediaType";
      case 429:
        return "TooManyRequests";
      default:
        return "ServiceUnavailable";
    }
  }
}
