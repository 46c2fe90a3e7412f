package io.kubetrail.store.lucene;

import java.util.Arrays;
import org.apache.lucene.util.BytesRef;

/**
 * A set of 64-bit fingerprints of event identities, in an open-addressing table: what {@link
 * FreshEvents} holds of each event appended since the searchers refreshed. Sixteen bytes an event
 * at most, where a set of the identities themselves held about 160, so that a long ingest need not
 * refresh (which flushes a small segment that merges then rewrite) to bound its memory. A
 * fingerprint found may belong to another identity: it only says that the index must be looked in.
 * Not thread-safe.
 */
final class IdFingerprints {
  /** Marks an empty slot; a fingerprint that equals it is stored as {@link #ZERO_STANDIN}. */
  private static final long EMPTY = 0;

  private static final long ZERO_STANDIN = 1;
  private static final SipHash HASH = new SipHash(0x6b75626574726169L, 0x6c2d696473L);

  private long[] slots = new long[1024];
  private int size;

  void add(BytesRef id) {
    if (2 * (size + 1) > slots.length) {
      grow();
    }
    if (insert(slots, fingerprint(id))) {
      size++;
    }
  }

  boolean mayContain(BytesRef id) {
    long f = fingerprint(id);
    int mask = slots.length - 1;
    for (int i = (int) f & mask; slots[i] != EMPTY; i = (i + 1) & mask) {
      if (slots[i] == f) {
        return true;
      }
    }
    return false;
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  void clear() {
    if (slots.length > 1024) {
      slots = new long[1024];
    } else {
      Arrays.fill(slots, EMPTY);
    }
    size = 0;
  }

  private void grow() {
    long[] bigger = new long[slots.length * 2];
    for (long f : slots) {
      if (f != EMPTY) {
        insert(bigger, f);
      }
    }
    slots = bigger;
  }

  /** True when {@code f} was not in {@code table} and is now. */
  private static boolean insert(long[] table, long f) {
    int mask = table.length - 1;
    int i = (int) f & mask;
    for (; table[i] != EMPTY; i = (i + 1) & mask) {
      if (table[i] == f) {
        return false;
      }
    }
    table[i] = f;
    return true;
  }

  private static long fingerprint(BytesRef id) {
    long f = HASH.hash(0, id.bytes, id.offset, id.length);
    return f == EMPTY ? ZERO_STANDIN : f;
  }
}
