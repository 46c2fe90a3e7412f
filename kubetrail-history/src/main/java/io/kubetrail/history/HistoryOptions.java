package io.kubetrail.history;

/**
 * Options of state replay. Immutable; build with {@link #builder()}.
 *
 * <p>Defaults:
 *
 * <ul>
 *   <li>{@code checkpointInterval} = 50,000: while replaying, a checkpoint of the whole state is
 *       written after every this many changes, so that later queries start from it instead of
 *       replaying again. Smaller means faster queries and more disk: a checkpoint takes roughly the
 *       compressed size of the live objects (about 1 KB each).
 *   <li>{@code checkpoints} = true: whether replay writes checkpoints at all (a read-only store
 *       directory needs false).
 * </ul>
 *
 * <p>Each option names its setting ({@code --checkpoint-interval}, {@code --no-checkpoints} on the
 * command line).
 */
public final class HistoryOptions {
  public static final int DEFAULT_CHECKPOINT_INTERVAL = 50_000;
  public static final String CHECKPOINT_INTERVAL_SETTING = "--checkpoint-interval";
  public static final String NO_CHECKPOINTS_SETTING = "--no-checkpoints";

  private static final HistoryOptions DEFAULTS = builder().build();

  private final int checkpointInterval;
  private final boolean checkpoints;

  private HistoryOptions(Builder b) {
    this.checkpointInterval = b.checkpointInterval;
    this.checkpoints = b.checkpoints;
  }

  public static HistoryOptions defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  public int checkpointInterval() {
    return checkpointInterval;
  }

  public boolean checkpoints() {
    return checkpoints;
  }

  @Override
  public String toString() {
    return "HistoryOptions[checkpointInterval="
        + checkpointInterval
        + ", checkpoints="
        + checkpoints
        + "]";
  }

  /** Builder; setters reject values that could never work. */
  public static final class Builder {
    private int checkpointInterval = DEFAULT_CHECKPOINT_INTERVAL;
    private boolean checkpoints = true;

    private Builder() {}

    public Builder checkpointInterval(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("checkpointInterval must be at least 1, was " + value);
      }
      this.checkpointInterval = value;
      return this;
    }

    public Builder checkpoints(boolean value) {
      this.checkpoints = value;
      return this;
    }

    public HistoryOptions build() {
      return new HistoryOptions(this);
    }
  }
}
