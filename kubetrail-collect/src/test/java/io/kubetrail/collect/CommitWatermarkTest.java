package io.kubetrail.collect;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.collect.PipelineListener.SourceCommit;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** What scheduled reports wait for: every source's newest committed event, or its being idle. */
class CommitWatermarkTest {
  private static final Instant T = Instant.parse("2026-01-01T12:00:00Z");

  /** A clock the test moves. */
  private static final class Moving extends Clock {
    Instant now = T;

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000 + t.getNano() / 1000;
  }

  @Test
  void theSlowestSourceHoldsTheWatermarkBack() {
    Moving clock = new Moving();
    AtomicLong queued = new AtomicLong();
    CommitWatermark w = new CommitWatermark(List.of("a", "b"), queued::get, clock);
    assertThat(w.complete()).as("nothing known yet").isEmpty();
    w.committed(List.of(), null, List.of(new SourceCommit("a", 5, micros(T.minusSeconds(60)))), 0);
    assertThat(w.complete()).isEmpty();
    w.committed(List.of(), null, List.of(new SourceCommit("b", 5, micros(T.minusSeconds(30)))), 0);
    assertThat(w.complete()).contains(T.minusSeconds(70));
  }

  @Test
  void aSourceQuietForFiveMinutesWithNothingQueuedIsIdle() {
    Moving clock = new Moving();
    AtomicLong queued = new AtomicLong(100);
    CommitWatermark w = new CommitWatermark(List.of("a", "quiet"), queued::get, clock);
    w.committed(List.of(), null, List.of(new SourceCommit("a", 5, micros(T))), 0);
    clock.now = T.plus(CommitWatermark.QUIET);
    w.committed(List.of(), null, List.of(new SourceCommit("a", 5, micros(clock.now))), 0);
    assertThat(w.complete()).as("events still queued").isEmpty();
    queued.set(0);
    assertThat(w.complete()).contains(T);
  }
}
