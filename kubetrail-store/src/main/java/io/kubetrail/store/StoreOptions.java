package io.kubetrail.store;

/**
 * Options and limits every store honours, whatever its backend. Immutable; build with {@link
 * #builder()}. Settings of one backend live in its own options ({@code LuceneOptions} for the
 * embedded store).
 *
 * <p>Defaults:
 *
 * <ul>
 *   <li>{@code readOnly} = false: a read-only store takes no lock, so it can search a store that
 *       another process is appending to; it sees each commit after it happens.
 *   <li>{@code maxPageSize} = 10,000: the most events one {@link AuditStore#search} page returns.
 *   <li>{@code maxHistogramBuckets} = 100,000: the most non-empty buckets a {@link
 *       AuditStore#histogram} returns; choose a longer bucket for longer ranges.
 *   <li>{@code scanPageSize} = 4,096: events an {@link EventStream} reads ahead at a time; bounds
 *       its memory (about 5 MB of events at 1.3 KB each). Each page is one search, whose setup over
 *       every segment costs as much for a few events as for many (a report's walk of a month,
 *       765,708 changes, made about 800 searches at 1,000 events a page).
 *   <li>{@code searchCacheBytes} = 0: memory for the events that search pages read, kept for later
 *       pages, which mostly read the same (the newest). Worth it in a process that serves many
 *       searches ({@code serve} keeps 64 MiB); in a command that searches once it only adds work,
 *       so it is off by default. A backend may have no such cache and ignore it.
 * </ul>
 *
 * <p>Each limit names its setting (on the command line) so that errors can say which one to change.
 */
public final class StoreOptions {
  public static final int DEFAULT_MAX_PAGE_SIZE = 10_000;
  public static final int DEFAULT_MAX_HISTOGRAM_BUCKETS = 100_000;
  public static final int DEFAULT_SCAN_PAGE_SIZE = 4_096;

  public static final String MAX_PAGE_SIZE_SETTING = "--max-page-size";
  public static final String MAX_HISTOGRAM_BUCKETS_SETTING = "--max-histogram-buckets";

  private static final StoreOptions DEFAULTS = builder().build();

  private final boolean readOnly;
  private final int maxPageSize;
  private final int maxHistogramBuckets;
  private final int scanPageSize;
  private final long searchCacheBytes;

  private StoreOptions(Builder b) {
    this.readOnly = b.readOnly;
    this.maxPageSize = b.maxPageSize;
    this.maxHistogramBuckets = b.maxHistogramBuckets;
    this.scanPageSize = b.scanPageSize;
    this.searchCacheBytes = b.searchCacheBytes;
  }

  public static StoreOptions defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .readOnly(readOnly)
        .maxPageSize(maxPageSize)
        .maxHistogramBuckets(maxHistogramBuckets)
        .scanPageSize(scanPageSize)
        .searchCacheBytes(searchCacheBytes);
  }

  public boolean readOnly() {
    return readOnly;
  }

  public int maxPageSize() {
    return maxPageSize;
  }

  public int maxHistogramBuckets() {
    return maxHistogramBuckets;
  }

  public int scanPageSize() {
    return scanPageSize;
  }

  public long searchCacheBytes() {
    return searchCacheBytes;
  }

  @Override
  public String toString() {
    return "StoreOptions[readOnly="
        + readOnly
        + ", maxPageSize="
        + maxPageSize
        + ", maxHistogramBuckets="
        + maxHistogramBuckets
        + ", scanPageSize="
        + scanPageSize
        + ", searchCacheBytes="
        + searchCacheBytes
        + "]";
  }

  /** Builder; setters reject values that could never work. */
  public static final class Builder {
    private boolean readOnly;
    private int maxPageSize = DEFAULT_MAX_PAGE_SIZE;
    private int maxHistogramBuckets = DEFAULT_MAX_HISTOGRAM_BUCKETS;
    private int scanPageSize = DEFAULT_SCAN_PAGE_SIZE;
    private long searchCacheBytes;

    private Builder() {}

    public Builder readOnly(boolean value) {
      this.readOnly = value;
      return this;
    }

    public Builder maxPageSize(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("maxPageSize must be at least 1, was " + value);
      }
      this.maxPageSize = value;
      return this;
    }

    public Builder maxHistogramBuckets(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("maxHistogramBuckets must be at least 1, was " + value);
      }
      this.maxHistogramBuckets = value;
      return this;
    }

    public Builder scanPageSize(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("scanPageSize must be at least 1, was " + value);
      }
      this.scanPageSize = value;
      return this;
    }

    public Builder searchCacheBytes(long value) {
      if (value < 0) {
        throw new IllegalArgumentException("searchCacheBytes must not be negative, was " + value);
      }
      this.searchCacheBytes = value;
      return this;
    }

    public StoreOptions build() {
      return new StoreOptions(this);
    }
  }
}
