package io.kubetrail.store.lucene;

import io.kubetrail.store.StoredEvent;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Events that search pages have read, by position, shared by later pages: a page's events lie in as
 * many blocks as it has events when a filter is selective, and reading one means reading and
 * decompressing its block up to it. Pages mostly read the same events (the newest), so these are
 * decoded once. Bounded by an estimate of the bytes the events take ({@link
 * io.kubetrail.store.StoreOptions#searchCacheBytes()}). The events of a block file that is cut back
 * or deleted are dropped with it. Thread-safe; events are immutable.
 *
 * <p>Two generations stand in for a least-recently-used order: events go into the young one, and an
 * event found in the old one moves to the young one; when the young one holds half the bound, the
 * old one is dropped and the young one becomes old. What no page read for a whole generation goes,
 * as in an LRU order, while a hit is a lock-free map look-up: the access-ordered map before took a
 * lock and relinked an entry at every hit, about a tenth of a search's CPU under concurrent
 * searches.
 */
final class EventCache {
  /** What an event takes beyond its raw JSON: its decoded fields and the map's entry. */
  private static final int OVERHEAD_BYTES = 1024;

  private final long maxBytes;
  private volatile Map<Long, StoredEvent> young = new ConcurrentHashMap<>();
  private volatile Map<Long, StoredEvent> old = new ConcurrentHashMap<>();
  private long youngBytes;
  private long oldBytes;

  EventCache(long maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must not be negative, was " + maxBytes);
    }
    this.maxBytes = maxBytes;
  }

  boolean enabled() {
    return maxBytes > 0;
  }

  /** The event at {@code position}, when held. */
  Optional<StoredEvent> get(long position) {
    StoredEvent e = young.get(position);
    if (e != null) {
      return Optional.of(e);
    }
    e = old.get(position);
    if (e != null) {
      promote(position, e);
    }
    return Optional.ofNullable(e);
  }

  /** Holds an event, dropping the old generation when the young one is full. */
  synchronized void put(long position, StoredEvent event) {
    if (!enabled()) {
      return;
    }
    StoredEvent replaced = old.remove(position);
    if (replaced != null) {
      oldBytes -= weight(replaced);
    }
    add(position, event);
  }

  private synchronized void promote(long position, StoredEvent event) {
    // Another thread may have moved it, or a generation passed, since it was found.
    if (old.remove(position, event)) {
      oldBytes -= weight(event);
      add(position, event);
    }
  }

  private void add(long position, StoredEvent event) {
    StoredEvent replaced = young.put(position, event);
    youngBytes += weight(event) - (replaced == null ? 0 : weight(replaced));
    if (youngBytes > maxBytes / 2) {
      old = young;
      oldBytes = youngBytes;
      young = new ConcurrentHashMap<>();
      youngBytes = 0;
    }
  }

  /** Drops the events of block file {@code file} at or after byte {@code from}. */
  synchronized void discard(long file, long from) {
    youngBytes -= discard(young, file, from);
    oldBytes -= discard(old, file, from);
  }

  private static long discard(Map<Long, StoredEvent> events, long file, long from) {
    long dropped = 0;
    var it = events.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Long, StoredEvent> e = it.next();
      long position = e.getKey();
      if (BlockFiles.file(position) == file && BlockFiles.offset(position) >= from) {
        dropped += weight(e.getValue());
        it.remove();
      }
    }
    return dropped;
  }

  synchronized long bytes() {
    return youngBytes + oldBytes;
  }

  synchronized int size() {
    return young.size() + old.size();
  }

  private static long weight(StoredEvent e) {
    return e.event().json().length() + OVERHEAD_BYTES;
  }
}
