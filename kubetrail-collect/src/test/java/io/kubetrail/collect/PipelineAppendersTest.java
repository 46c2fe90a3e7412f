package io.kubetrail.collect;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.event.AuditDecodeException;
import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.AuditEventReader;
import io.kubetrail.event.DecodeLimits;
import io.kubetrail.store.AppendResult;
import io.kubetrail.store.Batch;
import io.kubetrail.store.SourceCheckpoint;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The pipeline's appenders: independent hand-overs (a webhook's requests) are appended at once;
 * hand-overs with positions one at a time, in the order handed over.
 */
class PipelineAppendersTest {

  /** Holds every append until let through; counts how many were inside at once. */
  private static final class GatedSink implements Sink {
    final CountDownLatch gate = new CountDownLatch(1);
    final AtomicInteger inside = new AtomicInteger();
    final AtomicInteger mostInside = new AtomicInteger();
    final List<String> order = new CopyOnWriteArrayList<>();

    @Override
    public Map<String, SourceCheckpoint> checkpoints() {
      return Map.of();
    }

    @Override
    public AppendResult append(Batch batch) {
      mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
      try {
        gate.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      batch.checkpoints().forEach((k, v) -> order.add(k + "=" + v.position()));
      inside.decrementAndGet();
      return new AppendResult(0, batch.events().size(), OptionalLong.empty());
    }
  }

  private static Source source(String name) {
    return new Source() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public void run(SourceContext context) {}
    };
  }

  private static AuditEvent event(int n) throws AuditDecodeException {
    return AuditEventReader.decode(
        AuditLines.get(n).getBytes(StandardCharsets.UTF_8), DecodeLimits.defaults());
  }

  private static Pipeline pipeline(Sink sink) throws Exception {
    return new Pipeline(sink, IngestOptions.defaults(), PipelineListener.NONE, DeadLetters.NONE);
  }

  @Test
  void independentHandOversAreAppendedAtOnce() throws Exception {
    GatedSink sink = new GatedSink();
    try (Pipeline pipeline = pipeline(sink)) {
      SourceContext context = pipeline.context(source("webhook"));
      SourceWriter first = context.requestWriter();
      first.accept(event(0));
      CompletableFuture<Void> one = first.flush();
      awaitInside(sink, 1);
      SourceWriter second = context.requestWriter();
      second.accept(event(1));
      CompletableFuture<Void> two = second.flush();
      awaitInside(sink, 2);
      sink.gate.countDown();
      one.get(30, TimeUnit.SECONDS);
      two.get(30, TimeUnit.SECONDS);
      assertThat(sink.mostInside.get()).isEqualTo(2);
      assertThat(pipeline.duplicates()).isEqualTo(2);
    }
  }

  @Test
  void handOversWithPositionsAreAppendedOneAtATimeInOrder() throws Exception {
    GatedSink sink = new GatedSink();
    try (Pipeline pipeline = pipeline(sink)) {
      SourceWriter file = pipeline.context(source("file")).writer();
      // A request writer's hand-over with a position is in order too.
      SourceWriter request = pipeline.context(source("webhook")).requestWriter();
      file.accept(event(0));
      file.checkpoint("file", new SourceCheckpoint("1"));
      CompletableFuture<Void> one = file.flush();
      awaitInside(sink, 1);
      request.accept(event(1));
      request.checkpoint("webhook", new SourceCheckpoint("2"));
      CompletableFuture<Void> two = request.flush();
      file.accept(event(2));
      file.checkpoint("file", new SourceCheckpoint("3"));
      CompletableFuture<Void> three = file.flush();
      // The second appender is free, but neither waiting batch may go before the first is done.
      Thread.sleep(200);
      assertThat(sink.inside.get()).isEqualTo(1);
      sink.gate.countDown();
      one.get(30, TimeUnit.SECONDS);
      two.get(30, TimeUnit.SECONDS);
      three.get(30, TimeUnit.SECONDS);
      assertThat(sink.mostInside.get()).isEqualTo(1);
      assertThat(sink.order).containsSubsequence("file=1", "file=3").contains("webhook=2");
    }
  }

  private static void awaitInside(GatedSink sink, int appends) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (sink.inside.get() < appends && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(sink.inside.get()).isEqualTo(appends);
  }
}
