package io.kubetrail.collect;

import io.kubetrail.store.AppendResult;
import io.kubetrail.store.StoredEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The time up to which every event has arrived in the store, from each source's committed events:
 * what scheduled reports wait for. A source vouches for the time of its newest committed event,
 * less {@link #REORDER} (events of several API servers arrive a little out of order). A source that
 * has committed nothing for {@link #QUIET} while nothing is queued is idle: it vouches for the
 * clock less {@code QUIET}, so a quiet cluster does not hold reports back forever. The complete
 * time is the earliest any source vouches for.
 */
public final class CommitWatermark implements PipelineListener {
  /** How far out of order events of one source may arrive, as the checkpoints hold back. */
  public static final Duration REORDER = Duration.ofSeconds(10);

  /** How long a source must have committed nothing to count as idle. */
  public static final Duration QUIET = Duration.ofMinutes(5);

  private final Clock clock;
  private final LongSupplier queuedBytes;
  private final Instant started;
  private final Map<String, Source> sources = new ConcurrentHashMap<>();

  private static final class Source {
    volatile long newestMicros;
    volatile Instant lastCommit;

    Source(Instant since) {
      lastCommit = since;
    }
  }

  /**
   * @param sources the names of every source, known before any commit
   * @param queuedBytes what the pipeline holds and has not stored yet
   */
  public CommitWatermark(Collection<String> sources, LongSupplier queuedBytes, Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.queuedBytes = Objects.requireNonNull(queuedBytes, "queuedBytes");
    this.started = clock.instant();
    sources.forEach(s -> this.sources.put(s, new Source(started)));
  }

  @Override
  public void committed(
      List<StoredEvent> events, AppendResult result, List<SourceCommit> commits, long nanos) {
    Instant now = clock.instant();
    for (SourceCommit c : commits) {
      Source s = sources.computeIfAbsent(c.source(), k -> new Source(started));
      if (c.newestEventMicros() > 0) {
        s.newestMicros = Math.max(s.newestMicros, c.newestEventMicros());
        s.lastCommit = now;
      }
    }
  }

  /** The time up to which every event has arrived; empty while some source vouches for none. */
  public Optional<Instant> complete() {
    Instant now = clock.instant();
    boolean drained = queuedBytes.getAsLong() == 0;
    Instant complete = null;
    for (Source s : sources.values()) {
      Instant vouched = Instant.EPOCH;
      if (s.newestMicros > 0) {
        vouched = Instant.EPOCH.plusNanos(s.newestMicros * 1000).minus(REORDER);
      }
      if (drained && !s.lastCommit.isAfter(now.minus(QUIET))) {
        Instant idle = now.minus(QUIET);
        vouched = idle.isAfter(vouched) ? idle : vouched;
      }
      complete = complete == null || vouched.isBefore(complete) ? vouched : complete;
    }
    return complete == null || complete.equals(Instant.EPOCH)
        ? Optional.empty()
        : Optional.of(complete);
  }
}
