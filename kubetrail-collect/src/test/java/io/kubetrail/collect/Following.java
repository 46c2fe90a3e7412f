package io.kubetrail.collect;

import io.kubetrail.event.SourcePosition;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.EventQuery;
import io.kubetrail.store.PageCursor;
import io.kubetrail.store.SearchPage;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** A pipeline running followed-file sources on their own threads, for tests. */
final class Following implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(30);

  final Pipeline pipeline;
  final List<String> rejections = new CopyOnWriteArrayList<>();
  final List<String> committedIds = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final List<Throwable> failures = new CopyOnWriteArrayList<>();

  Following(AuditStore store, IngestOptions options) throws IOException {
    PipelineListener listener =
        new PipelineListener() {
          @Override
          public void rejected(String source, SourcePosition position, String reason) {
            rejections.add(position + " " + reason);
          }

          @Override
          public void committed(
              List<io.kubetrail.store.StoredEvent> events,
              io.kubetrail.store.AppendResult result,
              List<SourceCommit> sources,
              long appendNanos) {
            events.forEach(e -> committedIds.add(e.event().auditID()));
          }
        };
    pipeline = new Pipeline(Sink.of(store), options, listener, DeadLetters.NONE);
  }

  Following start(Source source) {
    Thread t =
        new Thread(
            () -> {
              try {
                pipeline.run(source);
              } catch (Throwable e) {
                failures.add(e);
              }
            },
            "follow-" + source.name());
    t.setDaemon(true);
    t.start();
    threads.add(t);
    return this;
  }

  /** Stops the sources and the pipeline; true when every source returned within {@code wait}. */
  boolean stop(Duration wait) throws IOException, InterruptedException {
    pipeline.stop();
    long deadline = System.nanoTime() + wait.toNanos();
    boolean returned = true;
    for (Thread t : threads) {
      t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      returned &= !t.isAlive();
    }
    pipeline.close();
    if (!failures.isEmpty()) {
      throw new AssertionError("a source failed", failures.get(0));
    }
    return returned;
  }

  @Override
  public void close() throws IOException {
    try {
      if (!stop(WAIT)) {
        throw new AssertionError("a source did not stop within " + WAIT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while stopping", e);
    }
  }

  /** Waits (bounded) until {@code condition} holds; fails with {@code what} when it never does. */
  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("waited " + WAIT + " for " + what);
      }
      Thread.sleep(10);
    }
  }

  /**
   * Waits until the pipeline has stored {@code events} events in all, and its listener has heard of
   * them (it is told after the count is kept).
   */
  void awaitStored(long events) throws InterruptedException {
    await(
        events + " stored events (have " + pipeline.stored() + ")",
        () -> pipeline.stored() >= events && committedIds.size() >= events);
  }

  /** Every stored auditID, oldest first. */
  static List<String> storedIds(AuditStore store) throws IOException {
    List<String> ids = new ArrayList<>();
    Optional<PageCursor> cursor = Optional.empty();
    EventQuery oldestFirst = EventQuery.builder().order(EventQuery.Order.OLDEST_FIRST).build();
    do {
      SearchPage page = store.search(oldestFirst, 5000, cursor);
      page.events().forEach(e -> ids.add(e.event().auditID()));
      cursor = page.next();
    } while (cursor.isPresent());
    return ids;
  }

  /** {@code id-<from>} to {@code id-<from + count - 1>}, as {@link AuditLines} numbers them. */
  static List<String> ids(int from, int count) {
    List<String> ids = new ArrayList<>();
    for (int n = from; n < from + count; n++) {
      ids.add("id-" + n);
    }
    return ids;
  }
}
