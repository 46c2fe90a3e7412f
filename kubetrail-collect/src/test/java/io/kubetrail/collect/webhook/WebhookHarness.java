package io.kubetrail.collect.webhook;

import io.kubetrail.collect.DeadLetters;
import io.kubetrail.collect.IngestOptions;
import io.kubetrail.collect.Pipeline;
import io.kubetrail.collect.PipelineListener;
import io.kubetrail.collect.Sink;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.EventQuery;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.lucene.LuceneAuditStore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/** A webhook source on 127.0.0.1 feeding a real pipeline and Lucene store, for tests. */
final class WebhookHarness implements AutoCloseable {
  /** A dead letter as written. */
  record Letter(String source, String position, String reason, Optional<String> record) {}

  final AuditStore store;
  final Pipeline pipeline;
  final WebhookSource source;
  final URI uri;
  final List<Integer> responses = Collections.synchronizedList(new ArrayList<>());
  final List<Letter> deadLetters = Collections.synchronizedList(new ArrayList<>());
  private final Thread runner;
  private final AtomicReference<Exception> failure = new AtomicReference<>();

  /**
   * The statuses answered, once at least {@code count} are recorded: the listener hears of a
   * response just after the client has it, so the last one may still be on its way.
   */
  List<Integer> responses(int count) throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (responses.size() < count && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    synchronized (responses) {
      return List.copyOf(responses);
    }
  }

  /**
   * The statuses answered, once no new one has been recorded for a quarter of a second: for tests
   * that do not know how many requests their client sent, since the last response may still be on
   * its way to the listener.
   */
  List<Integer> settledResponses() throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    int seen = -1;
    while (responses.size() != seen && System.nanoTime() < deadline) {
      seen = responses.size();
      Thread.sleep(250);
    }
    synchronized (responses) {
      return List.copyOf(responses);
    }
  }

  private WebhookHarness(
      Path dir, WebhookOptions options, IngestOptions ingest, UnaryOperator<Sink> wrap)
      throws Exception {
    store = LuceneAuditStore.open(dir.resolve("store"), StoreOptions.defaults());
    PipelineListener listener =
        new PipelineListener() {
          @Override
          public void responded(String source, int status) {
            responses.add(status);
          }
        };
    DeadLetters letters =
        (source, position, reason, record) ->
            deadLetters.add(new Letter(source, position, reason, record));
    pipeline = new Pipeline(wrap.apply(Sink.of(store)), ingest, listener, letters);
    source = new WebhookSource(options);
    runner =
        new Thread(
            () -> {
              try {
                pipeline.run(source);
              } catch (Exception e) {
                failure.set(e);
              }
            },
            "webhook-test");
    runner.start();
    InetSocketAddress address = source.address().get(30, TimeUnit.SECONDS);
    uri =
        URI.create((options.tls() ? "https" : "http") + "://127.0.0.1:" + address.getPort() + "/");
  }

  static WebhookHarness start(Path dir, WebhookOptions options) throws Exception {
    return new WebhookHarness(dir, options, IngestOptions.defaults(), s -> s);
  }

  static WebhookHarness start(
      Path dir, WebhookOptions options, IngestOptions ingest, UnaryOperator<Sink> wrap)
      throws Exception {
    return new WebhookHarness(dir, options, ingest, wrap);
  }

  URI uri(String path) {
    return uri.resolve(path);
  }

  long stored() throws IOException {
    return store.count(EventQuery.all());
  }

  @Override
  public void close() throws IOException {
    pipeline.stop();
    try {
      runner.join(TimeUnit.SECONDS.toMillis(60));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      pipeline.close();
    } catch (IOException e) {
      // a test that made the store fail expects this
    } finally {
      store.close();
    }
    if (failure.get() != null) {
      throw new IOException("the webhook source failed", failure.get());
    }
  }
}
