package io.kubetrail.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.collect.BufferOptions;
import io.kubetrail.collect.DeadLetters;
import io.kubetrail.collect.FollowedFileSource;
import io.kubetrail.collect.IngestOptions;
import io.kubetrail.collect.Pipeline;
import io.kubetrail.collect.PipelineListener;
import io.kubetrail.collect.Sink;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.EventQuery;
import io.kubetrail.store.PageCursor;
import io.kubetrail.store.SearchPage;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.StoredEvent;
import io.kubetrail.store.TestEvents;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A collector following an audit log into OpenSearch while the cluster is killed and restarted: it
 * reads on while the cluster is down, keeping the batches in its on-disk buffer, and once the
 * cluster is back every published event is stored, once.
 */
class CollectBufferRestartTest {
  private static final Duration WAIT = Duration.ofMinutes(3);

  @TempDir Path dir;

  @Test
  void aCollectorReadsOnWhileTheClusterIsDownAndStoresEveryEventOnceWhenItIsBack()
      throws Exception {
    OpenSearchNode node = OpenSearchNode.shared();
    OpenSearchOptions parsed = OpenSearchOptions.parse(node.freshLocation("buffer"), Map.of());
    // Fewer retries than by default, so that the first failed append gives up in a second.
    OpenSearchOptions options =
        parsed.withRetries(
            Duration.ofSeconds(10),
            2,
            Duration.ofSeconds(OpenSearchOptions.DEFAULT_CONNECT_TIMEOUT_SECONDS),
            OpenSearchOptions.DEFAULT_CONNECT_RETRIES);
    Path log = dir.resolve("kube-audit.log");
    Files.createFile(log);
    AtomicLong read = new AtomicLong();
    PipelineListener counting =
        new PipelineListener() {
          @Override
          public void read(String source, long records, long bytes) {
            read.addAndGet(records);
          }
        };
    List<String> published = new ArrayList<>();
    try (AuditStore store = OpenSearchAuditStore.open(options, StoreOptions.defaults())) {
      Pipeline pipeline =
          new Pipeline(
              Sink.of(store),
              IngestOptions.builder().retryAppends(true).batchEvents(100).build(),
              counting,
              DeadLetters.NONE,
              Optional.of(new BufferOptions(dir.resolve("buffer"), 64L << 20)));
      FollowedFileSource source =
          FollowedFileSource.of(
              log, FollowedFileSource.Options.defaults().withPoll(Duration.ofMillis(20)));
      CompletableFuture<Void> collecting =
          CompletableFuture.runAsync(
              () -> {
                try {
                  pipeline.run(source);
                } catch (IOException | InterruptedException e) {
                  throw new IllegalStateException(e);
                }
              });

      publish(log, published, 0, 300);
      await("300 stored", () -> pipeline.stored() == 300);

      node.kill();
      for (int part = 0; part < 5; part++) {
        publish(log, published, 300 + part * 100, 100);
        Thread.sleep(100);
      }
      // The cluster is down, and the source has read everything all the same.
      await("800 read", () -> read.get() == 800);
      await("batches buffered", () -> pipeline.buffer().batches() > 0);
      assertThat(pipeline.stored()).isEqualTo(300);
      assertThat(pipeline.buffer().oldest()).isPresent();

      node.restart();
      await("the buffer drained", () -> pipeline.buffer().batches() == 0);
      publish(log, published, 800, 200);
      await("every event stored", () -> pipeline.stored() + pipeline.duplicates() >= 1000);

      pipeline.stop();
      collecting.get(1, TimeUnit.MINUTES);
      pipeline.close();

      List<String> stored = storedIds(store);
      assertThat(stored).hasSize(published.size());
      assertThat(stored).containsExactlyInAnyOrderElementsOf(published);
      assertThat(store.count(EventQuery.all())).isEqualTo(published.size());
      assertThat(store.verify().ok()).isTrue();
    }
  }

  /** Appends events {@code from}.. to the log, and their auditIDs to {@code published}. */
  static void publish(Path log, List<String> published, int from, int count) throws IOException {
    StringBuilder lines = new StringBuilder();
    for (int n = from; n < from + count; n++) {
      StoredEvent e = TestEvents.event("buffered-" + n).at(n).build();
      lines.append(new String(e.event().json().toByteArray(), StandardCharsets.UTF_8));
      lines.append('\n');
      published.add(e.event().auditID());
    }
    Files.writeString(log, lines, StandardOpenOption.APPEND);
  }

  static List<String> storedIds(AuditStore store) throws IOException {
    List<String> ids = new ArrayList<>();
    Optional<PageCursor> cursor = Optional.empty();
    do {
      SearchPage page = store.search(EventQuery.all(), 500, cursor);
      page.events().forEach(e -> ids.add(e.event().auditID()));
      cursor = page.next();
    } while (cursor.isPresent());
    return ids;
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("waited " + WAIT + " for " + what);
      }
      Thread.sleep(20);
    }
  }
}
