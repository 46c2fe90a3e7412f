package io.kubetrail.collect.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubetrail.collect.DeadLetters;
import io.kubetrail.collect.IngestOptions;
import io.kubetrail.collect.Pipeline;
import io.kubetrail.collect.PipelineListener;
import io.kubetrail.collect.Sink;
import io.kubetrail.collect.webhook.TestPki.Issued;
import io.kubetrail.collect.webhook.TestPki.KeyFormat;
import io.kubetrail.store.AppendResult;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.Batch;
import io.kubetrail.store.EventQuery;
import io.kubetrail.store.SourceCheckpoint;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.lucene.LuceneAuditStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WebhookSourceTest {
  private static final String TOKEN = "s3cret-token-value";

  private static Issued ca;
  private static Issued server;
  private static Issued client;
  private static Issued stranger;

  @TempDir Path dir;

  @BeforeAll
  static void pki() throws Exception {
    ca = TestPki.ca("kubetrail test CA");
    server = TestPki.leaf("webhook", TestPki.ec(), ca);
    client = TestPki.leaf("kube-apiserver", TestPki.ec(), ca);
    stranger = TestPki.leaf("kube-apiserver", TestPki.ec(), TestPki.ca("another CA"));
  }

  private WebhookOptions tls(KeyFormat format) throws IOException {
    Path cert = TestPki.writeCertificate(dir.resolve("tls.crt"), server.certificate());
    Path key = TestPki.writeKey(dir.resolve("tls.key"), server.keys(), format);
    return WebhookOptions.listen("127.0.0.1:0").withTls(cert, key);
  }

  /** TLS, client certificates from the CA, and a bearer token. */
  private WebhookOptions secured() throws IOException {
    Path caFile = TestPki.writeCertificate(dir.resolve("ca.crt"), ca.certificate());
    Path token = dir.resolve("token");
    Files.writeString(token, TOKEN + "\n");
    return tls(KeyFormat.TRADITIONAL).withClientCA(caFile).withTokenFile(token);
  }

  private static HttpClient client(Optional<Issued> certificate) throws Exception {
    SSLContext context = TestPki.clientContext(ca, certificate);
    return HttpClient.newBuilder()
        .sslContext(context)
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }

  private static HttpResponse<String> post(HttpClient http, URI uri, String body, String token)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (!token.isEmpty()) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void answers200OnlyOnceTheEventsAreSearchable() throws Exception {
    try (WebhookHarness hook = WebhookHarness.start(dir, secured())) {
      HttpClient http = client(Optional.of(client));
      HttpResponse<String> response = post(http, hook.uri, EventLists.v1(0, 5), TOKEN);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEmpty();
      assertThat(response.headers().firstValue("Kubetrail-Message")).contains("stored 5 events");
      assertThat(hook.stored()).isEqualTo(5);

      String beta =
          EventLists.list(
              "audit.k8s.io/v1beta1",
              List.of(EventLists.v1beta1Item(10), EventLists.v1beta1Item(11)));
      assertThat(post(http, hook.uri, beta, TOKEN).statusCode()).isEqualTo(200);
      assertThat(hook.stored()).isEqualTo(7);
      assertThat(
              hook.store.count(
                  EventQuery.builder()
                      .since(Instant.parse("2026-01-01T00:00:10Z"))
                      .until(Instant.parse("2026-01-01T00:00:12Z"))
                      .build()))
          .isEqualTo(2);

      // kube-apiserver resends after a timeout: nothing is stored twice.
      assertThat(post(http, hook.uri, EventLists.v1(0, 5), TOKEN).statusCode()).isEqualTo(200);
      assertThat(hook.stored()).isEqualTo(7);
      assertThat(hook.responses(3)).containsExactly(200, 200, 200);
    }
  }

  @ParameterizedTest
  @CsvSource({"RSA, PKCS8", "RSA, TRADITIONAL", "EC, PKCS8", "EC, TRADITIONAL"})
  void readsPrivateKeysInEveryPemForm(String algorithm, KeyFormat format) throws Exception {
    KeyPair keys = algorithm.equals("RSA") ? TestPki.rsa() : TestPki.ec();
    Issued leaf = TestPki.leaf("webhook", keys, ca);
    Path cert =
        TestPki.writeCertificate(dir.resolve("leaf.crt"), leaf.certificate(), ca.certificate());
    Path key = TestPki.writeKey(dir.resolve("leaf.key"), keys, format);
    assertThat(Files.readString(key))
        .contains(
            format == KeyFormat.PKCS8
                ? "BEGIN PRIVATE KEY"
                : "BEGIN " + algorithm + " PRIVATE KEY");
    WebhookOptions options = WebhookOptions.listen("127.0.0.1:0").withTls(cert, key);
    try (WebhookHarness hook = WebhookHarness.start(dir, options)) {
      HttpResponse<String> response =
          post(client(Optional.empty()), hook.uri, EventLists.v1(0, 1), "");
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(hook.stored()).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "not json at all | the body is not valid JSON",
        "[1,2] | the body is not a JSON object",
        "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\"} | kind: expected \"EventList\", got \"Event\"",
        "{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v2\",\"items\":[]} | apiVersion: expected one of",
        "{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\"} | items: missing",
        "{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"items\":[[]]} | items[0] is an array",
        "{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"items\":[{}]} {} | more than one JSON value",
      })
  void refusesAMalformedBodyWholeAndKeepsItInTheDeadLetters(String body, String reason)
      throws Exception {
    try (WebhookHarness hook = WebhookHarness.start(dir, WebhookOptions.listen("127.0.0.1:0"))) {
      HttpResponse<String> response = post(HttpClient.newHttpClient(), hook.uri, body, "");
      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(response.body()).contains(reason.replace("\"", "\\\""));
      assertThat(hook.stored()).isZero();
      assertThat(hook.deadLetters).hasSize(1);
      assertThat(hook.deadLetters.get(0).reason()).contains(reason);
      assertThat(hook.deadLetters.get(0).record()).contains(body);
    }
  }

  @Test
  void storesTheGoodItemsOfAListAndDeadLettersTheBadOnes() throws Exception {
    String bad = "{\"auditID\":\"broken\",\"stage\":\"ResponseComplete\"}";
    List<String> items = new ArrayList<>(EventLists.items(0, 3));
    items.add(1, bad);
    try (WebhookHarness hook = WebhookHarness.start(dir, WebhookOptions.listen("127.0.0.1:0"))) {
      HttpResponse<String> response =
          post(HttpClient.newHttpClient(), hook.uri, EventLists.list("audit.k8s.io/v1", items), "");
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).contains("1 invalid items went to the dead letters");
      assertThat(hook.stored()).isEqualTo(3);
      assertThat(hook.deadLetters).hasSize(1);
      WebhookHarness.Letter letter = hook.deadLetters.get(0);
      assertThat(letter.reason()).startsWith("items[1]: ");
      assertThat(letter.position()).endsWith("item:2");
      assertThat(letter.record()).contains(bad);
    }
  }

  @Test
  void authenticatesByClientCertificateAndBearerToken() throws Exception {
    try (WebhookHarness hook = WebhookHarness.start(dir, secured())) {
      String body = EventLists.v1(0, 1);
      HttpClient trusted = client(Optional.of(client));

      HttpResponse<String> noToken = post(trusted, hook.uri, body, "");
      assertThat(noToken.statusCode()).isEqualTo(401);
      assertThat(noToken.headers().firstValue("WWW-Authenticate")).contains("Bearer");
      assertThat(noToken.body()).contains("missing Authorization");
      assertThat(post(trusted, hook.uri, body, "wrong").statusCode()).isEqualTo(401);

      HttpResponse<String> noCertificate = post(client(Optional.empty()), hook.uri, body, TOKEN);
      assertThat(noCertificate.statusCode()).isEqualTo(401);
      assertThat(noCertificate.body()).contains("client certificate is required");

      HttpResponse<String> strangerCertificate =
          post(client(Optional.of(stranger)), hook.uri, body, TOKEN);
      assertThat(strangerCertificate.statusCode()).isEqualTo(403);
      assertThat(strangerCertificate.body()).contains("not signed by the client CA");
      assertThat(hook.stored()).isZero();

      HttpResponse<String> health =
          client(Optional.empty())
              .send(
                  HttpRequest.newBuilder(hook.uri("/healthz")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);

      // A rotated token file is read again: the new token works, the old one no longer does.
      Path tokenFile = dir.resolve("token");
      Files.writeString(tokenFile, "rotated-token");
      Files.setLastModifiedTime(tokenFile, FileTime.from(Instant.now().plusSeconds(5)));
      assertThat(post(trusted, hook.uri, body, TOKEN).statusCode()).isEqualTo(401);
      assertThat(post(trusted, hook.uri, body, "rotated-token").statusCode()).isEqualTo(200);
      assertThat(hook.stored()).isEqualTo(1);
      assertThat(hook.responses(7)).containsExactly(401, 401, 401, 403, 200, 401, 200);
    }
  }

  /**
   * A request refused before its body is read leaves the connection usable: the next request on it
   * is answered at once. The server used to read the rest of such a body after its answer, and over
   * TLS could take the client's next request in with it and never answer it (about 1% of requests
   * on a loaded machine, each then closed unanswered 30 to 40 s later).
   */
  @Test
  void answersTheNextRequestOnAConnectionWhoseLastRequestWasRefused() throws Exception {
    try (WebhookHarness hook = WebhookHarness.start(dir, secured())) {
      HttpClient trusted = client(Optional.of(client));
      String body = EventLists.v1(0, 20);
      for (int i = 0; i < 150; i++) {
        HttpResponse<String> refused =
            trusted.send(
                HttpRequest.newBuilder(hook.uri)
                    .timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer wrong")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(401);
        HttpResponse<String> health =
            trusted.send(
                HttpRequest.newBuilder(hook.uri("/healthz"))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
      }
      assertThat(hook.stored()).isZero();
    }
  }

  @Test
  void answers404And405AndRefusesCompressedBodies() throws Exception {
    try (WebhookHarness hook = WebhookHarness.start(dir, WebhookOptions.listen("127.0.0.1:0"))) {
      HttpClient http = HttpClient.newHttpClient();
      assertThat(post(http, hook.uri("/events"), EventLists.v1(0, 1), "").statusCode())
          .isEqualTo(404);
      HttpResponse<String> get =
          http.send(HttpRequest.newBuilder(hook.uri).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(get.statusCode()).isEqualTo(405);
      assertThat(get.headers().firstValue("Allow")).contains("POST");
      HttpResponse<String> put =
          http.send(
              HttpRequest.newBuilder(hook.uri)
                  .PUT(HttpRequest.BodyPublishers.ofString(EventLists.v1(0, 1)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(put.statusCode()).isEqualTo(405);
      HttpResponse<String> healthPost = post(http, hook.uri("/healthz"), "{}", "");
      assertThat(healthPost.statusCode()).isEqualTo(405);
      HttpResponse<String> gzip =
          http.send(
              HttpRequest.newBuilder(hook.uri)
                  .header("Content-Encoding", "gzip")
                  .POST(HttpRequest.BodyPublishers.ofString("x"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(gzip.statusCode()).isEqualTo(415);
      assertThat(hook.stored()).isZero();
      assertThat(hook.responses(5)).containsExactly(404, 405, 405, 405, 415);
    }
  }

  @Test
  void refusesBodiesOverTheLimitByLengthAndWhileReadingAChunkedBody() throws Exception {
    WebhookOptions options = WebhookOptions.listen("127.0.0.1:0").withMaxBodyBytes(4096);
    try (WebhookHarness hook = WebhookHarness.start(dir, options)) {
      HttpClient http = HttpClient.newHttpClient();
      String big = EventLists.v1(0, 20);
      assertThat(big.length()).isGreaterThan(4096);
      HttpResponse<String> declared = post(http, hook.uri, big, "");
      assertThat(declared.statusCode()).isEqualTo(413);
      assertThat(declared.body()).contains("4096 bytes (maxBodyBytes)");

      byte[] bytes = big.getBytes(StandardCharsets.UTF_8);
      HttpResponse<String> chunked =
          http.send(
              HttpRequest.newBuilder(hook.uri)
                  .POST(
                      HttpRequest.BodyPublishers.ofInputStream(
                          () -> new ByteArrayInputStream(bytes)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(chunked.statusCode()).isEqualTo(413);

      HttpResponse<String> smallChunked =
          http.send(
              HttpRequest.newBuilder(hook.uri)
                  .POST(
                      HttpRequest.BodyPublishers.ofInputStream(
                          () ->
                              new ByteArrayInputStream(
                                  EventLists.v1(0, 2).getBytes(StandardCharsets.UTF_8))))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(smallChunked.statusCode()).isEqualTo(200);
      assertThat(hook.stored()).isEqualTo(2);
    }
  }

  /** A sink that waits to be let through, like a store on a slow disk. */
  private static final class GatedSink implements Sink {
    private final Sink sink;
    final CountDownLatch entered = new CountDownLatch(1);
    final AtomicInteger inside = new AtomicInteger();
    final CountDownLatch gate = new CountDownLatch(1);

    GatedSink(Sink sink) {
      this.sink = sink;
    }

    @Override
    public Map<String, SourceCheckpoint> checkpoints() throws IOException {
      return sink.checkpoints();
    }

    @Override
    public AppendResult append(Batch batch) throws IOException {
      inside.incrementAndGet();
      entered.countDown();
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
      return sink.append(batch);
    }
  }

  @Test
  void answers429WithRetryAfterWhenThePipelineIsFull() throws Exception {
    GatedSink[] gated = new GatedSink[1];
    IngestOptions ingest = IngestOptions.builder().maxQueuedBytes(1).build();
    try (WebhookHarness hook =
        WebhookHarness.start(
            dir,
            WebhookOptions.listen("127.0.0.1:0"),
            ingest,
            sink -> gated[0] = new GatedSink(sink))) {
      HttpClient http = HttpClient.newHttpClient();
      try {
        // Two requests are appended at once, and stay in the sink; a third waits in the queue.
        CompletableFuture<HttpResponse<String>> first =
            postAsync(http, hook.uri, EventLists.v1(0, 3));
        awaitInside(gated[0], 1);
        CompletableFuture<HttpResponse<String>> second =
            postAsync(http, hook.uri, EventLists.v1(3, 3));
        awaitInside(gated[0], 2);
        long two = hook.pipeline.queuedBytes();
        CompletableFuture<HttpResponse<String>> third =
            postAsync(http, hook.uri, EventLists.v1(6, 3));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (hook.pipeline.queuedBytes() == two && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        HttpResponse<String> fourth = post(http, hook.uri, EventLists.v1(9, 3), "");
        assertThat(fourth.statusCode()).isEqualTo(429);
        assertThat(fourth.headers().firstValue("Retry-After")).contains("5");
        assertThat(fourth.body()).contains("maxQueuedBytes");

        gated[0].gate.countDown();
        assertThat(first.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(second.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(third.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(hook.stored()).isEqualTo(9);
        // The refused list, sent again, is taken.
        assertThat(post(http, hook.uri, EventLists.v1(9, 3), "").statusCode()).isEqualTo(200);
        assertThat(hook.stored()).isEqualTo(12);
      } finally {
        gated[0].gate.countDown();
      }
    }
  }

  private static void awaitInside(GatedSink sink, int appends) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (sink.inside.get() < appends && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(sink.inside.get()).isEqualTo(appends);
  }

  @Test
  void answers429AtOnceWhenEveryWorkerIsBusy() throws Exception {
    GatedSink[] gated = new GatedSink[1];
    WebhookOptions options = WebhookOptions.listen("127.0.0.1:0").withThreads(1, 1);
    try (WebhookHarness hook =
        WebhookHarness.start(
            dir, options, IngestOptions.defaults(), sink -> gated[0] = new GatedSink(sink))) {
      HttpClient http = HttpClient.newHttpClient();
      CompletableFuture<HttpResponse<String>> working =
          postAsync(http, hook.uri, EventLists.v1(0, 2));
      assertThat(gated[0].entered.await(30, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<HttpResponse<String>> waiting =
          postAsync(http, hook.uri, EventLists.v1(2, 2));
      Thread.sleep(500); // lets it reach the one place in the queue

      HttpResponse<String> refused = post(http, hook.uri, EventLists.v1(4, 2), "");
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(refused.headers().firstValue("Retry-After")).isPresent();
      assertThat(refused.body()).contains("workers are busy");

      gated[0].gate.countDown();
      assertThat(working.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      assertThat(waiting.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      assertThat(hook.stored()).isEqualTo(4);
    }
  }

  private static CompletableFuture<HttpResponse<String>> postAsync(
      HttpClient http, URI uri, String body) {
    return http.sendAsync(
        HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void answers503WhenTheStoreDoesNotCommitInTime() throws Exception {
    GatedSink[] gated = new GatedSink[1];
    WebhookOptions options =
        WebhookOptions.listen("127.0.0.1:0").withAckTimeout(Duration.ofMillis(300));
    try (WebhookHarness hook =
        WebhookHarness.start(
            dir, options, IngestOptions.defaults(), sink -> gated[0] = new GatedSink(sink))) {
      HttpResponse<String> response =
          post(HttpClient.newHttpClient(), hook.uri, EventLists.v1(0, 2), "");
      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.headers().firstValue("Retry-After")).isPresent();
      assertThat(response.body()).contains("ackTimeout");
      gated[0].gate.countDown();
    }
  }

  @Test
  void answers503WhenTheStoreFails() throws Exception {
    Sink failing =
        new Sink() {
          @Override
          public Map<String, SourceCheckpoint> checkpoints() {
            return Map.of();
          }

          @Override
          public AppendResult append(Batch batch) throws IOException {
            throw new IOException("No space left on device");
          }
        };
    try (WebhookHarness hook =
        WebhookHarness.start(
            dir, WebhookOptions.listen("127.0.0.1:0"), IngestOptions.defaults(), s -> failing)) {
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> first = post(http, hook.uri, EventLists.v1(0, 2), "");
      assertThat(first.statusCode()).isEqualTo(503);
      assertThat(first.body()).contains("No space left on device");
      HttpResponse<String> next = post(http, hook.uri, EventLists.v1(2, 2), "");
      assertThat(next.statusCode()).isEqualTo(503);
      assertThat(next.headers().firstValue("Retry-After")).isPresent();
      // The listener hears of the second answer just after the client has it.
      assertThat(hook.responses(2)).containsExactly(503, 503);
    }
  }

  @Test
  void takesConcurrentClients() throws Exception {
    try (WebhookHarness hook = WebhookHarness.start(dir, secured())) {
      HttpClient http = client(Optional.of(client));
      ExecutorService clients = Executors.newFixedThreadPool(4);
      try {
        List<Future<Integer>> results = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
          int first = c * 1000;
          results.add(
              clients.submit(
                  () -> {
                    int ok = 0;
                    for (int r = 0; r < 10; r++) {
                      int status =
                          post(http, hook.uri, EventLists.v1(first + r * 50, 50), TOKEN)
                              .statusCode();
                      ok += status == 200 ? 1 : 0;
                    }
                    return ok;
                  }));
        }
        for (Future<Integer> f : results) {
          assertThat(f.get(120, TimeUnit.SECONDS)).isEqualTo(10);
        }
      } finally {
        clients.shutdownNow();
      }
      assertThat(hook.stored()).isEqualTo(2000);
    }
  }

  @Test
  void refusesAnExposedListenerWithoutTlsOrClientAuthentication() throws Exception {
    try (AuditStore store = LuceneAuditStore.open(dir.resolve("store"), StoreOptions.defaults());
        Pipeline pipeline =
            new Pipeline(
                Sink.of(store),
                IngestOptions.defaults(),
                PipelineListener.NONE,
                DeadLetters.NONE)) {
      WebhookSource plain = new WebhookSource(WebhookOptions.listen("0.0.0.0:0"));
      assertThatThrownBy(() -> pipeline.run(plain))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("tlsCert");
      assertThat(plain.address()).isCompletedExceptionally();
      WebhookSource noClientAuth =
          new WebhookSource(
              WebhookOptions.listen("0.0.0.0:0")
                  .withTls(
                      TestPki.writeCertificate(dir.resolve("c.crt"), server.certificate()),
                      TestPki.writeKey(dir.resolve("c.key"), server.keys(), KeyFormat.PKCS8)));
      assertThatThrownBy(() -> pipeline.run(noClientAuth))
          .hasMessageContaining("clientCA or tokenFile");
    }
  }

  @Test
  void namesTheFileThatCannotBeRead() throws Exception {
    try (AuditStore store = LuceneAuditStore.open(dir.resolve("store"), StoreOptions.defaults());
        Pipeline pipeline =
            new Pipeline(
                Sink.of(store),
                IngestOptions.defaults(),
                PipelineListener.NONE,
                DeadLetters.NONE)) {
      WebhookSource missingKey =
          new WebhookSource(
              WebhookOptions.listen("127.0.0.1:0")
                  .withTls(
                      TestPki.writeCertificate(dir.resolve("c.crt"), server.certificate()),
                      dir.resolve("missing.key")));
      assertThatThrownBy(() -> pipeline.run(missingKey))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("tlsKey")
          .hasMessageContaining("missing.key");
      Path empty = Files.writeString(dir.resolve("empty-token"), "\n");
      WebhookSource emptyToken =
          new WebhookSource(WebhookOptions.listen("127.0.0.1:0").withTokenFile(empty));
      assertThatThrownBy(() -> pipeline.run(emptyToken)).hasMessageContaining("tokenFile");
    }
  }

  @Test
  void optionsRejectValuesThatCannotWork() {
    assertThatThrownBy(() -> WebhookOptions.listen("8443")).hasMessageContaining("host:port");
    assertThatThrownBy(() -> WebhookOptions.listen("127.0.0.1:99999"))
        .hasMessageContaining("port must be in [0, 65535]");
    assertThatThrownBy(() -> WebhookOptions.listen("127.0.0.1:0").withMaxBodyBytes(10))
        .hasMessageContaining("maxBodyBytes");
    assertThatThrownBy(() -> WebhookOptions.listen("127.0.0.1:0").withClientCA(Path.of("ca.crt")))
        .hasMessageContaining("clientCA needs TLS");
  }
}
