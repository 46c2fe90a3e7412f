package io.kubetrail.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReadAheadTest {

  private static List<StoredEvent> events(int n) {
    List<StoredEvent> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(TestEvents.event("e-" + i).build());
    }
    return list;
  }

  /** A stream of a list that fails after it, when told to, and counts reads and closes. */
  private static final class ListStream implements EventStream {
    final List<StoredEvent> events;
    final Optional<IOException> failure;
    final AtomicInteger reads = new AtomicInteger();
    final AtomicBoolean closed = new AtomicBoolean();
    int index;

    ListStream(List<StoredEvent> events, Optional<IOException> failure) {
      this.events = events;
      this.failure = failure;
    }

    @Override
    public Optional<StoredEvent> next() throws IOException {
      reads.incrementAndGet();
      if (index < events.size()) {
        return Optional.of(events.get(index++));
      }
      if (failure.isPresent()) {
        throw failure.get();
      }
      return Optional.empty();
    }

    @Override
    public void close() {
      closed.set(true);
    }
  }

  @Test
  void givesEveryEventInOrderWhateverTheCountAgainstTheChunkSize() throws IOException {
    for (int n :
        new int[] {0, 1, ReadAhead.CHUNK - 1, ReadAhead.CHUNK, ReadAhead.CHUNK + 1, 3000}) {
      List<StoredEvent> all = events(n);
      ListStream source = new ListStream(all, Optional.empty());
      try (EventStream s = ReadAhead.of(source)) {
        assertThat(s.toList()).as("%d events", n).containsExactlyElementsOf(all);
        assertThat(s.next()).isEmpty();
      }
      assertThat(source.closed).isTrue();
    }
  }

  @Test
  void aFailureComesAfterTheEventsReadBeforeIt() throws IOException {
    IOException damaged = new StoreCorruptException("events-000001.blk", "block 7 is damaged");
    List<StoredEvent> all = events(ReadAhead.CHUNK + 10);
    List<StoredEvent> got = new ArrayList<>();
    try (EventStream s = ReadAhead.of(new ListStream(all, Optional.of(damaged)))) {
      assertThatThrownBy(
              () -> {
                for (Optional<StoredEvent> e = s.next(); e.isPresent(); e = s.next()) {
                  got.add(e.get());
                }
              })
          .isSameAs(damaged);
    }
    assertThat(got).containsExactlyElementsOf(all);
  }

  @Test
  void closingEarlyStopsTheReaderAndClosesTheSource() throws IOException {
    ListStream source = new ListStream(events(100_000), Optional.empty());
    EventStream s = ReadAhead.of(source);
    assertThat(s.next()).isPresent();
    s.close();
    int reads = source.reads.get();

    assertThat(source.closed).isTrue();
    assertThat(reads).isLessThan(100_000);
    assertThat(source.reads.get()).as("no reads once closed").isEqualTo(reads);
  }

  @Test
  void mappedPreparesEachEventInOrderOnTheReadingThread() throws IOException {
    List<StoredEvent> all = events(ReadAhead.CHUNK * 2 + 3);
    List<String> threads = new ArrayList<>();
    List<StoredEvent> got = new ArrayList<>();
    try (ReadAhead<StoredEvent> s =
        ReadAhead.mapped(
            new ListStream(all, Optional.empty()),
            e -> {
              threads.add(Thread.currentThread().getName());
              return e;
            })) {
      for (Optional<StoredEvent> e = s.next(); e.isPresent(); e = s.next()) {
        got.add(e.get());
      }
    }
    assertThat(got).containsExactlyElementsOf(all);
    assertThat(threads).hasSize(all.size()).containsOnly("kubetrail-read-ahead");
  }

  @Test
  void aFailureToPrepareComesAfterTheItemsBeforeIt() throws IOException {
    List<StoredEvent> all = events(ReadAhead.CHUNK + 10);
    StoredEvent bad = all.get(ReadAhead.CHUNK + 5);
    IllegalStateException failure = new IllegalStateException("cannot prepare");
    List<StoredEvent> got = new ArrayList<>();
    try (ReadAhead<StoredEvent> s =
        ReadAhead.mapped(
            new ListStream(all, Optional.empty()),
            e -> {
              if (e == bad) {
                throw failure;
              }
              return e;
            })) {
      assertThatThrownBy(
              () -> {
                for (Optional<StoredEvent> e = s.next(); e.isPresent(); e = s.next()) {
                  got.add(e.get());
                }
              })
          .isSameAs(failure);
    }
    assertThat(got).containsExactlyElementsOf(all.subList(0, ReadAhead.CHUNK + 5));
  }
}
