package io.kubetrail.store.lucene;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetrail.store.RandomEvents;
import io.kubetrail.store.StoredEvent;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The events search pages share: bounded by bytes, least recently used out first. */
class EventCacheTest {
  private final Random random = new Random(20261205);

  private long weight(StoredEvent e) {
    EventCache one = new EventCache(Long.MAX_VALUE);
    one.put(0, e);
    return one.bytes();
  }

  @Test
  void theLeastRecentlyUsedGoPastTheBound() {
    StoredEvent a = RandomEvents.event(random);
    StoredEvent b = RandomEvents.event(random);
    StoredEvent c = RandomEvents.event(random);
    EventCache cache = new EventCache(weight(a) + weight(b) + weight(c) - 1);
    cache.put(BlockFiles.position(1, 100, 0), a);
    cache.put(BlockFiles.position(1, 100, 1), b);
    assertThat(cache.get(BlockFiles.position(1, 100, 0))).contains(a); // a is now the newest used
    cache.put(BlockFiles.position(1, 200, 0), c);
    assertThat(cache.get(BlockFiles.position(1, 100, 1))).isEmpty();
    assertThat(cache.get(BlockFiles.position(1, 100, 0))).contains(a);
    assertThat(cache.get(BlockFiles.position(1, 200, 0))).contains(c);
    assertThat(cache.bytes()).isEqualTo(weight(a) + weight(c));
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
