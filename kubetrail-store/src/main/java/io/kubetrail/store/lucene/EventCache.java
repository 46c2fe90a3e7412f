package io.kubetrail.store.lucene;

import io.kubetrail.store.StoredEvent;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Events that search pages have read, by position, shared by later pages: a page's events lie in as
 * many blocks as it has events when a filter is selective, and reading one means reading and
 * decompressing its block up to it. Pages mostly read the same events (the newest), so these are
 * decoded once. Bounded by an estimate of the bytes the events take ({@link
 * io.kubetrail.store.StoreOptions#searchCacheBytes()}; a block's events move together, so by one
 * block at most). The events of a block file that is cut back or deleted are dropped with it.
 * Thread-safe; events are immutable.
 *
 * <p>Events are held by their block, so that a page whose events share blocks looks each block up
 * once. Two generations stand in for a least-recently-used order: blocks go into the young one, and
 * a block found in the old one moves to the young one; when the young one holds half the bound, the
 * old one is dropped and the young one becomes old. What no page read for a whole generation goes,
 * as in an LRU order, while a hit is a lock-free look-up: the access-ordered map of events before
 * took a lock and relinked an entry at every hit, about a tenth of a search's CPU under concurrent
 * searches.
 */
final class EventCache {
  /** What an event takes beyond its raw JSON: its decoded fields and its slot. */
  private static final int OVERHEAD_BYTES = 1024;

  private final long maxBytes;
  private volatile Map<Long, Block> young = new ConcurrentHashMap<>();
  private volatile Map<Long, Block> old = new ConcurrentHashMap<>();
  private long youngBytes;
  private long oldBytes;

  /** The events held of one block, by slot. */
  static final class Block {
    /**
     * Replaced whole when it grows. A reader may see a slot empty that a writer just filled, and
     * then reads the event from its block: events are immutable, so it never sees half of one.
     */
    private volatile StoredEvent[] slots = new StoredEvent[0];

    /** The bytes its events weigh; changed under the cache's lock. */
    private long bytes;

    /** The event in {@code slot}, when held. */
    StoredEvent event(int slot) {
      StoredEvent[] s = slots;
      return slot < s.length ? s[slot] : null;
    }

    /** Holds an event; the weight of the one it replaces, or 0. */
    private long put(int slot, StoredEvent event) {
      StoredEvent[] s = slots;
      if (slot >= s.length) {
        s = Arrays.copyOf(s, Math.max(slot + 1, Math.min(EventBlock.MAX_EVENTS, 2 * s.length)));
      }
      StoredEvent replaced = s[slot];
      s[slot] = event;
      slots = s;
      return replaced == null ? 0 : weight(replaced);
    }
  }

  EventCache(long maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must not be negative, was " + maxBytes);
    }
    this.maxBytes = maxBytes;
  }

  boolean enabled() {
    return maxBytes > 0;
  }

  /** The block starting at {@code start} (a position of slot 0), when any of its events is held. */
  Block block(long start) {
    Block b = young.get(start);
    if (b != null) {
      return b;
    }
    b = old.get(start);
    if (b != null) {
      promote(start, b);
    }
    return b;
  }

  /** The event at {@code position}, when held. */
  Optional<StoredEvent> get(long position) {
    Block b = block(start(position));
    return Optional.ofNullable(b == null ? null : b.event(BlockFiles.slot(position)));
  }

  /** Holds an event, dropping the old generation when the young one is full. */
  synchronized void put(long position, StoredEvent event) {
    if (!enabled()) {
      return;
    }
    long start = start(position);
    Block b = young.get(start);
    if (b == null) {
      b = old.remove(start);
      if (b != null) {
        oldBytes -= b.bytes;
        youngBytes += b.bytes;
      } else {
        b = new Block();
      }
      young.put(start, b);
    }
    long added = weight(event) - b.put(BlockFiles.slot(position), event);
    b.bytes += added;
    youngBytes += added;
    rotateWhenFull();
  }

  private synchronized void promote(long start, Block b) {
    // Another thread may have moved it, or a generation passed, since it was found.
    if (old.remove(start, b)) {
      oldBytes -= b.bytes;
      young.put(start, b);
      youngBytes += b.bytes;
      rotateWhenFull();
    }
  }

  private void rotateWhenFull() {
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

  private static long discard(Map<Long, Block> blocks, long file, long from) {
    long dropped = 0;
    Iterator<Map.Entry<Long, Block>> it = blocks.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Long, Block> e = it.next();
      long start = e.getKey();
      if (BlockFiles.file(start) == file && BlockFiles.offset(start) >= from) {
        dropped += e.getValue().bytes;
        it.remove();
      }
    }
    return dropped;
  }

  synchronized long bytes() {
    return youngBytes + oldBytes;
  }

  /** How many events are held. */
  synchronized int size() {
    int n = 0;
    for (Map<Long, Block> blocks : java.util.List.of(young, old)) {
      for (Block b : blocks.values()) {
        for (StoredEvent e : b.slots) {
          n += e == null ? 0 : 1;
        }
      }
    }
    return n;
  }

  /** The position of slot 0 of the block that holds {@code position}. */
  static long start(long position) {
    return position & ~0xffL;
  }

  private static long weight(StoredEvent e) {
    return e.event().json().length() + OVERHEAD_BYTES;
  }
}
