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
 */
public record LuceneOptions(int ramBufferMb, Compression compression) {
  public static final int DEFAULT_RAM_BUFFER_MB = 64;

  private static final LuceneOptions DEFAULTS =
      new LuceneOptions(DEFAULT_RAM_BUFFER_MB, Compression.FAST);

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
  }

  public static LuceneOptions defaults() {
    return DEFAULTS;
  }

  public LuceneOptions withRamBufferMb(int value) {
    return new LuceneOptions(value, compression);
  }

  public LuceneOptions withCompression(Compression value) {
    return new LuceneOptions(ramBufferMb, value);
  }
}
