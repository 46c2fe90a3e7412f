package io.kubetrail.store.lucene;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.store.RandomEvents;
import io.kubetrail.store.StoredEvent;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The events search pages share: bounded by bytes, what no page read for a generation out first.
 */
class EventCacheTest {
  private final Random random = new Random(20261205);

  private long weight(StoredEvent e) {
    EventCache one = new EventCache(Long.MAX_VALUE);
    one.put(0, e);
    return one.bytes();
  }

  @Test
  void whatNoPageReadForAGenerationGoesPastTheBound() {
    StoredEvent e = RandomEvents.event(random);
    long w = weight(e);
    // A generation holds half the bound: three events fill one.
    EventCache cache = new EventCache(6 * w - 2);
    long[] p = new long[6];
    for (int i = 1; i < p.length; i++) {
      p[i] = BlockFiles.position(1, 100L * i, 0);
    }
    cache.put(p[1], e);
    cache.put(p[2], e);
    cache.put(p[3], e); // the first generation is full: it gets old
    assertThat(cache.get(p[1])).contains(e); // read again: young again
    cache.put(p[4], e);
    cache.put(p[5], e); // full again: 2 and 3, not read since, go
    assertThat(cache.bytes()).isEqualTo(3 * w);
    assertThat(cache.get(p[2])).isEmpty();
    assertThat(cache.get(p[3])).isEmpty();
    assertThat(cache.get(p[1])).contains(e);
    assertThat(cache.get(p[4])).contains(e);
    assertThat(cache.get(p[5])).contains(e);
    assertThat(cache.size()).isEqualTo(3);
  }

  @Test
  void manyThreadsShareItWithinItsBound() throws Exception {
    StoredEvent[] events = new StoredEvent[64];
    for (int i = 0; i < events.length; i++) {
      events[i] = RandomEvents.event(random);
    }
    long bound = 10 * weight(events[0]);
    EventCache cache = new EventCache(bound);
    AtomicReference<Throwable> failed = new AtomicReference<>();
    Thread[] threads = new Thread[4];
    for (int t = 0; t < threads.length; t++) {
      long seed = t;
      threads[t] =
          new Thread(
              () -> {
                Random r = new Random(seed);
                try {
                  for (int i = 0; i < 20_000; i++) {
                    int slot = r.nextInt(events.length);
                    long position = BlockFiles.position(1, 100L * (slot / 4 + 1), slot % 4);
                    cache.get(position).ifPresent(e -> assertThat(e).isSameAs(events[slot]));
                    cache.put(position, events[slot]);
                  }
                } catch (Throwable e) {
                  failed.set(e);
                }
              });
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(failed.get()).isNull();
    long heaviest = 0;
    for (StoredEvent e : events) {
      heaviest = Math.max(heaviest, weight(e));
    }
    assertThat(cache.size()).isPositive();
    // A block's events move together: the bound may be passed by one block of them.
    assertThat(cache.bytes()).isBetween(1L, bound + 4 * heaviest);
  }

  @Test
  void aFileCutBackOrDeletedTakesItsEventsAlong() {
    EventCache cache = new EventCache(Long.MAX_VALUE);
    cache.put(BlockFiles.position(1, 100, 3), RandomEvents.event(random));
    cache.put(BlockFiles.position(2, 100, 0), RandomEvents.event(random));
    cache.put(BlockFiles.position(2, 500, 0), RandomEvents.event(random));
    cache.discard(2, 200);
    assertThat(cache.get(BlockFiles.position(2, 500, 0))).isEmpty();
    assertThat(cache.get(BlockFiles.position(2, 100, 0))).isPresent();
    cache.discard(1, 0);
    assertThat(cache.get(BlockFiles.position(1, 100, 3))).isEmpty();
    assertThat(cache.size()).isEqualTo(1);
  }

  @Test
  void aCacheOfNoBytesHoldsNothing() {
    EventCache cache = new EventCache(0);
    cache.put(7, RandomEvents.event(random));
    assertThat(cache.enabled()).isFalse();
    assertThat(cache.get(7)).isEmpty();
    assertThat(cache.bytes()).isZero();
  }
}
