package io.kubetrail.store.lucene;

import java.util.Objects;

/**
 * Settings of the embedded store alone; the limits every store honours are in {@link
 * io.kubetrail.store.StoreOptions}. Immutable.
 *
 * @param ramBufferMb memory that buffers appended events before they are written out as a new
 *     segment; default {@value #DEFAULT_RAM_BUFFER_MB}. Larger buffers mean fewer, larger segments
 *     and faster ingest; this bounds the store's share of the heap however large a batch is. At
 *     least 1 and below 2048 (Lucene's per-thread limit).
 * @param compression how stored raw events are compressed; default {@link Compression#FAST}
 * @param eventCacheBytes memory for the events search pages read, shared by later pages (which
 *     mostly read the newest), so that each is read from its block and decoded once; an estimate,
 *     by each event's raw JSON and its decoded fields; default {@value #DEFAULT_EVENT_CACHE_BYTES}
 *     (64 MiB); 0 turns the cache off. Scans (history, replay, reports) do not use it.
 */
public record LuceneOptions(int ramBufferMb, Compression compression, long eventCacheBytes) {
  public static final int DEFAULT_RAM_BUFFER_MB = 64;

  public static final long DEFAULT_EVENT_CACHE_BYTES = 64L * 1024 * 1024;

  private static final LuceneOptions DEFAULTS =
      new LuceneOptions(DEFAULT_RAM_BUFFER_MB, Compression.FAST, DEFAULT_EVENT_CACHE_BYTES);

  /** How raw events are compressed on disk. */
  public enum Compression {
    /** LZ4: fastest to write and read. */
    FAST,
    /** DEFLATE: roughly half the size of FAST, slower to write and to read back. */
    SMALL
  }

  public LuceneOptions {
    Objects.requireNonNull(compression, "compression");
    if (ramBufferMb < 1 || ramBufferMb >= 2048) {
      throw new IllegalArgumentException("ramBufferMb must be in [1, 2047], was " + ramBufferMb);
    }
    if (eventCacheBytes < 0) {
      throw new IllegalArgumentException(
          "eventCacheBytes must not be negative, was " + eventCacheBytes);
    }
  }

  public static LuceneOptions defaults() {
    return DEFAULTS;
  }

  public LuceneOptions withRamBufferMb(int value) {
    return new LuceneOptions(value, compression, eventCacheBytes);
  }

  public LuceneOptions withCompression(Compression value) {
    return new LuceneOptions(ramBufferMb, value, eventCacheBytes);
  }

  public LuceneOptions withEventCacheBytes(long value) {
    return new LuceneOptions(ramBufferMb, compression, value);
  }
}
