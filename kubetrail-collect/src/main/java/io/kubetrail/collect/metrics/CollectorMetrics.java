package io.kubetrail.collect.metrics;

import io.kubetrail.collect.BufferState;
import io.kubetrail.collect.PipelineListener;
import io.kubetrail.event.SourcePosition;
import io.kubetrail.store.AppendResult;
import io.kubetrail.store.StoreUnavailableException;
import io.kubetrail.store.StoredEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Counts what the pipeline does, per source, as Prometheus metrics and as a {@link
 * CollectorStatus}:
 *
 * <ul>
 *   <li>{@code kubetrail_source_records_total}, {@code kubetrail_source_bytes_total}: read;
 *   <li>{@code kubetrail_source_stored_total}: events in committed batches;
 *   <li>{@code kubetrail_source_malformed_total}, {@code kubetrail_source_dead_lettered_total};
 *   <li>{@code kubetrail_source_lag_seconds}: at the last commit, how far its newest event was
 *       behind the clock;
 *   <li>{@code kubetrail_webhook_responses_total{source, code}};
 *   <li>{@code kubetrail_commit_seconds}: how long each append took; {@code
 *       kubetrail_append_failures_total}; {@code kubetrail_queued_bytes};
 *   <li>{@code kubetrail_buffer_bytes}, {@code kubetrail_buffer_batches}, {@code
 *       kubetrail_buffer_oldest_age_seconds}: the on-disk buffer of batches the store did not take
 *       yet (0 when empty), and {@code kubetrail_buffer_full} (1 while it has no room);
 *   <li>{@code kubetrail_store_reachable}: 0 from a failure to reach the store (an OpenSearch
 *       cluster that refuses connections, or does not answer) until the next append it takes, else
 *       1.
 * </ul>
 */
public final class CollectorMetrics implements PipelineListener {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<String, PerSource> sources = new ConcurrentHashMap<>();
  private final Timer commits;
  private final Counter appendFailures;
  private final AtomicReference<String> lastError = new AtomicReference<>("");
  private final AtomicReference<String> storeUnreachable = new AtomicReference<>("");
  private final AtomicLong lastFailureNanos = new AtomicLong();
  private final AtomicLong lastSuccessNanos = new AtomicLong(System.nanoTime());
  private final boolean deadLettering;
  private final Clock clock;
  private final LongSupplier queuedBytes;
  private final Supplier<BufferState> buffer;

  /**
   * @param deadLettering whether rejected records go to a dead-letter file
   * @param queuedBytes the pipeline's queue, read when scraped
   */
  public CollectorMetrics(boolean deadLettering, Clock clock, LongSupplier queuedBytes) {
    this(deadLettering, clock, queuedBytes, () -> BufferState.EMPTY);
  }

  /**
   * @param deadLettering whether rejected records go to a dead-letter file
   * @param queuedBytes the pipeline's queue, read when scraped
   * @param buffer the pipeline's on-disk buffer, read when scraped
   */
  public CollectorMetrics(
      boolean deadLettering, Clock clock, LongSupplier queuedBytes, Supplier<BufferState> buffer) {
    this.deadLettering = deadLettering;
    this.clock = clock;
    this.queuedBytes = queuedBytes;
    this.buffer = buffer;
    this.commits =
        Timer.builder("kubetrail.commit")
            .description("How long appending a batch to the store took")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
    this.appendFailures =
        Counter.builder("kubetrail.append.failures")
            .description("Appends that failed (retried with growing pauses)")
            .register(registry);
    registry.gauge("kubetrail.queued.bytes", this, m -> m.queuedBytes.getAsLong());
    Gauge.builder("kubetrail.buffer.bytes", this, m -> m.buffer.get().bytes())
        .description("Bytes of batches in the on-disk buffer, waiting for the store")
        .register(registry);
    Gauge.builder("kubetrail.buffer.batches", this, m -> m.buffer.get().batches())
        .description("Batches in the on-disk buffer, waiting for the store")
        .register(registry);
    Gauge.builder("kubetrail.buffer.oldest.age.seconds", this, CollectorMetrics::oldestAgeSeconds)
        .description("How long the oldest batch in the on-disk buffer has waited; 0 when empty")
        .register(registry);
    Gauge.builder("kubetrail.buffer.full", this, m -> m.buffer.get().full() ? 1 : 0)
        .description("1 while the on-disk buffer has no room: sources wait")
        .register(registry);
    Gauge.builder(
            "kubetrail.store.reachable", this, m -> m.storeUnreachable.get().isEmpty() ? 1 : 0)
        .description("0 while the store cannot be reached: batches wait in the on-disk buffer")
        .register(registry);
  }

  /**
   * The store could not be reached, outside of an append (when the collector started): shown until
   * an append succeeds.
   */
  public void storeUnreachable(StoreUnavailableException cause) {
    storeUnreachable.set(String.valueOf(cause.getMessage()));
  }

  private double oldestAgeSeconds() {
    return buffer
        .get()
        .oldest()
        .map(t -> Math.max(0, Duration.between(t, clock.instant()).toMillis() / 1000.0))
        .orElse(0.0);
  }

  /** Registers a source before it reads, so that it shows with zero counts. */
  public void register(String source) {
    perSource(source);
  }

  private PerSource perSource(String source) {
    return sources.computeIfAbsent(source, s -> new PerSource(s, registry));
  }

  @Override
  public void read(String source, long records, long bytes) {
    PerSource s = perSource(source);
    s.records.increment(records);
    s.bytes.increment(bytes);
    s.read.addAndGet(records);
    s.byteCount.addAndGet(bytes);
  }

  @Override
  public void rejected(String source, SourcePosition position, String reason) {
    PerSource s = perSource(source);
    s.malformed.increment();
    s.malformedCount.incrementAndGet();
    if (deadLettering) {
      s.deadLettered.increment();
      s.deadLetteredCount.incrementAndGet();
    }
  }

  @Override
  public void committed(
      List<StoredEvent> events, AppendResult result, List<SourceCommit> commits, long appendNanos) {
    this.commits.record(appendNanos, TimeUnit.NANOSECONDS);
    lastSuccessNanos.set(System.nanoTime());
    storeUnreachable.set("");
    long nowMicros = micros(clock.instant());
    for (SourceCommit c : commits) {
      PerSource s = perSource(c.source());
      s.stored.increment(c.events());
      s.storedCount.addAndGet(c.events());
      if (c.newestEventMicros() > 0) {
        s.newestMicros.accumulateAndGet(c.newestEventMicros(), Math::max);
        s.lagMicros.set(Math.max(0, nowMicros - c.newestEventMicros()));
      }
    }
  }

  @Override
  public void responded(String source, int status) {
    registry
        .counter("kubetrail.webhook.responses", "source", source, "code", Integer.toString(status))
        .increment();
  }

  @Override
  public void appendFailed(Exception cause) {
    appendFailures.increment();
    lastFailureNanos.set(System.nanoTime());
    lastError.set(String.valueOf(cause.getMessage()));
    for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof StoreUnavailableException) {
        storeUnreachable.set(String.valueOf(t.getMessage()));
        break;
      }
    }
  }

  /**
   * True unless the last append failed and none succeeded since, and the on-disk buffer does not
   * take the batches instead (there is none, it is full, or writing to it failed): a collector
   * whose store is down but whose buffer keeps what it reads is working.
   */
  public boolean healthy() {
    if (lastFailureNanos.get() == 0 || lastSuccessNanos.get() - lastFailureNanos.get() > 0) {
      return true;
    }
    BufferState b = buffer.get();
    return b.batches() > 0 && !b.full();
  }

  /** The metrics in Prometheus' text format. */
  public String scrape() {
    return registry.scrape();
  }

  /**
   * The counts as a status to write for {@code kubetrail status}.
   *
   * @param stopped whether this is the last status, written as the collector stops
   */
  public CollectorStatus status(boolean stopped) {
    List<CollectorStatus.Source> list = new ArrayList<>();
    sources.values().stream()
        .sorted((a, b) -> a.name.compareTo(b.name))
        .forEach(
            s ->
                list.add(
                    new CollectorStatus.Source(
                        s.name,
                        s.read.get(),
                        s.byteCount.get(),
                        s.storedCount.get(),
                        s.malformedCount.get(),
                        s.deadLetteredCount.get(),
                        s.newestMicros.get() == 0 ? "" : instant(s.newestMicros.get()).toString(),
                        s.lagMicros.get() / 1e6)));
    BufferState b = buffer.get();
    return new CollectorStatus(
        clock.instant().toString(),
        ProcessHandle.current().pid(),
        list,
        queuedBytes.getAsLong(),
        b.bytes(),
        b.batches(),
        b.oldest().map(Instant::toString).orElse(""),
        (long) appendFailures.count(),
        lastError.get(),
        stopped,
        storeUnreachable.get());
  }

  private static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
  }

  private static Instant instant(long micros) {
    return Instant.ofEpochSecond(micros / 1_000_000L, (micros % 1_000_000L) * 1000);
  }

  /** One source's meters and the same counts kept for the status file. */
  private static final class PerSource {
    final String name;
    final Counter records;
    final Counter bytes;
    final Counter stored;
    final Counter malformed;
    final Counter deadLettered;
    final AtomicLong read = new AtomicLong();
    final AtomicLong byteCount = new AtomicLong();
    final AtomicLong storedCount = new AtomicLong();
    final AtomicLong malformedCount = new AtomicLong();
    final AtomicLong deadLetteredCount = new AtomicLong();
    final AtomicLong newestMicros = new AtomicLong();
    final AtomicLong lagMicros = new AtomicLong();

    PerSource(String name, PrometheusMeterRegistry registry) {
      this.name = name;
      this.records = counter(registry, "kubetrail.source.records", "Records read", name);
      this.bytes = counter(registry, "kubetrail.source.bytes", "Bytes of events read", name);
      this.stored = counter(registry, "kubetrail.source.stored", "Events committed", name);
      this.malformed = counter(registry, "kubetrail.source.malformed", "Records rejected", name);
      this.deadLettered =
          counter(registry, "kubetrail.source.dead.lettered", "Records dead-lettered", name);
      registry.gauge(
          "kubetrail.source.lag.seconds",
          List.of(io.micrometer.core.instrument.Tag.of("source", name)),
          lagMicros,
          l -> l.get() / 1e6);
    }

    private static Counter counter(
        PrometheusMeterRegistry registry, String name, String description, String source) {
      return Counter.builder(name)
          .description(description)
          .tag("source", source)
          .register(registry);
    }
  }
}
