package io.kubetrail.store.lucene;

import io.kubetrail.store.StoredEvent;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Events that search pages have read, by position, shared by later pages: a page's events lie in as
 * many blocks as it has events when a filter is selective, and reading one means reading and
 * decompressing its block up to it. Pages mostly read the same events (the newest), so these are
 * decoded once. Bounded by an estimate of the bytes the events take ({@link
 * io.kubetrail.store.StoreOptions#searchCacheBytes()}): past it the least recently used go. The
 * events of a block file that is cut back or deleted are dropped with it. Thread-safe; events are
 * immutable.
 */
final class EventCache {
  /** What an event takes beyond its raw JSON: its decoded fields and the map's entry. */
  private static final int OVERHEAD_BYTES = 1024;

  private final long maxBytes;
  private final LinkedHashMap<Long, StoredEvent> events = new LinkedHashMap<>(1024, 0.75f, true);
  private long bytes;

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
  synchronized Optional<StoredEvent> get(long position) {
    return Optional.ofNullable(events.get(position));
  }

  /** Holds an event, dropping the least recently used past the bound. */
  synchronized void put(long position, StoredEvent event) {
    if (!enabled()) {
      return;
    }
    StoredEvent old = events.put(position, event);
    bytes += weight(event) - (old == null ? 0 : weight(old));
    Iterator<StoredEvent> eldest = events.values().iterator();
    while (bytes > maxBytes && eldest.hasNext()) {
      bytes -= weight(eldest.next());
      eldest.remove();
    }
  }

  /** Drops the events of block file {@code file} at or after byte {@code from}. */
  synchronized void discard(long file, long from) {
    Iterator<Map.Entry<Long, StoredEvent>> it = events.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Long, StoredEvent> e = it.next();
      long position = e.getKey();
      if (BlockFiles.file(position) == file && BlockFiles.offset(position) >= from) {
        bytes -= weight(e.getValue());
        it.remove();
      }
    }
  }

  synchronized long bytes() {
    return bytes;
  }

  synchronized int size() {
    return events.size();
  }

  private static long weight(StoredEvent e) {
    return e.event().json().length() + OVERHEAD_BYTES;
  }
}
