package io.kubetrail.collect.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubetrail.collect.DeadLetters;
import io.kubetrail.collect.IngestOptions;
import io.kubetrail.collect.Pipeline;
import io.kubetrail.collect.PipelineListener;
import io.kubetrail.collect.Sink;
import io.kubetrail.collect.Source;
import io.kubetrail.collect.SourceContext;
import io.kubetrail.collect.SourceWriter;
import io.kubetrail.collect.forward.ForwardingOptions;
import io.kubetrail.collect.forward.ForwardingSink;
import io.kubetrail.collect.webhook.TestPki.Issued;
import io.kubetrail.collect.webhook.TestPki.KeyFormat;
import io.kubetrail.event.AuditDecodeException;
import io.kubetrail.event.AuditEventReader;
import io.kubetrail.event.DecodeLimits;
import io.kubetrail.store.AppendResult;
import io.kubetrail.store.Batch;
import io.kubetrail.store.SourceCheckpoint;
import io.kubetrail.store.StoredEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-node collectors forwarding to a central webhook, both in this process. */
class WebhookForwardingTest {
  private static final String TOKEN = "forwarding-token";
  private static Issued ca;
  private static Issued server;

  @TempDir Path dir;

  @BeforeAll
  static void pki() throws Exception {
    ca = TestPki.ca("central CA");
    server = TestPki.leaf("central", TestPki.rsa(), ca);
  }

  private WebhookOptions central() throws IOException {
    Path cert = TestPki.writeCertificate(dir.resolve("central.crt"), server.certificate());
    Path key = TestPki.writeKey(dir.resolve("central.key"), server.keys(), KeyFormat.TRADITIONAL);
    Path token = Files.writeString(dir.resolve("token"), TOKEN);
    return WebhookOptions.listen("127.0.0.1:0").withTls(cert, key).withTokenFile(token);
  }

  private ForwardingOptions forwarding(WebhookHarness central) throws IOException {
    Path caFile = TestPki.writeCertificate(dir.resolve("ca.crt"), ca.certificate());
    return ForwardingOptions.to(central.uri, dir.resolve("node/positions.json"))
        .withCaFile(caFile)
        .withTokenFile(dir.resolve("token"))
        .withLimits(40, 1024 * 1024);
  }

  /** Events of one node's log, read from where the last run stopped. */
  private static final class NodeLog implements Source {
    private final int events;

    NodeLog(int events) {
      this.events = events;
    }

    @Override
    public String name() {
      return "node-log";
    }

    @Override
    public void run(SourceContext context) throws IOException {
      SourceWriter writer = context.writer();
      int from = context.checkpoint("node-log").map(c -> Integer.parseInt(c.position())).orElse(0);
      for (int n = from; n < events; n++) {
        String json =
            "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\","
                + EventLists.item(n).substring(1);
        try {
          writer.accept(
              AuditEventReader.decode(
                  json.getBytes(StandardCharsets.UTF_8), DecodeLimits.defaults()));
        } catch (AuditDecodeException e) {
          throw new IllegalStateException(e);
        }
        writer.checkpoint("node-log", new SourceCheckpoint(Integer.toString(n + 1)));
        if ((n + 1) % 25 == 0) {
          writer.flush();
        }
      }
      writer.flush();
    }
  }

  private static List<Exception> collect(ForwardingOptions options, int events) throws Exception {
    IngestOptions ingest = IngestOptions.builder().retryAppends(true).build();
    List<Exception> failures = Collections.synchronizedList(new ArrayList<>());
    PipelineListener listener =
        new PipelineListener() {
          @Override
          public void appendFailed(Exception cause) {
            failures.add(cause);
          }
        };
    try (Pipeline collector =
        new Pipeline(ForwardingSink.create(options), ingest, listener, DeadLetters.NONE)) {
      collector.run(new NodeLog(events));
    }
    return failures;
  }

  @Test
  void eventsArriveExactlyOnceAndPositionsFollowWhatWasStored() throws Exception {
    try (WebhookHarness hook = WebhookHarness.start(dir.resolve("central"), central())) {
      ForwardingOptions options = forwarding(hook);
      assertThat(collect(options, 250)).isEmpty();

      assertThat(hook.stored()).isEqualTo(250);
      assertThat(ForwardingSink.create(options).checkpoints())
          .containsExactly(Map.entry("node-log", new SourceCheckpoint("250")));
      List<Integer> answered = hook.settledResponses();
      assertThat(answered).isNotEmpty().containsOnly(200);

      // Run again: the node resumes at its position and sends nothing.
      collect(options, 250);
      assertThat(hook.settledResponses()).hasSize(answered.size());

      // Its positions lost (a crash before the rename): everything is sent again, nothing stored
      // twice.
      Files.delete(options.positionsFile());
      collect(options, 250);
      assertThat(hook.stored()).isEqualTo(250);
      assertThat(hook.pipeline.duplicates()).isEqualTo(250);
    }
  }

  @Test
  void splitsABatchIntoRequestsWithinTheLimits() throws Exception {
    try (WebhookHarness hook = WebhookHarness.start(dir.resolve("central"), central())) {
      ForwardingSink sink = ForwardingSink.create(forwarding(hook).withLimits(10, 1024 * 1024));
      List<StoredEvent> events = new ArrayList<>();
      for (int n = 0; n < 25; n++) {
        String json =
            "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\","
                + EventLists.item(n).substring(1);
        events.add(
            new StoredEvent(
                "default",
                "pod-" + n,
                Instant.now(),
                AuditEventReader.decode(
                    json.getBytes(StandardCharsets.UTF_8), DecodeLimits.defaults())));
      }
      sink.append(new Batch(events, Map.of("node-log", new SourceCheckpoint("25"))));
      assertThat(hook.responses(3)).containsExactly(200, 200, 200);
      assertThat(hook.stored()).isEqualTo(25);
    }
  }

  @Test
  void aRefusedRequestThrowsNamingTheUrlAndStatusAndKeepsThePosition() throws Exception {
    try (WebhookHarness hook = WebhookHarness.start(dir.resolve("central"), central())) {
      ForwardingOptions options = forwarding(hook);
      Path wrong = Files.writeString(dir.resolve("wrong-token"), "not-the-token");
      ForwardingSink sink = ForwardingSink.create(options.withTokenFile(wrong));
      String json =
          "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\","
              + EventLists.item(1).substring(1);
      StoredEvent event =
          new StoredEvent(
              "default",
              "pod-1",
              Instant.now(),
              AuditEventReader.decode(
                  json.getBytes(StandardCharsets.UTF_8), DecodeLimits.defaults()));
      assertThatThrownBy(
              () ->
                  sink.append(
                      new Batch(List.of(event), Map.of("node-log", new SourceCheckpoint("1")))))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("POST " + hook.uri)
          .hasMessageContaining("answered 401")
          .hasMessageContaining("invalid bearer token");
      assertThat(sink.checkpoints()).isEmpty();
      assertThat(Files.exists(options.positionsFile())).isFalse();
    }
  }

  /** A central store that fails its first appends, like a disk that was full for a while. */
  private static final class FlakySink implements Sink {
    private final Sink sink;
    private final AtomicInteger failures;

    FlakySink(Sink sink, int failures) {
      this.sink = sink;
      this.failures = new AtomicInteger(failures);
    }

    @Override
    public Map<String, SourceCheckpoint> checkpoints() throws IOException {
      return sink.checkpoints();
    }

    @Override
    public AppendResult append(Batch batch) throws IOException {
      if (failures.getAndDecrement() > 0) {
        throw new IOException("No space left on device");
      }
      return sink.append(batch);
    }
  }

  @Test
  void aCentreAnswering503And429ForAWhileLosesNothing() throws Exception {
    IngestOptions centralIngest =
        IngestOptions.builder().retryAppends(true).maxQueuedBytes(1).build();
    WebhookOptions options = central().withAckTimeout(Duration.ofMillis(300));
    try (WebhookHarness hook =
        WebhookHarness.start(
            dir.resolve("central"), options, centralIngest, s -> new FlakySink(s, 2))) {
      ForwardingOptions forwarding = forwarding(hook);
      List<Exception> refused = collect(forwarding, 100);

      assertThat(refused)
          .isNotEmpty()
          .allSatisfy(e -> assertThat(e).hasMessageContaining("POST " + hook.uri + " answered "));
      assertThat(hook.stored()).isEqualTo(100);
      assertThat(hook.settledResponses()).containsAnyOf(503, 429).endsWith(200);
      assertThat(ForwardingSink.create(forwarding).checkpoints())
          .containsExactly(Map.entry("node-log", new SourceCheckpoint("100")));
    }
  }
}
