package io.kubetrail.collect;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.event.AuditDecodeException;
import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.AuditEventReader;
import io.kubetrail.event.DecodeLimits;
import io.kubetrail.store.AppendResult;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.Batch;
import io.kubetrail.store.EventQuery;
import io.kubetrail.store.SourceCheckpoint;
import io.kubetrail.store.StoreException;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.lucene.LuceneAuditStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The on-disk buffer, with a store that fails on demand: while it fails, sources go on and what
 * they hand over is durable on disk; once it is back, every event is stored once, in order; a full
 * buffer holds sources back; a restart (after a crash while buffering or draining) loses nothing
 * and stores nothing twice.
 */
class BufferedPipelineTest {
  private static final String KEY = "log";
  private static final Source SOURCE =
      new Source() {
        @Override
        public String name() {
          return "test";
        }

        @Override
        public void run(SourceContext context) {}
      };

  @TempDir Path dir;
  private AuditStore store;
  private FlakySink sink;

  /** A store that refuses every append while down, as an unreachable cluster does. */
  static final class FlakySink implements Sink {
    final AuditStore store;
    final AtomicBoolean down = new AtomicBoolean();
    final AtomicInteger refused = new AtomicInteger();

    FlakySink(AuditStore store) {
      this.store = store;
    }

    @Override
    public Map<String, SourceCheckpoint> checkpoints() throws IOException {
      return store.checkpoints();
    }

    @Override
    public AppendResult append(Batch batch) throws IOException {
      if (down.get()) {
        refused.incrementAndGet();
        throw new StoreException("http://127.0.0.1:1", "unreachable: connection refused");
      }
      return store.append(batch);
    }
  }

  @BeforeEach
  void open() throws IOException {
    store = LuceneAuditStore.open(dir.resolve("store"), StoreOptions.defaults());
    sink = new FlakySink(store);
  }

  @AfterEach
  void close() throws IOException {
    store.close();
  }

  private Pipeline pipeline(long maxBytes) throws IOException {
    return pipeline(maxBytes, IngestOptions.DEFAULT_MAX_QUEUED_BYTES);
  }

  private Pipeline pipeline(long maxBytes, int maxQueuedBytes) throws IOException {
    return new Pipeline(
        sink,
        IngestOptions.builder().retryAppends(true).maxQueuedBytes(maxQueuedBytes).build(),
        PipelineListener.NONE,
        DeadLetters.NONE,
        Optional.of(new BufferOptions(dir.resolve("buffer"), maxBytes)));
  }

  /** Hands over events {@code from} to {@code from + count - 1}, with the position after them. */
  private static CompletableFuture<Void> handOver(SourceWriter writer, int from, int count)
      throws IOException {
    for (int n = from; n < from + count; n++) {
      writer.accept(event(n));
    }
    writer.checkpoint(KEY, new SourceCheckpoint(Integer.toString(from + count)));
    return writer.flush();
  }

  private static AuditEvent event(int n) {
    try {
      return AuditEventReader.decode(
          AuditLines.get(n).getBytes(StandardCharsets.UTF_8), DecodeLimits.defaults());
    } catch (AuditDecodeException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void whileTheStoreIsDownBatchesAreDurableOnDiskAndStoredOnceInOrderWhenItIsBack()
      throws Exception {
    try (Pipeline pipeline = pipeline(BufferOptions.DEFAULT_MAX_BYTES)) {
      SourceWriter writer = pipeline.context(SOURCE).writer();
      handOver(writer, 0, 10).get(10, TimeUnit.SECONDS);
      sink.down.set(true);
      for (int b = 1; b < 6; b++) {
        // Acknowledged although the store refuses: the batch is synced in the buffer.
        handOver(writer, b * 10, 10).get(10, TimeUnit.SECONDS);
      }
      assertThat(pipeline.buffer().batches()).isGreaterThanOrEqualTo(1);
      assertThat(pipeline.buffer().bytes()).isPositive();
      assertThat(pipeline.buffer().oldest()).isPresent();
      assertThat(store.count(EventQuery.all())).isEqualTo(10);
      assertThat(store.checkpoints()).containsEntry(KEY, new SourceCheckpoint("10"));

      sink.down.set(false);
      await("the buffer drained", () -> pipeline.buffer().batches() == 0);
      handOver(writer, 60, 10).get(10, TimeUnit.SECONDS);
      pipeline.stop();
    }
    assertThat(sink.refused.get()).isPositive();
    assertThat(Following.storedIds(store)).containsExactlyElementsOf(Following.ids(0, 70));
    assertThat(store.checkpoints()).containsEntry(KEY, new SourceCheckpoint("70"));
    assertThat(store.verify().ok()).isTrue();
    assertThat(spoolFiles()).isEmpty();
  }

  @Test
  void aFullBufferHoldsTheSourceBackAndDropsNothing() throws Exception {
    // Room in memory for about one batch of 10 events, on disk for one.
    try (Pipeline pipeline = pipeline(4096, 8192)) {
      SourceWriter writer = pipeline.context(SOURCE).writer();
      sink.down.set(true);
      List<CompletableFuture<Void>> done = new ArrayList<>();
      CompletableFuture<Void> reading =
          CompletableFuture.runAsync(
              () -> {
                try {
                  for (int b = 0; b < 40; b++) {
                    done.add(handOver(writer, b * 10, 10));
                  }
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              });
      await("a full buffer", () -> pipeline.buffer().full());
      assertThat(pipeline.buffer().bytes()).isLessThanOrEqualTo(4096 + 16 * 1024);
      Thread.sleep(200);
      assertThat(reading).isNotDone(); // the source waits instead of losing anything
      SourceWriter other = pipeline.context(SOURCE).writer();
      other.accept(event(9999));
      // A source that must not wait (a webhook) is refused, and can tell why.
      if (other.tryFlush().isEmpty()) {
        assertThat(pipeline.context(SOURCE).buffer().full()).isTrue();
        other.discard();
      }

      sink.down.set(false);
      reading.get(60, TimeUnit.SECONDS);
      CompletableFuture.allOf(done.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
      await("the buffer drained", () -> pipeline.buffer().batches() == 0);
      pipeline.stop();
    }
    List<String> ids = Following.storedIds(store);
    ids.remove("id-9999");
    assertThat(ids).containsExactlyElementsOf(Following.ids(0, 400));
    assertThat(store.checkpoints()).containsEntry(KEY, new SourceCheckpoint("400"));
  }

  @Test
  void aRestartResumesAfterTheBufferedBatchesAndAppendingThemAgainStoresNothingTwice()
      throws Exception {
    sink.down.set(true);
    try (Pipeline first = pipeline(BufferOptions.DEFAULT_MAX_BYTES)) {
      SourceWriter writer = first.context(SOURCE).writer();
      for (int b = 0; b < 3; b++) {
        handOver(writer, b * 10, 10).get(10, TimeUnit.SECONDS);
      }
      // Stopped while the store is down: the buffer keeps what it holds for the next start.
      first.stop();
    }
    List<Path> buffered = spoolFiles();
    assertThat(buffered).isNotEmpty();
    Path copies = Files.createDirectories(dir.resolve("copies"));
    for (Path f : buffered) {
      Files.copy(f, copies.resolve(f.getFileName()));
    }
    // A batch whose writing a crash cut short was never acknowledged: it is ignored.
    Files.writeString(dir.resolve("buffer").resolve("batch-0000000000000000099.spool.tmp"), "cut");

    sink.down.set(false);
    try (Pipeline second = pipeline(BufferOptions.DEFAULT_MAX_BYTES)) {
      assertThat(second.context(SOURCE).checkpoint(KEY)).contains(new SourceCheckpoint("30"));
      await("the buffer drained", () -> second.buffer().batches() == 0);
      assertThat(second.stored()).isEqualTo(30);
      second.stop();
    }
    assertThat(Following.storedIds(store)).containsExactlyElementsOf(Following.ids(0, 30));

    // A crash after the store took the batches and before they left the buffer.
    for (Path f : buffered) {
      Files.copy(copies.resolve(f.getFileName()), f);
    }
    try (Pipeline third = pipeline(BufferOptions.DEFAULT_MAX_BYTES)) {
      await("the buffer drained", () -> third.buffer().batches() == 0);
      assertThat(third.stored()).isZero();
      assertThat(third.duplicates()).isEqualTo(30);
      third.stop();
    }
    assertThat(Following.storedIds(store)).containsExactlyElementsOf(Following.ids(0, 30));
    assertThat(store.checkpoints()).containsEntry(KEY, new SourceCheckpoint("30"));
    assertThat(spoolFiles()).isEmpty();
  }

  @Test
  void aDamagedBufferFileIsSetAsideAndReported() throws Exception {
    sink.down.set(true);
    try (Pipeline first = pipeline(BufferOptions.DEFAULT_MAX_BYTES)) {
      SourceWriter writer = first.context(SOURCE).writer();
      handOver(writer, 0, 10).get(10, TimeUnit.SECONDS);
      handOver(writer, 10, 10).get(10, TimeUnit.SECONDS);
      first.stop();
    }
    List<Path> files = spoolFiles();
    assertThat(files).hasSize(2);
    byte[] bytes = Files.readAllBytes(files.get(0));
    bytes[bytes.length / 2] ^= 0x55;
    Files.write(files.get(0), bytes);

    sink.down.set(false);
    List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    PipelineListener listener =
        new PipelineListener() {
          @Override
          public void appendFailed(Exception cause) {
            failures.add(cause.getMessage());
          }
        };
    try (Pipeline second =
        new Pipeline(
            sink,
            IngestOptions.builder().retryAppends(true).build(),
            listener,
            DeadLetters.NONE,
            Optional.of(new BufferOptions(dir.resolve("buffer"), 1 << 20)))) {
      await("the buffer drained", () -> second.buffer().batches() == 0);
      second.stop();
    }
    assertThat(failures).anyMatch(m -> m.contains("is damaged") && m.contains(".damaged"));
    assertThat(Following.storedIds(store)).containsExactlyElementsOf(Following.ids(10, 10));
    try (Stream<Path> left = Files.list(dir.resolve("buffer"))) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .anyMatch(n -> n.endsWith(".spool.damaged"));
    }
  }

  private List<Path> spoolFiles() throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve("buffer"))) {
      return files.filter(f -> f.getFileName().toString().endsWith(".spool")).sorted().toList();
    }
  }

  private static void await(String what, java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("waited 60 s for " + what);
      }
      Thread.sleep(10);
    }
  }
}
