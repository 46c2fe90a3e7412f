package io.kubetrail.event;

/**
 * Limits on untrusted audit input. Immutable; build with {@link #builder()}.
 *
 * <p>Defaults:
 *
 * <ul>
 *   <li>{@code maxEventBytes} = 16 MiB: the largest single event, whether a JSON Lines record or an
 *       item of an {@code EventList}. kube-apiserver's own truncation limit is 100 KiB per event
 *       when enabled ({@code --audit-log-truncate-max-event-size}), so this leaves ample room for
 *       untruncated RequestResponse events of large objects.
 *   <li>{@code maxLineBytes} = 64 MiB: the longest line read from a JSON Lines file; a line may
 *       hold a whole {@code EventList} (a saved webhook batch). Longer lines are skipped without
 *       being buffered.
 *   <li>{@code maxNestingDepth} = 200: objects and arrays nested inside one event. Kubernetes
 *       objects rarely nest deeper than 20.
 * </ul>
 *
 * <p>Each limit names its setting ({@code --max-event-bytes}, {@code --max-line-bytes}, {@code
 * --max-nesting-depth} on the command line) so that errors can say which one to change.
 */
public final class DecodeLimits {
  public static final int DEFAULT_MAX_EVENT_BYTES = 16 * 1024 * 1024;
  public static final int DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;
  public static final int DEFAULT_MAX_NESTING_DEPTH = 200;

  public static final String MAX_EVENT_BYTES_SETTING = "--max-event-bytes";
  public static final String MAX_LINE_BYTES_SETTING = "--max-line-bytes";
  public static final String MAX_NESTING_DEPTH_SETTING = "--max-nesting-depth";

  private static final DecodeLimits DEFAULTS = builder().build();

  private final int maxEventBytes;
  private final int maxLineBytes;
  private final int maxNestingDepth;

  private DecodeLimits(Builder b) {
    this.maxEventBytes = b.maxEventBytes;
    this.maxLineBytes = b.maxLineBytes;
    this.maxNestingDepth = b.maxNestingDepth;
  }

  public static DecodeLimits defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .maxEventBytes(maxEventBytes)
        .maxLineBytes(maxLineBytes)
        .maxNestingDepth(maxNestingDepth);
  }

  public int maxEventBytes() {
    return maxEventBytes;
  }

  public int maxLineBytes() {
    return maxLineBytes;
  }

  public int maxNestingDepth() {
    return maxNestingDepth;
  }

  /** The rejection reason for an event of {@code bytes} bytes, over {@link #maxEventBytes()}. */
  String eventTooLarge(long bytes) {
    return "event is "
        + bytes
        + " bytes, over the limit of "
        + maxEventBytes
        + " bytes (raise it with "
        + MAX_EVENT_BYTES_SETTING
        + ")";
  }

  /** The rejection reason for a string too long to fit in any event {@link #maxEventBytes()}. */
  String stringTooLong() {
    return "event holds a string longer than the limit of "
        + maxEventBytes
        + " bytes for a whole event (raise it with "
        + MAX_EVENT_BYTES_SETTING
        + ")";
  }

  /** The rejection reason for a line of {@code bytes} bytes, over {@link #maxLineBytes()}. */
  public String lineTooLong(long bytes) {
    return "line is "
        + bytes
        + " bytes, over the limit of "
        + maxLineBytes
        + " bytes (raise it with "
        + MAX_LINE_BYTES_SETTING
        + ")";
  }

  /**
   * The rejection reason for nesting that reached {@code depth}, over {@link #maxNestingDepth()}.
   */
  String tooDeep(int depth) {
    return "nesting depth "
        + depth
        + " is over the limit of "
        + maxNestingDepth
        + " (raise it with "
        + MAX_NESTING_DEPTH_SETTING
        + ")";
  }

  @Override
  public String toString() {
    return "DecodeLimits[maxEventBytes="
        + maxEventBytes
        + ", maxLineBytes="
        + maxLineBytes
        + ", maxNestingDepth="
        + maxNestingDepth
        + "]";
  }

  /** Builder; setters reject values that could never work. */
  public static final class Builder {
    private int maxEventBytes = DEFAULT_MAX_EVENT_BYTES;
    private int maxLineBytes = DEFAULT_MAX_LINE_BYTES;
    private int maxNestingDepth = DEFAULT_MAX_NESTING_DEPTH;

    private Builder() {}

    public Builder maxEventBytes(int value) {
      if (value < 64) {
        throw new IllegalArgumentException(
            "maxEventBytes (" + MAX_EVENT_BYTES_SETTING + ") must be at least 64, was " + value);
      }
      this.maxEventBytes = value;
      return this;
    }

    public Builder maxLineBytes(int value) {
      if (value < 64) {
        throw new IllegalArgumentException(
            "maxLineBytes (" + MAX_LINE_BYTES_SETTING + ") must be at least 64, was " + value);
      }
      this.maxLineBytes = value;
      return this;
    }

    public Builder maxNestingDepth(int value) {
      if (value < 4) {
        throw new IllegalArgumentException(
            "maxNestingDepth (" + MAX_NESTING_DEPTH_SETTING + ") must be at least 4, was " + value);
      }
      this.maxNestingDepth = value;
      return this;
    }

    public DecodeLimits build() {
      return new DecodeLimits(this);
    }
  }
}
